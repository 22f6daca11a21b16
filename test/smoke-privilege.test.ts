import "./support/isolated-home";
import { main } from "../scripts/smoke";
import { permissionDifference } from "../scripts/lib/smoke/checks-genesys";
import type { SmokeReport, SmokeResult } from "../scripts/lib/smoke/types";
import { SmokeWorld } from "./support/smoke-world";

/** Least privilege checked at run time: roles hold exactly the configured permissions, clients no other role. */

let world: SmokeWorld;

beforeEach(async () => {
  world = await SmokeWorld.start("dev");
});

afterEach(async () => {
  await world.stop();
});

async function run(args: string[]) {
  const deps = world.deps();
  const code = await main(["--env", "dev", "--outputs", world.outputsFile, "--json", "r.json", "--timeout", "20", ...args], deps);
  const report = JSON.parse(deps.files.get("r.json") ?? "null") as SmokeReport;
  const failed = report.results.filter((r) => r.status === "fail").map((r) => r.id);
  return { code, failed, result: (id: string) => report.results.find((r) => r.id === id) as SmokeResult };
}

const ADMIN_ROLE = "adm00000-0000-4000-8000-000000000000";
const smokeRole = () => world.genesys.state.roles.get(world.outputs.services["smoke-tests"].role_id)!;
const canaryRole = () => world.genesys.state.roles.get(world.outputs.canary!.role_id!)!;
const smokeClient = (i: number) => world.genesys.state.oauthClients.get(world.outputs.services["smoke-tests"].client_ids[i])!;

describe("smoke: roles hold exactly the configured permissions", () => {
  it("healthy: every role and client check passes", async () => {
    const { code, failed, result } = await run(["--only", "genesys.role", "genesys.client", "genesys.grant"]);
    expect(failed).toEqual([]);
    expect(code).toBe(0);
    expect(result("genesys.role.smoke-tests").reason).toBe('"eventbridge-dev-smoke-tests" has exactly the 3 configured permission(s)');
  });

  it("oauth:client:edit added by hand to the smoke role fails genesys.role.smoke-tests, naming it", async () => {
    smokeRole().permissionPolicies.push({ domain: "oauth", entityName: "client", actionSet: ["edit"] });
    const { code, failed, result } = await run(["--only", "genesys.role"]);
    expect(failed).toEqual(["genesys.role.smoke-tests"]);
    expect(code).toBe(1);
    expect(result("genesys.role.smoke-tests").reason).toMatch(/^role "eventbridge-dev-smoke-tests" also grants oauth:client:edit, not configured for smoke-tests in environments\/dev\.ts \(least privilege broken/);
  });

  it.each([
    ["a * action", { domain: "integrations", entityName: "integration", actionSet: ["*"] }, "integrations:integration:*"],
    ["a * entity", { domain: "oauth", entityName: "*", actionSet: ["view"] }, "oauth:*:view"],
  ])("%s on the smoke role counts as extra", async (_name, policy, named) => {
    smokeRole().permissionPolicies.push(policy);
    const { result } = await run(["--only", "genesys.role.smoke-tests"]);
    expect(result("genesys.role.smoke-tests")).toMatchObject({ status: "fail", reason: expect.stringContaining(`also grants ${named},`) });
  });

  it("the canary role widened by hand (oauth:client:edit) fails genesys.grant.canary and blocks the canary", async () => {
    canaryRole().permissionPolicies.push({ domain: "oauth", entityName: "client", actionSet: ["edit"] });
    const { failed, result } = await run(["--only", "genesys.grant.canary", "canary", "--canary"]);
    expect(failed).toEqual(["genesys.grant.canary"]);
    expect(result("genesys.grant.canary").reason).toMatch(/the canary role "eventbridge-dev-canary" also grants oauth:client:edit, beyond the wrapup-code trigger's \(least privilege broken/);
    expect(result("canary.end-to-end")).toMatchObject({ status: "skip", data: { blockedBy: "genesys.grant.canary" } });
    expect(world.genesys.writeRequests()).toEqual([]);
  });

  it("the canary role without its edit permission fails genesys.grant.canary", async () => {
    canaryRole().permissionPolicies = [{ domain: "routing", entityName: "wrapupCode", actionSet: ["view"] }];
    const { result } = await run(["--only", "genesys.grant.canary"]);
    expect(result("genesys.grant.canary").reason).toMatch(/lacks routing:wrapupCode:edit: the canary cannot change its object/);
  });
});

describe("smoke: a client holds its service role (and the canary role) only", () => {
  it("an admin role granted to smoke-tests-a in * fails genesys.client.smoke-tests.a, naming the grant", async () => {
    world.genesys.addRole({ id: ADMIN_ROLE, name: "admin", permissionPolicies: [{ domain: "*", entityName: "*", actionSet: ["*"] }] });
    smokeClient(0).roleDivisions.push({ roleId: ADMIN_ROLE, divisionId: "*" });
    const { code, failed, result } = await run(["--only", "genesys"]);
    expect(code).toBe(1);
    expect(failed).toEqual(["genesys.client.smoke-tests.a"]);
    expect(result("genesys.client.smoke-tests.a").reason).toBe(
      `eventbridge-dev-smoke-tests-a also holds role(s) ${ADMIN_ROLE} in *: only its service role and the canary role are configured (least privilege broken: remove the grant or re-apply)`,
    );
  });

  it("another role on a rotation client (no canary role allowed there) fails its client check", async () => {
    const rotationB = world.genesys.state.oauthClients.get(world.outputs.services.rotation.client_ids[1])!;
    rotationB.roleDivisions.push({ roleId: world.outputs.canary!.role_id!, divisionId: world.outputs.canary!.division_id! });
    const { failed, result } = await run(["--only", "genesys.client"]);
    expect(failed).toEqual(["genesys.client.rotation.b"]);
    expect(result("genesys.client.rotation.b").reason).toMatch(/also holds role\(s\) \S+ in \S+: only its service role are configured/);
  });

  it("the service role granted in all divisions (*) fails the client check", async () => {
    const a = smokeClient(1);
    a.roleDivisions = a.roleDivisions.map((g) => (g.roleId === world.outputs.services["smoke-tests"].role_id ? { ...g, divisionId: "*" } : g));
    const { failed, result } = await run(["--only", "genesys.client.smoke-tests"]);
    expect(failed).toEqual(["genesys.client.smoke-tests.b"]);
    expect(result("genesys.client.smoke-tests.b").reason).toMatch(/holds its service role in all divisions \(\*\)/);
  });
});

describe("permissionDifference", () => {
  const configured = [{ domain: "oauth", entityName: "client", actionSet: ["view"] }];
  it.each([
    ["exact", [{ domain: "oauth", entityName: "client", actionSet: ["view"] }], [], []],
    ["an extra action", [{ domain: "oauth", entityName: "client", actionSet: ["view", "edit"] }], [], ["oauth:client:edit"]],
    ["a * domain is extra", [{ domain: "*", entityName: "*", actionSet: ["*"] }], ["oauth:client:view"], ["*:*:*"]],
    ["a * action covers but is extra", [{ domain: "oauth", entityName: "client", actionSet: ["*"] }], [], ["oauth:client:*"]],
    ["a policy without actions is extra", [{ domain: "oauth", entityName: "client", actionSet: ["view"] }, { domain: "x", entityName: "y" }], [], ["x:y:(no action)"]],
    ["missing", [], ["oauth:client:view"], []],
  ])("%s", (_name, permissionPolicies, missing, extra) => {
    const diff = permissionDifference({ name: "r", permissionPolicies } as Parameters<typeof permissionDifference>[0], configured);
    expect(diff).toEqual({ missing, extra });
  });
  it("the flat permissions list counts too", () => {
    expect(permissionDifference({ name: "r", permissionPolicies: [{ domain: "oauth", entityName: "client", actionSet: ["view"] }], permissions: ["admin"] }, configured).extra).toEqual(["admin"]);
  });
});
