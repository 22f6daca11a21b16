import "./support/isolated-home";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { main } from "../scripts/smoke";
import { Redactor } from "../scripts/lib/redact";
import { buildReport, renderJUnit } from "../scripts/lib/smoke/report";
import type { SmokeReport, SmokeResult } from "../scripts/lib/smoke/types";
import { SmokeWorld } from "./support/smoke-world";

/** No PASS without proof: answers that are not the documented JSON, identity checks, preconditions, JUnit. */

let world: SmokeWorld;

beforeEach(async () => {
  world = await SmokeWorld.start("dev");
});

afterEach(async () => {
  await world.stop();
});

async function run(args: string[], deps = world.deps()) {
  const code = await main(["--env", "dev", "--outputs", world.outputsFile, "--json", "r.json", "--junit", "r.xml", ...args], deps);
  const report = JSON.parse(deps.files.get("r.json") ?? "null") as SmokeReport;
  const failed = report.results.filter((r) => r.status === "fail");
  return { code, report, failed, junit: deps.files.get("r.xml") ?? "", stdout: deps.out.join("") };
}

const answer = (status: number, body: unknown, contentType: string) => () => ({ status, body, headers: { "Content-Type": contentType } });

describe("smoke: a Genesys answer that is not the documented JSON fails the check that read it", () => {
  it("login answered with an HTML page and 200: the token checks fail saying what came back; nothing passes on it", async () => {
    world.genesys.addRoute({ method: "POST", pattern: "/oauth/token", auth: "none", handle: answer(200, "<!DOCTYPE html><html><body>Sign in to the proxy</body></html>", "text/html; charset=utf-8") });
    const { code, report, failed } = await run(["--only", "token", "integration"]);
    expect(code).toBe(1);
    expect(failed.map((r) => r.id).sort()).toEqual(["genesys.token.rotation", "genesys.token.smoke-tests"]);
    for (const r of failed) {
      expect(r.reason).toMatch(/content type text\/html; charset=utf-8/);
      expect(r.reason).toMatch(/<!DOCTYPE html><html><body>Sign in/);
    }
    expect(report.results.filter((r) => r.id.startsWith("genesys.integration")).map((r) => r.status)).toEqual(["skip", "skip"]);
  });

  it("an integration answered with garbage JSON and 200 fails genesys.integration.state, secrets masked", async () => {
    const secret = world.genesys.secretOf(world.outputs.services["smoke-tests"].client_ids[0]);
    world.genesys.addRoute({ method: "GET", pattern: "/api/v2/integrations/:id", handle: answer(200, { unexpected: true, secret }, "application/json") });
    const { code, failed, junit, stdout } = await run(["--only", "integration.state"]);
    expect(code).toBe(1);
    expect(failed.map((r) => r.id)).toEqual(["genesys.integration.state"]);
    expect(failed[0].reason).toMatch(/not the documented one \(it has no string id\): HTTP 200, content type application\/json/);
    for (const text of [JSON.stringify(failed), junit, stdout]) expect(text).not.toContain(secret);
  });

  it("tokens/me without OAuthClient fails the token check (fail closed: nothing proves whose token it is)", async () => {
    world.genesys.addRoute({ method: "GET", pattern: "/api/v2/tokens/me", handle: answer(200, { organization: { id: "o" }, authorizedScope: [] }, "application/json") });
    const { failed } = await run(["--only", "token.smoke-tests"]);
    expect(failed.map((r) => r.id)).toEqual(["genesys.token.smoke-tests"]);
    expect(failed[0].reason).toMatch(/answered without OAuthClient\.id \(keys: organization, authorizedScope\)/);
  });

  it("a stored credential of another service's client fails locally, though Genesys grants it a token", async () => {
    world.storeCredential("smoke-tests", 0, world.outputs.services.rotation.client_ids[0]);
    const { failed } = await run(["--only", "token.smoke-tests"]);
    expect(failed.map((r) => r.id)).toEqual(["genesys.token.smoke-tests"]);
    expect(failed[0].reason).toMatch(/holds OAuth client \S+, which is not one of the service's clients/);
  });

  it("tokens/me naming another client than the stored one fails", async () => {
    const other = world.outputs.services.rotation.client_ids[1];
    world.genesys.addRoute({ method: "GET", pattern: "/api/v2/tokens/me", handle: answer(200, { organization: { id: "o" }, OAuthClient: { id: other } }, "application/json") });
    const { failed } = await run(["--only", "token.smoke-tests"]);
    expect(failed[0].reason).toMatch(new RegExp(`the token belongs to OAuth client ${other}, not to`));
  });

  it("available topics listed without transports prove nothing: genesys.topics fails", async () => {
    world.genesys.addRoute({
      method: "GET",
      pattern: "/api/v2/notifications/availabletopics",
      handle: answer(200, { entities: world.environment.integration.topicFilters.map((id) => ({ id })) }, "application/json"),
    });
    const { failed } = await run(["--only", "genesys.topics"]);
    expect(failed.map((r) => r.id)).toEqual(["genesys.topics"]);
    expect(failed[0].reason).toMatch(/listed without transports/);
  });
});

describe("smoke: one failing precondition is reported once", () => {
  it("no AWS credentials: aws.credentials fails, every other check is blocked by it", async () => {
    const noCredentials = new EventBridgeClient({
      region: "us-east-1",
      credentials: () => Promise.reject(new Error("Could not load credentials from any providers")),
    });
    const deps = world.deps({ aws: { ...world.clients, eventBridge: noCredentials } });
    const { code, report, failed } = await run(["--canary"], deps);
    expect(code).toBe(1);
    expect(failed.map((r) => r.id)).toEqual(["aws.credentials"]);
    expect(failed[0].reason).toMatch(/^no AWS credentials \(Could not load credentials from any providers\)/);
    const others = report.results.filter((r) => r.id !== "aws.credentials");
    expect(others.length).toBeGreaterThan(20);
    for (const r of others) expect(r).toMatchObject({ status: "skip", data: { blockedBy: "aws.credentials" } });
    expect(world.genesys.requests).toEqual([]);
    expect(world.awsCommands()).toEqual([]);
  });
});

describe("smoke: JUnit output is valid XML for any reason text", () => {
  const nasty = "ends ]]> here <tag attr=\"x\"> & 'q' \u0000nul \u0007bel \u001b[31mansi\u001b[0m \u000bvt \ud800lone \uffff emoji 🚀 tab\tcr\r";
  const result = (id: string, status: SmokeResult["status"]): SmokeResult => ({ id, area: "aws", title: `title ${nasty}`, status, durationMs: 5, reason: nasty });

  it("parses, validates and keeps the visible text", () => {
    const report = buildReport("dev", 0, 10, [result("aws.a", "fail"), result("aws.b", "skip"), result("aws.c", "pass")]);
    const xml = renderJUnit(report, new Redactor());
    expect(XMLValidator.validate(xml)).toBe(true);
    // eslint-disable-next-line no-control-regex -- asserting that none is left.
    expect(xml).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/);
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" }).parse(xml) as {
      testsuites: { failures: string; testsuite: { testcase: { name: string; failure?: { message: string }; skipped?: { message: string } }[] } };
    };
    const [failedCase, skippedCase] = parsed.testsuites.testsuite.testcase;
    expect(parsed.testsuites.failures).toBe("1");
    expect(failedCase.failure?.message).toContain("ends ]]> here <tag attr=\"x\"> & 'q'");
    expect(failedCase.failure?.message).toContain("\\u{0}nul \\u{7}bel \\u{1b}[31mansi");
    expect(failedCase.failure?.message).toContain("emoji 🚀");
    expect(skippedCase.skipped?.message).toContain("\\u{d800}lone");
  });

  it.each([
    'client_secret=s3cr&t<"\'> done',
    'secret: &quot;hello&quot; <!-- --> <![CDATA[ x ]]> s3cr&t<',
    "Bearer " + "a".repeat(40) + '"/><evil a="',
  ])("stays valid and masks a secret made of markup characters, raw or escaped: %j", (reason) => {
    const redactor = new Redactor();
    redactor.add("s3cr&t<");
    const xml = renderJUnit(buildReport("dev", 0, 1, [{ ...result("genesys.x", "fail"), reason }, { ...result("aws.y", "skip"), reason }]), redactor);
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).not.toContain("s3cr&t<");
    expect(xml).not.toContain("s3cr&amp;t&lt;");
  });
});
