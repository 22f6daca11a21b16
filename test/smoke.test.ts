import "./support/isolated-home";
import * as path from "node:path";
import { XMLParser } from "fast-xml-parser";
import { main } from "../scripts/smoke";
import type { SmokeReport } from "../scripts/lib/smoke/types";
import { SmokeWorld } from "./support/smoke-world";
import { writeOutputsFile } from "./support/stack-outputs-fixture";

/**
 * scripts/smoke.ts in-process against the fake Genesys server (real SDK, real HTTP, HOME at an empty temp dir)
 * and faked AWS SDK v3 clients (aws-sdk-client-mock, stateful).
 */

let world: SmokeWorld;

beforeEach(async () => {
  world = await SmokeWorld.start("dev");
});

afterEach(async () => {
  await world.stop();
});

async function run(extra: string[] = [], deps = world.deps()) {
  const started = Date.now();
  const code = await main(["--env", "dev", "--outputs", world.outputsFile, "--json", "report.json", "--junit", "smoke.xml", ...extra], deps);
  const elapsedMs = Date.now() - started;
  const report = JSON.parse(deps.files.get("report.json") ?? "null") as SmokeReport;
  const stdout = deps.out.join("");
  const stderr = deps.err.join("");
  return { code, report, stdout, stderr, junit: deps.files.get("smoke.xml") ?? "", elapsedMs, deps };
}

function failures(report: SmokeReport) {
  return report.results.filter((r) => r.status === "fail");
}

function client(id: string) {
  const c = world.genesys.state.oauthClients.get(id);
  if (!c) throw new Error(`no client ${id}`);
  return c;
}

describe("smoke: healthy environment", () => {
  it("passes every check, runs the canary end to end, and writes nothing but the canary's change and restore", async () => {
    const canaryCode = world.genesys.smoke.wrapupCodes.get(world.outputs.canary!.entity_id!)!;
    const originalDescription = canaryCode.description;

    const { code, report, stdout, stderr, junit, elapsedMs } = await run(["--canary", "--timeout", "20"]);
    process.stdout.write(`\nsmoke run against the local fake Genesys server and faked AWS (with canary): ${elapsedMs} ms\n${stdout}\n`);

    expect(failures(report)).toEqual([]);
    expect(code).toBe(0);
    expect(report.counts).toEqual({ total: report.results.length, passed: report.results.length, failed: 0, skipped: 0 });
    expect(elapsedMs).toBeLessThan(30_000);
    const ids = report.results.map((r) => r.id);
    for (const id of [
      "genesys.token.smoke-tests",
      "genesys.token.rotation",
      "genesys.integration.state",
      "genesys.integration.config",
      "genesys.client.rotation.a",
      "genesys.client.rotation.b",
      "genesys.client.smoke-tests.a",
      "genesys.client.smoke-tests.b",
      "genesys.role.rotation",
      "genesys.role.smoke-tests",
      "aws.event-source",
      "aws.event-bus",
      "aws.rule.audit-log",
      "aws.rule.oauth-client-deleted",
      "aws.target.conversations.crm-sync",
      "aws.dlq.presence.workforce",
      "aws.archive",
      "aws.secret.rotation",
      "aws.secret.smoke-tests",
      "aws.credentials",
      "genesys.topics",
      "genesys.grant.canary",
      "canary.end-to-end",
    ]) {
      expect(ids).toContain(id);
    }

    // The canary: latency reported, event delivered in the EventBridge envelope, description restored.
    const canary = report.results.find((r) => r.id === "canary.end-to-end");
    expect(canary?.reason).toMatch(/arrived in log group \/aws\/events\/genesys\/genesys-dev-audit-log-audit .* after \d+\.\d s/);
    expect(typeof canary?.data?.latencyMs).toBe("number");
    expect(world.delivered.length).toBeGreaterThanOrEqual(1); // the restore is audited too, maybe after the run
    expect(world.delivered.find((d) => d.target === "audit")?.event).toMatchObject({
      "detail-type": "v2.audits.entitytype.{id}.entityid.{id}",
      source: world.outputs.partner_event_source_name,
      detail: { topicName: `v2.audits.entitytype.WrapupCode.entityid.${canaryCode.id}`, eventBody: { entityType: "WrapupCode", action: "Update" } },
    });
    expect(canaryCode.description).toBe(originalDescription);

    // Genesys: no write but the canary's change of its own wrap-up code and the restore; no OAuth client touched.
    const writes = world.genesys.writeRequests().map((r) => `${r.method} ${r.path}`);
    expect(writes).toEqual([`PUT /api/v2/routing/wrapupcodes/${canaryCode.id}`, `PUT /api/v2/routing/wrapupcodes/${canaryCode.id}`]);
    // AWS: reads only.
    const readOnly = new Set([
      "DescribeEventSourceCommand",
      "DescribeEventBusCommand",
      "DescribeRuleCommand",
      "ListTargetsByRuleCommand",
      "DescribeArchiveCommand",
      "GetQueueAttributesCommand",
      "DescribeSecretCommand",
      "GetSecretValueCommand",
      "FilterLogEventsCommand",
    ]);
    expect(world.awsCommands().filter((c) => !readOnly.has(c))).toEqual([]);

    // JUnit parses and counts right.
    const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" }).parse(junit) as {
      testsuites: { tests: string; failures: string; skipped: string; testsuite: { name: string; tests: string; testcase: { name: string; time: string }[] }[] };
    };
    expect(Number(xml.testsuites.tests)).toBe(report.results.length);
    expect(Number(xml.testsuites.failures)).toBe(0);
    expect(xml.testsuites.testsuite.map((s) => s.name)).toEqual(["smoke.dev.genesys", "smoke.dev.aws", "smoke.dev.canary"]);
    const cases = xml.testsuites.testsuite.flatMap((s) => (Array.isArray(s.testcase) ? s.testcase : [s.testcase]));
    expect(cases).toHaveLength(report.results.length);
    expect(cases.every((c) => /^\d+\.\d{3}$/.test(c.time))).toBe(true);

    // The table, and no secret anywhere.
    expect(stdout).toMatch(/^STATUS\s+CHECK\s+TIME\s+REASON$/m);
    expect(stdout).toMatch(/^PASS\s+canary\.end-to-end\s+/m);
    expect(stdout).toMatch(/OK: \d+ passed, 0 failed, 0 skipped/);
    for (const secret of world.allSecrets()) {
      for (const text of [stdout, stderr, junit, JSON.stringify(report)]) expect(text).not.toContain(secret);
    }
  });

  it("--only token runs just the token grants (as the rotation workflow does) and touches nothing else", async () => {
    const { code, report } = await run(["--only", "token"]);
    expect(code).toBe(0);
    expect(report.results.map((r) => r.id)).toEqual(["genesys.token.smoke-tests", "genesys.token.rotation", "aws.credentials"]);
    const paths = new Set(world.genesys.requests.map((r) => r.path));
    expect([...paths].sort()).toEqual(["/api/v2/tokens/me", "/oauth/token"]);
    expect(world.genesys.writeRequests()).toEqual([]);
  });

  it("--only token fails the service whose stored secret Genesys refuses (a rotation that went wrong)", async () => {
    world.genesys.state.oauthClients.get(world.outputs.services.rotation.client_ids[0])!.secret = "rotated-elsewhere-0123456789";
    const { code, report, stdout } = await run(["--only", "token"]);
    expect(code).toBe(1);
    expect(failures(report).map((r) => r.id)).toEqual(["genesys.token.rotation"]);
    expect(failures(report)[0].reason).toMatch(/refused the client id or secret/);
    expect(stdout).not.toContain("rotated-elsewhere-0123456789");
  });

  it("a smoke-tests secret without AWSCURRENT fails its secret check and skips what needs the login", async () => {
    await world.dropCurrent("smoke-tests");
    const { code, report } = await run(["--canary"]);
    expect(code).toBe(1);
    expect(failures(report).map((r) => r.id)).toEqual(["aws.secret.smoke-tests"]);
    const skipped = report.results.filter((r) => r.status === "skip");
    expect(skipped.map((r) => r.id)).toEqual(expect.arrayContaining(["genesys.token.smoke-tests", "genesys.integration.state", "canary.end-to-end"]));
    expect(report.results.find((r) => r.id === "genesys.integration.state")?.reason).toBe("not run: it needs genesys.token.smoke-tests, which was skipped");
    expect(world.genesys.writeRequests()).toEqual([]);
  });

  it("without --canary the canary is skipped with a reason and nothing is written", async () => {
    const { code, report } = await run();
    expect(code).toBe(0);
    expect(report.results.find((r) => r.id === "canary.end-to-end")).toMatchObject({ status: "skip", reason: "not requested (run with --canary)" });
    expect(world.genesys.writeRequests()).toEqual([]);
  });

  it("retries 429 and 5xx answers on the way and still passes", async () => {
    world.genesys.inject({ method: "GET", path: "/api/v2/integrations/:id", status: 429, retryAfterSeconds: 1 });
    world.genesys.inject({ method: "GET", path: "/api/v2/authorization/roles/:id", status: 503 });
    world.genesys.inject({ method: "POST", path: "/oauth/token", status: 502 });
    const { code, report, stderr } = await run();
    expect(failures(report)).toEqual([]);
    expect(code).toBe(0);
    expect(world.genesys.requests.filter((r) => r.fault).map((r) => r.status).sort()).toEqual([429, 502, 503]);
    expect(stderr).toMatch(/HTTP 429.*retry 1/);
    expect(stderr).toMatch(/HTTP 503.*retry 1/);
  });
});

describe("smoke: each check fails on exactly its condition", () => {
  const rule = (name: string) => {
    const r = world.aws.rules.get(world.outputs.rules[name].name);
    if (!r) throw new Error(`no rule ${name}`);
    return r;
  };
  const cases: { name: string; id: string; reason: RegExp; breakIt: () => void | Promise<void> }[] = [
    {
      name: "integration disabled",
      id: "genesys.integration.state",
      reason: /intendedState is DISABLED, expected ENABLED; reportedState is INACTIVE/,
      breakIt: () => {
        const i = world.genesys.state.integrations.get(world.outputs.integration_id)!;
        i.intendedState = "DISABLED";
        i.reportedState = { code: "INACTIVE", effective: "Inactive" };
      },
    },
    {
      name: "topic list drifted",
      id: "genesys.integration.config",
      reason: /eventFilter lacks v2\.users\.\{id\}\.presence; eventFilter has topics not in the environment: v2\.users\.\{id\}\.activity/,
      breakIt: () => {
        const props = world.genesys.state.integrations.get(world.outputs.integration_id)!.config.current.properties;
        props.eventFilter = (props.eventFilter as string[]).map((t) => (t === "v2.users.{id}.presence" ? "v2.users.{id}.activity" : t));
      },
    },
    {
      name: "role missing a permission",
      id: "genesys.role.rotation",
      reason: /lacks oauth:client:edit/,
      breakIt: () => {
        world.genesys.state.roles.get(world.outputs.services.rotation.role_id)!.permissionPolicies[0].actionSet = ["view"];
      },
    },
    {
      name: "client inactive",
      id: "genesys.client.rotation.b",
      reason: /dev-rotation-b|rotation-b is inactive, expected active/,
      breakIt: () => {
        client(world.outputs.services.rotation.client_ids[1]).state = "inactive";
      },
    },
    {
      name: "rule disabled",
      id: "aws.rule.conversations",
      reason: /rule is DISABLED, expected ENABLED/,
      breakIt: () => {
        rule("conversations").State = "DISABLED";
      },
    },
    {
      name: "rule pattern drifted",
      id: "aws.rule.presence",
      reason: /event pattern drifted .*"detail-type" is \["v2\.users\.\{id\}\.routingStatus"\], expected \["v2\.users\.\{id\}\.presence"\]/,
      breakIt: () => {
        rule("presence").EventPattern = JSON.stringify({ "detail-type": ["v2.users.{id}.routingStatus"], source: [{ prefix: "aws.partner/genesys.com" }] });
      },
    },
    {
      name: "target without DLQ",
      id: "aws.target.conversations.crm-sync",
      reason: /no dead-letter queue/,
      breakIt: () => {
        delete rule("conversations").targets[0].DeadLetterConfig;
      },
    },
    {
      name: "DLQ not empty",
      id: "aws.dlq.presence.workforce",
      reason: /^3 message\(s\) in genesys-dev-presence-workforce-dlq \(2 visible, 1 in flight\)/,
      breakIt: () => {
        const q = world.aws.queues.get(world.outputs.rules.presence.targets.workforce.dead_letter_queue_url)!;
        q.visible = 2;
        q.notVisible = 1;
      },
    },
    {
      name: "partner source PENDING",
      id: "aws.event-source",
      reason: /partner event source is PENDING, expected ACTIVE: no event bus is bound/,
      breakIt: () => {
        world.aws.eventSource!.State = "PENDING";
      },
    },
    {
      name: "archive missing",
      id: "aws.archive",
      reason: /archive genesys-dev-events does not exist/,
      breakIt: () => {
        world.aws.archives.clear();
      },
    },
    {
      name: "secret without AWSCURRENT",
      id: "aws.secret.rotation",
      reason: /has no AWSCURRENT version/,
      breakIt: () => world.dropCurrent("rotation"),
    },
  ];

  it.each(cases)("$name -> only $id fails", async ({ id, reason, breakIt }) => {
    await breakIt();
    const { code, report, stdout, junit } = await run();
    expect(code).toBe(1);
    expect(failures(report).map((r) => r.id)).toEqual([id]);
    expect(failures(report)[0].reason).toMatch(reason);
    expect(stdout).toMatch(new RegExp(`^FAIL\\s+${id.replace(/\./g, "\\.")}\\s`, "m"));
    const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" }).parse(junit) as {
      testsuites: { tests: string; failures: string; skipped: string };
    };
    expect(Number(xml.testsuites.failures)).toBe(1);
    expect(Number(xml.testsuites.tests)).toBe(report.counts.total);
    expect(Number(xml.testsuites.skipped)).toBe(report.counts.skipped);
    expect(world.genesys.writeRequests()).toEqual([]);
  });

  it("canary never arrives (route healthy, Genesys late) -> only the canary fails, within its --timeout, and the change is restored", async () => {
    world.deliveryDelayMs = 60_000;
    const code0 = world.genesys.smoke.wrapupCodes.get(world.outputs.canary!.entity_id!)!;
    const before = code0.description;
    const { code, report, elapsedMs, junit } = await run(["--canary", "--timeout", "2"]);
    expect(code).toBe(1);
    expect(failures(report).map((r) => r.id)).toEqual(["canary.end-to-end"]);
    expect(failures(report)[0].reason).toMatch(/^the event of wrap-up code \S+ \(division \S+\) \(topic v2\.audits\.entitytype\.WrapupCode\.entityid\.\S+\) did not reach log group \/aws\/events\/genesys\/genesys-dev-audit-log-audit within \d\.\d s/);
    expect(elapsedMs).toBeLessThan(3000);
    expect(code0.description).toBe(before);
    expect(world.genesys.writeRequests().map((r) => r.method)).toEqual(["PUT", "PUT"]);
    const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" }).parse(junit) as { testsuites: { failures: string } };
    expect(Number(xml.testsuites.failures)).toBe(1);
  });
});

describe("smoke: skips, timeouts and usage", () => {
  it("skips the canary with a reason when the environment has no canary route", async () => {
    const outputs = { ...world.outputs, canary: null };
    // A deployment without canary: its clients hold no canary role either (any other role fails genesys.client.*).
    for (const id of world.outputs.services["smoke-tests"].client_ids) {
      const client = world.genesys.state.oauthClients.get(id)!;
      client.roleDivisions = client.roleDivisions.filter((g) => g.roleId !== world.outputs.canary?.role_id);
    }
    const file = writeOutputsFile(path.join(path.dirname(world.outputsFile), "nocanary"), outputs);
    const deps = world.deps();
    const code = await main(["--env", "dev", "--outputs", file, "--canary", "--json", "r.json"], deps);
    const report = JSON.parse(deps.files.get("r.json") ?? "null") as SmokeReport;
    expect(code).toBe(0);
    expect(report.results.find((r) => r.id === "canary.end-to-end")).toMatchObject({ status: "skip", reason: expect.stringMatching(/no canary route/) });
    expect(world.genesys.writeRequests()).toEqual([]);
  });

  it("a Genesys API that does not answer ends the run within its --timeout", async () => {
    world.genesys.inject({ method: "GET", path: "/api/v2/integrations/:id", delayMs: 10_000, times: 10 });
    const { code, report, elapsedMs } = await run(["--timeout", "2"]);
    expect(code).toBe(1);
    expect(elapsedMs).toBeLessThan(3500);
    const state = report.results.find((r) => r.id === "genesys.integration.state");
    expect(state?.status).toBe("fail");
    expect(state?.reason).toMatch(/timed out|no answer|--timeout/i);
    for (const r of report.results.filter((x) => x.status === "fail" && x.id !== "genesys.integration.state")) {
      expect(r.reason).toMatch(/--timeout of 2 s had passed/);
    }
  });

  it("--only with an unknown prefix, a bad environment and --help exit with the documented codes", async () => {
    const deps = world.deps();
    expect(await main(["--env", "dev", "--outputs", world.outputsFile, "--only", "nothing"], deps)).toBe(2);
    expect(deps.err.join("")).toMatch(/matches no check/);
    expect(await main(["--env", "qa"], world.deps())).toBe(2);
    const piped = world.deps();
    expect(await main(["--env", "dev", "--outputs", world.outputsFile, "--only", "aws.archive", "--json", "-"], piped)).toBe(0);
    expect((JSON.parse(piped.out.join("")) as SmokeReport).results.map((r) => r.id)).toEqual(["aws.credentials", "aws.archive"]);
    expect(piped.err.join("")).toMatch(/^PASS\s+aws\.archive/m);
    const help = world.deps();
    expect(await main(["--help"], help)).toBe(0);
    expect(help.out.join("")).toMatch(/--canary[\s\S]*--junit[\s\S]*--only[\s\S]*Exit codes/);
  });
});
