import { EnvironmentConfigInput, validateEnvironment } from "../environments/schema";
import { Block, referencedName, resources, synthEnvironment, synthWith } from "./support/synth";

/**
 * The canary's least privilege, read from the synthesized Terraform: a dedicated division, a role with only the
 * trigger's permissions granted in that division only, the object it changes created in that division, and no
 * write permission of the smoke-tests service anywhere else. Any widening fails here.
 */

type Grant = { role_id: string; division_id?: string };

const s = synthEnvironment("dev");
const divisions = resources(s, "genesyscloud_auth_division");
const roles = resources(s, "genesyscloud_auth_role");
const clients = resources(s, "genesyscloud_oauth_client");
const [divisionName] = Object.keys(divisions);
const divisionRef = `\${genesyscloud_auth_division.${divisionName}.id}`;
const roleNamed = (name: string) => Object.entries(roles).find(([, r]) => r.name === name) as [string, Block];
const [canaryRoleKey, canaryRole] = roleNamed("eventbridge-dev-canary");
const actions = (role: Block) => (role.permission_policies as { domain: string; entity_name: string; action_set: string[] }[]).flatMap((p) => p.action_set.map((a) => `${p.domain}:${p.entity_name}:${a}`));

describe("smoke canary in the synthesized dev stack", () => {
  it("has one dedicated division, and the wrap-up code the canary edits lives in it", () => {
    expect(Object.values(divisions).map((d) => d.name)).toEqual(["eventbridge-dev-canary"]);
    const codes = Object.values(resources(s, "genesyscloud_routing_wrapupcode"));
    expect(codes).toHaveLength(1);
    expect(codes[0]).toMatchObject({ name: "eventbridge-dev-canary", division_id: divisionRef });
  });

  it("the canary role holds exactly routing:wrapupCode:view/edit, granted only in the canary division, only to the smoke-tests clients", () => {
    expect(actions(canaryRole)).toEqual(["routing:wrapupCode:view", "routing:wrapupCode:edit"]);
    const grants = Object.values(clients).flatMap((c) => (c.roles as Grant[]).map((g) => ({ client: c.name as string, ...g })));
    const canaryGrants = grants.filter((g) => referencedName(g.role_id, "genesyscloud_auth_role") === canaryRoleKey);
    expect(canaryGrants.map((g) => g.client).sort()).toEqual(["eventbridge-dev-smoke-tests-a", "eventbridge-dev-smoke-tests-b"]);
    for (const g of canaryGrants) expect(g.division_id).toBe(divisionRef);
    // No grant anywhere reaches all divisions.
    expect(grants.filter((g) => g.division_id === "*")).toEqual([]);
  });

  it("the smoke-tests service writes nothing with its own role: view only, no oauth:client:edit", () => {
    const smokeRole = roleNamed("eventbridge-dev-smoke-tests")[1];
    expect(actions(smokeRole).every((a) => a.endsWith(":view"))).toBe(true);
    const smokeClients = Object.values(clients).filter((c) => String(c.name).startsWith("eventbridge-dev-smoke-tests-"));
    const held = smokeClients.flatMap((c) => (c.roles as Grant[]).map((g) => roles[referencedName(g.role_id, "genesyscloud_auth_role") as string]));
    expect(held.flatMap(actions)).not.toContain("oauth:client:edit");
    expect(held.flatMap(actions).filter((a) => !a.endsWith(":view"))).toEqual(["routing:wrapupCode:edit", "routing:wrapupCode:edit"]);
  });

  it("outputs what the smoke tests need: route, service, trigger, division, role and the wrap-up code", () => {
    expect(s.parsed.output.canary.value).toEqual({
      rule: "audit-log",
      target: "audit",
      service: "smoke-tests",
      trigger: "wrapup-code",
      division_id: divisionRef,
      role_id: `\${genesyscloud_auth_role.${canaryRoleKey}.id}`,
      entity_id: expect.stringMatching(/^\$\{genesyscloud_routing_wrapupcode\.[^.]+\.id\}$/),
    });
  });
});

describe("an environment without canary", () => {
  const bare = synthWith("dev", (c) => ({ ...c, canary: undefined }));

  it("synthesizes without division, canary role, wrap-up code, extra grant, and a null canary output", () => {
    expect(resources(bare, "genesyscloud_auth_division")).toEqual({});
    expect(resources(bare, "genesyscloud_routing_wrapupcode")).toEqual({});
    expect(Object.values(resources(bare, "genesyscloud_auth_role")).map((r) => r.name)).not.toContain("eventbridge-dev-canary");
    for (const client of Object.values(resources(bare, "genesyscloud_oauth_client"))) expect(client.roles).toHaveLength(1);
    expect(bare.parsed.output.canary.value).toBeNull();
  });
});

describe("canary configuration", () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const dev = () => structuredClone((require("../environments/dev") as { config: EnvironmentConfigInput }).config);

  it("defaults to the wrap-up code trigger and the smoke-tests service", () => {
    const input = dev();
    input.canary = { rule: "audit-log", target: "audit" };
    expect(validateEnvironment("dev", input).canary).toEqual({ rule: "audit-log", target: "audit", service: "smoke-tests", trigger: { type: "wrapup-code" } });
  });

  const PRESENCE_TRIGGER = {
    type: "user-presence" as const,
    userId: "05e50000-0000-4000-8000-000000000001",
    presenceDefinitionIds: ["6a3af858-942f-489d-9700-5f9bcdcdae9b", "ccf3c10a-aa2c-4845-8e8d-f59fa48c58e5"] as [string, string],
  };

  it("refuses the user-presence trigger unless its unverified division scope is acknowledged", () => {
    const input = dev();
    input.canary = { rule: "presence", target: "workforce", trigger: { ...PRESENCE_TRIGGER } as unknown as { type: "wrapup-code" } };
    expect(() => validateEnvironment("dev", input)).toThrow(
      /canary\.trigger\.acknowledgeUnverifiedDivisionScope: .*must be true to use the user-presence trigger: its permission presence:userPresence:edit is not verified to be limited to the canary division/,
    );
  });

  it("refuses a trigger whose topic the canary rule does not carry, and an unknown service", () => {
    const input = dev();
    input.canary = {
      rule: "audit-log",
      target: "audit",
      service: "billing",
      trigger: { ...PRESENCE_TRIGGER, acknowledgeUnverifiedDivisionScope: true },
    };
    expect(() => validateEnvironment("dev", input)).toThrow(/canary\.trigger\.type: "user-presence" publishes on v2\.users\.\{id\}\.presence, which must be in integration\.topicFilters and in the topics of rule "audit-log"[\s\S]*canary\.service: "billing" is not a service/);
  });

  const withRawPattern = (eventPattern: Record<string, unknown>) => {
    const input = dev();
    const rule = (input.rules as unknown as Record<string, unknown>[]).find((r) => r.name === "audit-log")!;
    delete rule.topics;
    rule.eventPattern = eventPattern;
    return input;
  };

  it("refuses a canary rule whose raw eventPattern cannot match the canary's event, naming the rule", () => {
    const input = withRawPattern({ "detail-type": ["v2.audits.entitytype.{id}.entityid.{id}"], detail: { eventBody: { entityType: ["OAuthClient"] } } });
    expect(() => validateEnvironment("dev", input)).toThrow(/canary\.rule: "audit-log" rule "audit-log" has a raw eventPattern that does not match the wrapup-code canary's event/);
  });

  it.each([
    ["the audit topic", { source: [{ prefix: "aws.partner/genesys.com" }], "detail-type": ["v2.audits.entitytype.{id}.entityid.{id}"] }],
    ["wrap-up code updates", { "detail-type": ["v2.audits.entitytype.{id}.entityid.{id}"], detail: { eventBody: { entityType: ["WrapupCode"], action: [{ "anything-but": "Delete" }] } } }],
  ])("accepts a raw canary eventPattern that matches the canary's event: %s", (_name, eventPattern) => {
    expect(validateEnvironment("dev", withRawPattern(eventPattern)).canary?.rule).toBe("audit-log");
  });
});
