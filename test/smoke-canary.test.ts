import "./support/isolated-home";
import { CANARY_WRAPUP_CODE_DESCRIPTION } from "../modules/genesys/canary";
import { main } from "../scripts/smoke";
import { GenesysClient } from "../scripts/lib/genesys/client";
import { FiredCanary, UserPresenceTrigger, WrapupCodeTrigger } from "../scripts/lib/smoke/canary-trigger";
import type { SmokeReport, SmokeResult } from "../scripts/lib/smoke/types";
import { SmokeWorld } from "./support/smoke-world";

/**
 * The canary against a world that models the delivery chain (test/support/smoke-world.ts): each link broken alone
 * (1) fails its route check and blocks the canary at once, and (2) with the route checks left out (--only canary),
 * makes the canary itself fail, because the fake then really drops the event.
 */

let world: SmokeWorld;

beforeEach(async () => {
  world = await SmokeWorld.start("dev");
  world.deliveryDelayMs = 20;
});

afterEach(async () => {
  await world.stop();
});

async function run(args: string[]) {
  const deps = world.deps();
  const started = Date.now();
  const code = await main(["--env", "dev", "--outputs", world.outputsFile, "--json", "r.json", ...args], deps);
  const report = JSON.parse(deps.files.get("r.json") ?? "null") as SmokeReport;
  return { code, report, elapsedMs: Date.now() - started, result: (id: string) => report.results.find((r) => r.id === id) as SmokeResult };
}

const AUDIT = "v2.audits.entitytype.{id}.entityid.{id}";
const canaryCode = () => world.genesys.smoke.wrapupCodes.get(world.outputs.canary!.entity_id!)!;

const links: { link: string; check: string; breakIt: () => void }[] = [
  { link: "integration disabled", check: "genesys.integration.state", breakIt: () => void (world.integration().intendedState = "DISABLED") },
  {
    link: "integration reports ERROR",
    check: "genesys.integration.state",
    breakIt: () => void (world.integration().reportedState = { code: "ERROR", effective: "ERROR", detail: { message: "Event source creation failed" } }),
  },
  { link: "integration names another AWS account", check: "genesys.integration.config", breakIt: () => void (world.integration().config.current.properties.awsAccountId = "999999999999") },
  { link: "integration names another AWS region", check: "genesys.integration.config", breakIt: () => void (world.integration().config.current.properties.awsAccountRegion = "eu-west-1") },
  {
    link: "audit topic missing from eventFilter",
    check: "genesys.integration.config",
    breakIt: () => {
      const props = world.integration().config.current.properties;
      props.eventFilter = (props.eventFilter as string[]).filter((t) => t !== AUDIT);
    },
  },
  {
    link: "audit topic lost the EventBridge transport",
    check: "genesys.topics",
    breakIt: () => void (world.genesys.smoke.availableTopics.find((t) => t.id === AUDIT)!.transports = ["Websocket"]),
  },
  { link: "partner source PENDING", check: "aws.event-source", breakIt: () => void (world.aws.eventSource!.State = "PENDING") },
  { link: "bus deleted", check: "aws.event-bus", breakIt: () => world.aws.buses.clear() },
  { link: "canary rule on another bus", check: "aws.rule.audit-log", breakIt: () => void (world.rule("audit-log").EventBusName = "default") },
  {
    link: "canary rule's source does not match",
    check: "aws.rule.audit-log",
    breakIt: () => void (world.rule("audit-log").EventPattern = JSON.stringify({ source: [{ prefix: "aws.partner/other.example" }], "detail-type": [AUDIT] })),
  },
  { link: "canary rule disabled", check: "aws.rule.audit-log", breakIt: () => void (world.rule("audit-log").State = "DISABLED") },
  { link: "canary target detached", check: "aws.target.audit-log.audit", breakIt: () => void (world.rule("audit-log").targets = []) },
];

describe("smoke canary: the delivery chain, one broken link at a time", () => {
  it("healthy: the canary alone (--only canary) passes, so the failures below come from the broken link", async () => {
    const { code, result } = await run(["--only", "canary", "--canary", "--timeout", "3"]);
    expect(result("canary.end-to-end").status).toBe("pass");
    expect(code).toBe(0);
  });

  it.each(links)("$link: $check fails, the canary is blocked by it at once; alone, the canary fails", async ({ check, breakIt }) => {
    const before = canaryCode().description;
    breakIt();

    // The check and the canary only (the other checks pass in smoke.test.ts), to keep this fast.
    const full = await run(["--only", check, "canary", "--canary", "--timeout", "20"]);
    expect(full.code).toBe(1);
    expect(full.result(check).status).toBe("fail");
    expect(full.result("canary.end-to-end")).toMatchObject({ status: "skip", reason: `not run: it needs ${check}, which failed`, data: { blockedBy: check } });
    expect(full.elapsedMs).toBeLessThan(5000); // blocked, not waiting out --timeout 20
    expect(world.genesys.writeRequests()).toEqual([]);

    const alone = await run(["--only", "canary", "--canary", "--timeout", "0.6"]);
    expect(alone.code).toBe(1);
    expect(alone.result("canary.end-to-end")).toMatchObject({ status: "fail", reason: expect.stringMatching(/did not reach log group/) });
    expect(world.delivered.filter((d) => d.target === "audit")).toEqual([]);
    expect(world.dropped.length).toBeGreaterThan(0);
    expect(canaryCode().description).toBe(before);
  });
});

describe("smoke canary: least privilege and identity", () => {
  it("recognises an audit event that carries no old/new values (Genesys may leave them out)", async () => {
    world.genesys.smoke.auditWithoutValues = true;
    const { code, result } = await run(["--only", "canary", "--canary", "--timeout", "3"]);
    expect(result("canary.end-to-end").status).toBe("pass");
    expect(code).toBe(0);
  });

  it("an event without values right after an earlier run is inconclusive, not PASS (it may be that run's delayed event)", async () => {
    world.genesys.smoke.auditWithoutValues = true; // Genesys may leave values out
    world.deliveryDelayMs = 1200; // audits lag (minutes in reality)
    // Run 1 times out; its change and its restore are still in flight.
    const first = await run(["--only", "canary", "--canary", "--timeout", "0.8"]);
    expect(first.result("canary.end-to-end").status).toBe("fail");
    const earlierChange = Date.parse(canaryCode().dateModified!);
    // From now on Genesys publishes nothing: only run 1's delayed events can arrive.
    world.genesys.smoke.publish = () => undefined;
    const second = await run(["--only", "canary", "--canary", "--timeout", "4"]);
    expect(second.code).toBe(1);
    const result = second.result("canary.end-to-end");
    expect(result.status).toBe("fail");
    expect(result.reason).toContain(`inconclusive: an event of wrap-up code ${canaryCode().id}`);
    expect(result.reason).toContain(`an earlier canary change at ${new Date(earlierChange).toISOString()} may still be in flight`);
    expect(result.reason).toContain(`re-run after ${new Date(earlierChange + 6000).toISOString()}`); // --timeout 4 s + 2 s skew
    expect(canaryCode().description).toBe(CANARY_WRAPUP_CODE_DESCRIPTION);
  });

  it("an event without values when Genesys does not say when the code last changed is inconclusive", async () => {
    world.genesys.smoke.auditWithoutValues = true;
    delete canaryCode().dateModified;
    const { result } = await run(["--only", "canary", "--canary", "--timeout", "3"]);
    expect(result("canary.end-to-end")).toMatchObject({ status: "fail", reason: expect.stringMatching(/^inconclusive: .*no dateModified\/modifiedDate/) });
  });

  it("an event with this run's token passes even right after an earlier run", async () => {
    const first = await run(["--only", "canary", "--canary", "--timeout", "3"]);
    const second = await run(["--only", "canary", "--canary", "--timeout", "3"]);
    expect([first.result("canary.end-to-end").status, second.result("canary.end-to-end").status]).toEqual(["pass", "pass"]);
  });

  it("a canary grant widened to all divisions fails genesys.grant.canary and blocks the canary", async () => {
    const smokeB = world.genesys.state.oauthClients.get(world.outputs.services["smoke-tests"].client_ids[1])!;
    smokeB.roleDivisions.push({ roleId: world.outputs.canary!.role_id!, divisionId: "*" });
    const { code, result } = await run(["--only", "canary", "genesys.grant.canary", "--canary", "--timeout", "3"]);
    expect(code).toBe(1);
    expect(result("genesys.grant.canary").reason).toBe(
      "eventbridge-dev-smoke-tests-b also holds the canary role in *: wider than the canary division (least privilege broken)",
    );
    expect(result("canary.end-to-end")).toMatchObject({ status: "skip", data: { blockedBy: "genesys.grant.canary" } });
    expect(world.genesys.writeRequests()).toEqual([]);
  });

  it("a token left by a run that died before its restore is replaced by the description Terraform sets", async () => {
    canaryCode().description = "smoke-canary-dev-mwsd5fx8-3f86f63f";
    const { code } = await run(["--only", "canary", "--canary", "--timeout", "3"]);
    expect(code).toBe(0);
    expect(canaryCode().description).toBe(CANARY_WRAPUP_CODE_DESCRIPTION);
  });

  it("two canary runs at once both recognise their own event and leave the description Terraform sets", async () => {
    const [a, b] = await Promise.all([run(["--only", "canary", "--canary", "--timeout", "3"]), run(["--only", "canary", "--canary", "--timeout", "3"])]);
    expect([a.result("canary.end-to-end").status, b.result("canary.end-to-end").status]).toEqual(["pass", "pass"]);
    expect(a.result("canary.end-to-end").data?.value).not.toBe(b.result("canary.end-to-end").data?.value);
    expect(canaryCode().description).toBe(CANARY_WRAPUP_CODE_DESCRIPTION);
  });

  it("refuses to change a canary object outside the canary division, even with a widened grant, and changes nothing", async () => {
    const smokeA = world.genesys.state.oauthClients.get(world.outputs.services["smoke-tests"].client_ids[0])!;
    smokeA.roleDivisions = smokeA.roleDivisions.map((g) => (g.roleId === world.outputs.canary!.role_id ? { ...g, divisionId: "*" } : g));
    canaryCode().division = { id: "7d1c0000-0000-4000-8000-000000000001", name: "Home" };
    const { code, result } = await run(["--only", "canary", "--canary", "--timeout", "3"]);
    expect(code).toBe(1);
    expect(result("canary.end-to-end").reason).toMatch(/is in division 7d1c0000-\S+, not the canary division/);
    expect(world.genesys.writeRequests()).toEqual([]);
  });

  it("the canary role works only in the canary division: granted elsewhere, the write is refused (403) and reported", async () => {
    const smokeA = world.genesys.state.oauthClients.get(world.outputs.services["smoke-tests"].client_ids[0])!;
    smokeA.roleDivisions = smokeA.roleDivisions.map((g) => (g.roleId === world.outputs.canary!.role_id ? { ...g, divisionId: "another-division" } : g));
    const { code, result } = await run(["--only", "canary", "--canary", "--timeout", "3"]);
    expect(code).toBe(1);
    expect(result("canary.end-to-end").reason).toMatch(/HTTP 403.*routing:wrapupCode:view/);
    expect(world.genesys.writeRequests()).toEqual([]);
  });
});

describe("canary triggers: matching by identity, action and time window", () => {
  const codeId = "3c0de000-0000-4000-8000-000000000001";
  const fired: FiredCanary = { topicName: `v2.audits.entitytype.WrapupCode.entityid.${codeId}`, firedAt: Date.parse("2026-03-02T10:00:00Z"), value: "smoke-canary-dev-x" };
  const until = fired.firedAt + 60_000;
  const audit = (body: Record<string, unknown>, topicName = fired.topicName) => ({
    time: "2026-03-02T10:00:05Z",
    detail: { topicName, eventBody: { action: "Update", entityType: "WrapupCode", entity: { id: codeId }, eventTime: "2026-03-02T10:00:04.000Z", ...body } },
  });
  const trigger = new WrapupCodeTrigger(codeId, "d1v00000-0000-4000-8000-000000000001");

  it.each([
    ["the event with the token", audit({ propertyChanges: [{ property: "description", newValues: [fired.value] }] }), true],
    ["the event without values", audit({ propertyChanges: [{ property: "description" }] }), true],
    ["the event without propertyChanges", audit({}), true],
    ["lower-case action, snake_case property", audit({ action: "update", propertyChanges: [{ property: "description", newValues: [] }] }), true],
    ["the restore (values show another description)", audit({ propertyChanges: [{ property: "description", newValues: ["original"] }] }), false],
    ["another entity's topic", audit({}, "v2.audits.entitytype.WrapupCode.entityid.00000000-0000-4000-8000-000000000009"), false],
    ["another entity id in the body", audit({ entity: { id: "00000000-0000-4000-8000-000000000009" } }), false],
    ["a Delete", audit({ action: "Delete" }), false],
    ["an event before the change", audit({ eventTime: "2026-03-02T09:59:00.000Z" }), false],
    ["an event after the wait", audit({ eventTime: "2026-03-02T10:05:00.000Z" }), false],
    ["no time at all", { detail: { topicName: fired.topicName, eventBody: { action: "Update" } } }, false],
    ["not a Genesys envelope", { detail: "x" }, false],
  ])("wrap-up code: %s", (_name, event, expected) => {
    expect(trigger.matches(event, fired, until)).toBe(expected);
  });

  it.each([
    ["the event with the token", audit({ propertyChanges: [{ property: "description", newValues: [fired.value] }] }), true],
    ["the event without values", audit({ propertyChanges: [{ property: "description" }] }), false],
    ["empty values", audit({ propertyChanges: [{ property: "description", newValues: [] }] }), false],
    ["another property's values", audit({ propertyChanges: [{ property: "name", newValues: [fired.value] }] }), false],
  ])("wrap-up code: carries this run's value: %s", (_name, event, expected) => {
    expect(trigger.carriesValue(event, fired)).toBe(expected);
  });

  it("wrap-up code: the log filter selects by the concrete topic only", () => {
    expect(trigger.logFilterPattern(fired)).toBe(`{ $.detail.topicName = "${fired.topicName}" }`);
  });

  /** A presence role (the user-presence trigger's permission) granted to smoke-tests-a in the canary division, and a client of it. */
  const presenceSetup = () => {
    const roleId = "9e5e0000-0000-4000-8000-000000000001";
    world.genesys.addRole({ id: roleId, name: "eventbridge-dev-canary-presence", permissionPolicies: [{ domain: "presence", entityName: "userPresence", actionSet: ["edit"] }] });
    const smokeA = world.outputs.services["smoke-tests"].client_ids[0];
    world.genesys.state.oauthClients.get(smokeA)!.roleDivisions.push({ roleId, divisionId: world.outputs.canary!.division_id! });
    return new GenesysClient({ region: "us-east-1", clientId: smokeA, clientSecret: world.genesys.secretOf(smokeA), gateway: world.genesys.gateway() });
  };

  it("user presence: fire toggles the dedicated user's presence through the API, publishes it, and restore puts it back", async () => {
    const userId = "05e50000-0000-4000-8000-000000000002";
    world.genesys.smoke.presences.set(userId, "available-id");
    world.genesys.smoke.userDivisions.set(userId, world.outputs.canary!.division_id!);
    const published: string[] = [];
    world.genesys.smoke.onNotification((n) => void published.push(n.topicName));
    const client = presenceSetup();
    const presence = new UserPresenceTrigger(userId, ["available-id", "away-id"]);
    const firedPresence = await presence.fire(client, "unused", Date.now());
    expect(firedPresence).toMatchObject({ topicName: `v2.users.${userId}.presence`, value: "away-id", previousChangeAt: undefined });
    expect(world.genesys.smoke.presences.get(userId)).toBe("away-id");
    expect(await presence.restore(client)).toBeUndefined();
    expect(world.genesys.smoke.presences.get(userId)).toBe("available-id");
    expect(published).toEqual([`v2.users.${userId}.presence`, `v2.users.${userId}.presence`]);
  });

  it("user presence: a user outside the canary division is refused (403) with the permission in the canary division only", async () => {
    const userId = "05e50000-0000-4000-8000-000000000003";
    world.genesys.smoke.presences.set(userId, "available-id");
    world.genesys.smoke.userDivisions.set(userId, "7d1c0000-0000-4000-8000-000000000001");
    const presence = new UserPresenceTrigger(userId, ["available-id", "away-id"]);
    await expect(presence.fire(presenceSetup(), "unused", Date.now())).rejects.toThrow(/HTTP 403.*presence:userPresence:edit/);
    expect(world.genesys.smoke.presences.get(userId)).toBe("available-id");
  });

  it("user presence: matches the user's presence topic with the presence set, in the window", () => {
    const userId = "05e50000-0000-4000-8000-000000000001";
    const presence = new UserPresenceTrigger(userId, ["a", "b"]);
    const firedPresence: FiredCanary = { topicName: `v2.users.${userId}.presence`, firedAt: fired.firedAt, value: "b" };
    const event = (id: string, modifiedDate = "2026-03-02T10:00:01.000Z", topicName = firedPresence.topicName) => ({ detail: { topicName, eventBody: { presenceDefinition: { id }, modifiedDate } } });
    expect(presence.matches(event("b"), firedPresence, until)).toBe(true);
    expect(presence.matches(event("a"), firedPresence, until)).toBe(false);
    expect(presence.matches(event("b", "2026-03-02T09:00:00.000Z"), firedPresence, until)).toBe(false);
    expect(presence.matches(event("b", undefined, "v2.users.other.presence"), firedPresence, until)).toBe(false);
    // The presence toggles between two definitions: an earlier change may have set the same one.
    expect(presence.carriesValue()).toBe(false);
  });
});
