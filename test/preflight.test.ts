// HOME must point at an empty directory before the Genesys SDK is loaded: keep this import first.
import "./support/isolated-home";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { HeadBucketCommand, HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { DescribeEventBusCommand, EventBridgeClient, ListEventSourcesCommand, ListTagsForResourceCommand } from "@aws-sdk/client-eventbridge";
import { CloudWatchLogsClient, DescribeResourcePoliciesCommand } from "@aws-sdk/client-cloudwatch-logs";
import { mockClient } from "aws-sdk-client-mock";
import { ENVIRONMENT_NAMES, loadEnvironment } from "../environments";
import { GENESYS_TERRAFORM_PERMISSIONS, requiredPermissions } from "../environments/genesys-terraform-permissions";
import { main } from "../scripts/preflight";
import { preflightTarget } from "../scripts/lib/preflight/target";
import { holds } from "../scripts/lib/preflight/checks";
import { FakeGenesysServer, FakePermissionPolicy } from "./support/fake-genesys-server";

const config = loadEnvironment("dev");
const TF_SECRET = "tf-secret-value-0123456789";
const ORG = "6f1e5b4c-0000-4000-8000-00000000a0a0";
/** Everything the dev stack needs, one policy per permission (derived, so it follows the stack's resource types). */
const FULL: FakePermissionPolicy[] = [...preflightTarget(config).requiredPermissions.keys()].map((p) => {
  const [domain, entityName, action] = p.split(":");
  return { domain, entityName, actionSet: [action] };
});

function awsError(name: string, status: number): Error {
  return Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
}

/** The AWS side as state: what the mocks answer follows from it. */
class AwsWorld {
  account = config.aws.accountId;
  buckets = new Map<string, { region: string; keys: Set<string>; forbidden?: boolean }>([
    [config.stateBackend.bucket, { region: config.stateBackend.region, keys: new Set() }],
  ]);
  sources = new Map<string, string>();
  buses = new Map<string, { arn: string; tags: Record<string, string> }>();
  /** Account-scoped Logs resource policies by name: the environment's, as its bootstrap stack writes it, and another's. */
  logsPolicies = new Map<string, string>([
    ["genesys-dev-eventbridge-logs", preflightTarget(config).logsPolicy.document],
    ["AWSLogDeliveryWrite20150319", JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "delivery.logs.amazonaws.com" }, Action: "logs:PutLogEvents", Resource: "*" }] })],
  ]);
  logsPageSize = 50;
  readonly logs = mockClient(new CloudWatchLogsClient({}));
  readonly sts = mockClient(new STSClient({}));
  readonly s3 = mockClient(new S3Client({}));
  readonly eventBridge = mockClient(new EventBridgeClient({}));

  constructor() {
    this.sts.on(GetCallerIdentityCommand).callsFake(() => ({ Account: this.account, Arn: `arn:aws:sts::${this.account}:assumed-role/plan/ci` }));
    this.s3.on(HeadBucketCommand).callsFake((input: { Bucket: string }) => {
      const bucket = this.buckets.get(input.Bucket);
      if (!bucket) throw awsError("NotFound", 404);
      if (bucket.forbidden) throw awsError("Forbidden", 403);
      return { BucketRegion: bucket.region };
    });
    this.s3.on(HeadObjectCommand).callsFake((input: { Bucket: string; Key: string }) => {
      if (!this.buckets.get(input.Bucket)?.keys.has(input.Key)) throw awsError("NotFound", 404);
      return { ContentLength: 1234, LastModified: new Date("2026-11-01T00:00:00Z") };
    });
    // ListEventSources matches by name prefix, as AWS does: a longer suffix's source is listed too.
    this.eventBridge.on(ListEventSourcesCommand).callsFake((input: { NamePrefix?: string }) => ({
      EventSources: [...this.sources].filter(([name]) => name.startsWith(input.NamePrefix ?? "")).map(([Name, State]) => ({ Name, State })),
    }));
    this.eventBridge.on(DescribeEventBusCommand).callsFake((input: { Name: string }) => {
      const bus = this.buses.get(input.Name);
      if (!bus) throw awsError("ResourceNotFoundException", 400);
      return { Name: input.Name, Arn: bus.arn };
    });
    // Pages of logsPageSize; an account-scoped call only (no resourceArn, scope ACCOUNT or unset: the API's default).
    this.logs.on(DescribeResourcePoliciesCommand).callsFake((input: { nextToken?: string; resourceArn?: string; policyScope?: string }) => {
      if (input.resourceArn !== undefined || (input.policyScope !== undefined && input.policyScope !== "ACCOUNT")) throw awsError("InvalidParameterException", 400);
      const all = [...this.logsPolicies].map(([policyName, policyDocument]) => ({ policyName, policyDocument, policyScope: "ACCOUNT" }));
      const start = Number(input.nextToken ?? 0);
      const next = start + this.logsPageSize;
      return { resourcePolicies: all.slice(start, next), nextToken: next < all.length ? String(next) : undefined };
    });
    this.eventBridge.on(ListTagsForResourceCommand).callsFake((input: { ResourceARN: string }) => {
      const bus = [...this.buses.values()].find((b) => b.arn === input.ResourceARN);
      if (!bus) throw awsError("ResourceNotFoundException", 400);
      return { Tags: Object.entries(bus.tags).map(([Key, Value]) => ({ Key, Value })) };
    });
  }

  clients() {
    return {
      sts: this.sts as unknown as STSClient,
      s3: this.s3 as unknown as S3Client,
      eventBridge: this.eventBridge as unknown as EventBridgeClient,
      logs: this.logs as unknown as CloudWatchLogsClient,
    };
  }
}

const sourceName = `aws.partner/genesys.com/cloud/${config.genesys.organizationId ?? ORG}/${config.integration.eventSourceSuffix}`;
const serviceRoles = preflightTarget(config).serviceRoleNames;

async function world(options: { policies?: FakePermissionPolicy[]; holdServiceRoles?: boolean } = {}) {
  const server = new FakeGenesysServer({
    organization: { id: ORG, name: "Example Org" },
    roles: [
      { id: "role-terraform", name: "Terraform", permissionPolicies: options.policies ?? FULL },
      ...serviceRoles.map((name) => ({ id: `role-${name}`, name, permissionPolicies: [] })),
    ],
    oauthClients: [
      {
        id: "terraform-client",
        secret: TF_SECRET,
        roleDivisions: [
          { roleId: "role-terraform", divisionId: "home" },
          ...(options.holdServiceRoles === false ? [] : serviceRoles.map((name) => ({ roleId: `role-${name}`, divisionId: "home" }))),
        ],
      },
    ],
  });
  await server.start();
  const aws = new AwsWorld();
  const run = async (args: string[], env: Record<string, string> = {}) => {
    let out = "";
    let err = "";
    const code = await main(["--env", "dev", ...args], {
      stdout: (t) => void (out += t),
      stderr: (t) => void (err += t),
      env: { GENESYSCLOUD_OAUTHCLIENT_ID: "terraform-client", GENESYSCLOUD_OAUTHCLIENT_SECRET: TF_SECRET, ...server.gatewayEnv(), ...env },
      aws: aws.clients(),
      genesysRetry: { maxAttempts: 1 },
    });
    return { code, out, err, line: (id: string) => out.split("\n").find((l) => l.includes(` ${id} `) || l.includes(` ${id}`)) ?? "" };
  };
  return { server, aws, run };
}

describe("npm run preflight", () => {
  let w: Awaited<ReturnType<typeof world>>;
  afterEach(async () => w?.server.stop());

  it("passes every check on a ready org, account and bucket (first deploy: no state, no source yet)", async () => {
    w = await world();
    const r = await w.run([]);
    expect(r.err).toBe("");
    expect(r.out).toMatch(/^OK: /m);
    expect(r.code).toBe(0);
    expect(r.line("genesys.login")).toMatch(/^PASS .*terraform-client logged in to org Example Org/);
    expect(r.line("genesys.permissions")).toMatch(/^PASS .*holds all \d+ permissions/);
    for (const name of serviceRoles) expect(r.line(`genesys.role.${name}`)).toMatch(/^PASS/);
    expect(r.line("aws.account")).toMatch(new RegExp(`^PASS .*account ${config.aws.accountId}`));
    expect(r.line("aws.state")).toMatch(/^PASS .*no state at .* yet/);
    expect(r.line("aws.partner-source")).toMatch(/^PASS .*does not exist yet/);
    expect(r.line("aws.logs-policy")).toMatch(/^PASS .*genesys-dev-eventbridge-logs in us-east-1 grants EventBridge this environment's log groups/);
    expect(r.out).not.toContain(TF_SECRET);
  });

  it("lists each missing permission with the resource type that needs it", async () => {
    w = await world({ policies: FULL.filter((p) => !(p.domain === "authorization" && p.entityName === "role" && p.actionSet[0] !== "view")) });
    const r = await w.run([]);
    expect(r.code).toBe(1);
    expect(r.line("genesys.permissions")).toMatch(/^FAIL +genesys.permissions +missing authorization:role:add \(resource genesyscloud_auth_role\); authorization:role:delete/);
    expect(r.line("genesys.permissions")).not.toContain("authorization:role:view");
  });

  it("fails on wrong credentials and skips what needs them", async () => {
    w = await world();
    const r = await w.run([], { GENESYSCLOUD_OAUTHCLIENT_SECRET: "wrong-secret-value" });
    expect(r.code).toBe(1);
    expect(r.line("genesys.login")).toMatch(/^FAIL .*do not log in/);
    expect(r.line("genesys.permissions")).toMatch(/^SKIP .*needs genesys.login/);
    expect(r.out).not.toContain("wrong-secret-value");
  });

  it("fails on service roles the Terraform client does not hold, PENDING with --first-deploy", async () => {
    w = await world({ holdServiceRoles: false });
    const strict = await w.run([]);
    expect(strict.code).toBe(1);
    expect(strict.line(`genesys.role.${serviceRoles[0]}`)).toMatch(/^FAIL .*does not hold role/);
    const first = await w.run(["--first-deploy"]);
    expect(first.code).toBe(0);
    expect(first.line(`genesys.role.${serviceRoles[0]}`)).toMatch(/^PENDING .*First deploy/);
  });

  it("fails on another AWS account, a missing or foreign-region bucket, and an unreadable state", async () => {
    w = await world();
    w.aws.account = "999999999999";
    let r = await w.run([]);
    expect(r.line("aws.account")).toMatch(/^FAIL .*account 999999999999 .*environments\/dev.ts says 111111111111/);
    w.aws.buckets.clear();
    r = await w.run([]);
    expect(r.line("aws.state")).toMatch(/^FAIL .*does not exist: apply the bootstrap stack first/);
    w.aws.buckets.set(config.stateBackend.bucket, { region: "eu-west-1", keys: new Set() });
    r = await w.run([]);
    expect(r.line("aws.state")).toMatch(/^FAIL .*is in eu-west-1/);
    w.aws.buckets.set(config.stateBackend.bucket, { region: config.stateBackend.region, keys: new Set(), forbidden: true });
    r = await w.run([]);
    expect(r.code).toBe(1);
    expect(r.line("aws.state")).toMatch(/^FAIL .*not accessible .*403/);
  });

  it("finds the source by its exact name: a longer suffix's source (same prefix) is not this one", async () => {
    w = await world();
    w.aws.sources.set(`${sourceName}2`, "ACTIVE");
    const r = await w.run([]);
    expect(r.line("aws.partner-source")).toMatch(/^PASS .*does not exist yet/);
  });

  it("accepts a source bound to this environment's bus and refuses one bound to another bus", async () => {
    w = await world();
    w.aws.sources.set(sourceName, "ACTIVE");
    let r = await w.run([]);
    expect(r.line("aws.partner-source")).toMatch(/^PASS .*no bus is bound to it yet/);
    const arn = `arn:aws:events:${config.aws.region}:${config.aws.accountId}:event-bus/${sourceName}`;
    w.aws.buses.set(sourceName, { arn, tags: { project: "genesys-eventbridge", environment: "dev" } });
    r = await w.run([]);
    expect(r.code).toBe(0);
    expect(r.line("aws.partner-source")).toMatch(/^PASS .*bound to this environment's bus/);
    w.aws.buses.set(sourceName, { arn, tags: { project: "other-team" } });
    r = await w.run([]);
    expect(r.code).toBe(1);
    expect(r.line("aws.partner-source")).toMatch(/^FAIL .*already bound to bus .*project=other-team, expected genesys-eventbridge; environment=\(none\), expected dev/);
  });

  describe("the environment's CloudWatch Logs resource policy (created by the bootstrap stack)", () => {
    const expected = JSON.parse(preflightTarget(config).logsPolicy.document) as { Version: string; Statement: Array<Record<string, unknown>> };

    it("fails when it is missing, naming the policy and the bootstrap stack to re-apply", async () => {
      w = await world();
      w.aws.logsPolicies.delete("genesys-dev-eventbridge-logs");
      const r = await w.run([]);
      expect(r.code).toBe(1);
      expect(r.line("aws.logs-policy")).toMatch(
        new RegExp(`^FAIL .*genesys-dev-eventbridge-logs in us-east-1 does not exist: .*no pipeline role may create it\\. An admin re-applies the bootstrap stack of account ${config.aws.accountId} and state bucket ${config.stateBackend.bucket}`),
      );
    });

    it("fails when it differs (the environment stack's former per-rule policy, a widened one), showing what it found", async () => {
      w = await world();
      const former = JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "Rule1WritesItsLogGroups", Effect: "Allow", Principal: { Service: ["events.amazonaws.com", "delivery.logs.amazonaws.com"] }, Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: ["arn:aws:logs:us-east-1:111111111111:log-group:/aws/events/genesys/genesys-dev-audit-log-audit:*"], Condition: { ArnEquals: { "aws:SourceArn": "arn:aws:events:us-east-1:111111111111:rule/x/genesys-dev-audit-log" } } }] });
      const widened = JSON.stringify({ ...expected, Statement: expected.Statement.map((st) => ({ ...st, Resource: "arn:aws:logs:us-east-1:111111111111:log-group:/aws/events/*:*" })) });
      for (const document of [former, widened, "not json"]) {
        w.aws.logsPolicies.set("genesys-dev-eventbridge-logs", document);
        const r = await w.run([]);
        expect(r.code).toBe(1);
        expect(r.line("aws.logs-policy")).toMatch(/^FAIL .*genesys-dev-eventbridge-logs in us-east-1 differs from what the bootstrap stack declares/);
        expect(r.line("aws.logs-policy")).toContain(`Found: ${document}`);
      }
      expect((await w.run([])).line("aws.logs-policy")).toContain("its document is not a JSON policy");
    });

    it("passes on the same grants written differently (Sids, statement order, a list for one value, spacing), found on a later page", async () => {
      w = await world();
      const [put, create] = expected.Statement;
      const reworded = { Version: expected.Version, Statement: [{ ...create, Sid: "A", Action: ["logs:CreateLogStream"] }, { ...put, Sid: "B", Resource: [put.Resource] }] };
      w.aws.logsPolicies.set("genesys-dev-eventbridge-logs", JSON.stringify(reworded, null, 2));
      w.aws.logsPolicies = new Map([...[...w.aws.logsPolicies].reverse()]); // the environment's policy last
      w.aws.logsPageSize = 1;
      const r = await w.run([]);
      expect(r.line("aws.logs-policy")).toMatch(/^PASS /);
      expect(w.aws.logs.commandCalls(DescribeResourcePoliciesCommand).length).toBe(2);
    });

    it("fails when the policies cannot be read", async () => {
      w = await world();
      w.aws.logs.on(DescribeResourcePoliciesCommand).rejects(awsError("AccessDeniedException", 400));
      const r = await w.run([]);
      expect(r.code).toBe(1);
      expect(r.line("aws.logs-policy")).toMatch(/^FAIL .*cannot read the CloudWatch Logs resource policies in us-east-1: AccessDeniedException .*needs logs:DescribeResourcePolicies/);
    });
  });

  it("needs the Terraform client's credentials and a known environment (exit 2)", async () => {
    w = await world();
    expect((await w.run([], { GENESYSCLOUD_OAUTHCLIENT_ID: "" })).code).toBe(2);
    let out = "";
    expect(await main(["--env", "qa"], { stdout: () => undefined, stderr: (t) => void (out += t) })).toBe(2);
    expect(out).toMatch(/Invalid values/);
  });
});

describe("Genesys permissions of the Terraform client (environments/genesys-terraform-permissions.ts)", () => {
  it("list every genesyscloud_* type the stacks declare (an unlisted one fails here)", () => {
    for (const env of ENVIRONMENT_NAMES) expect(() => preflightTarget(loadEnvironment(env))).not.toThrow();
    expect(GENESYS_TERRAFORM_PERMISSIONS.every((r) => r.source.startsWith("https://registry.terraform.io/providers/MyPureCloud/genesyscloud/"))).toBe(true);
    expect(() => requiredPermissions(["resource genesyscloud_user"])).toThrow(/genesyscloud_user .* not listed in environments\/genesys-terraform-permissions.ts/);
  });

  it("are held through exact policies or '*' entity/action, and nothing else", () => {
    const role = (domain: string, entityName: string, actionSet: string[]) => ({ name: "r", permissionPolicies: [{ domain, entityName, actionSet }] });
    expect(holds([role("integrations", "integration", ["*"])], "integrations:integration:delete")).toBe(true);
    expect(holds([role("oauth", "*", ["view"])], "oauth:client:view")).toBe(true);
    expect(holds([role("oauth", "*", ["view"])], "oauth:client:add")).toBe(false);
    expect(holds([role("routing", "wrapupCode", ["add"])], "routing:wrapupcode:add")).toBe(false);
    expect(holds([], "authorization:role:view")).toBe(false);
  });

  it("are derived from what the stack declares", () => {
    const target = preflightTarget(config);
    expect(target.requiredPermissions.get("oauth:client:add")).toEqual(["resource genesyscloud_oauth_client"]);
    expect(target.requiredPermissions.get("integrations:integration:edit")).toEqual(["resource genesyscloud_integration", "resource genesyscloud_oauth_client"]);
    expect(target.serviceRoleNames).toEqual(expect.arrayContaining(config.services.map((s) => `eventbridge-dev-${s.name}`)));
  });
});
