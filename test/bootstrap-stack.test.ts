import { App, TerraformStack, Testing } from "cdktf";
import { EnvironmentLogDeliveryPolicy, EnvironmentLogDeliveryPolicyProps } from "../modules/targets/log-delivery-policy";
import { buildApp, buildBootstrapStacks } from "../main";
import { BootstrapStack, BootstrapStackProps } from "../stacks/bootstrap-stack";
import { loadEnvironment } from "../environments";
import { canonicalPolicy } from "../scripts/lib/preflight/logs-policy";
import { preflightTarget } from "../scripts/lib/preflight/target";
import { exampleRules } from "../environments/common";
import { defaultStateKey } from "../stacks/environment-stack";
import { Synthesized as EnvironmentSynth, synthWith } from "./support/synth";

/** The cdktf jest matchers registered by Testing.setupJest() in test/setup.ts. */
interface CdktfMatchers {
  toHaveResource(type: { tfResourceType: string }): void;
  toHaveResourceWithProperties(type: { tfResourceType: string }, properties: Record<string, unknown>): void;
  toHaveProviderWithProperties(type: { tfResourceType: string }, properties: Record<string, unknown>): void;
  not: CdktfMatchers;
}
const expectSynth = (synth: string): CdktfMatchers => expect(synth) as unknown as CdktfMatchers;

interface Statement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Principal?: unknown;
  Action: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}
interface Synthesized {
  terraform: { backend: Record<string, unknown> };
  resource: Record<string, Record<string, Record<string, unknown>>>;
  output: Record<string, { value: unknown }>;
}

const PROPS: BootstrapStackProps = {
  accountId: "111111111111",
  region: "us-east-1",
  stateBucket: "genesys-eventbridge-tfstate-111111111111",
  repository: "acme/genesys-eventbridge-infra",
  environments: [{ name: "dev" }, { name: "staging", planRoleName: "staging-planner", applyRoleName: "staging-deployer" }],
};

function synth(props: Partial<BootstrapStackProps> = {}): { json: string; parsed: Synthesized } {
  const stack = new BootstrapStack(Testing.app(), "bootstrap-test", { ...PROPS, ...props });
  const json = Testing.synth(stack);
  return { json, parsed: JSON.parse(json) as Synthesized };
}

const { json, parsed } = synth();
const resources = (type: string): Record<string, Record<string, unknown>> => parsed.resource[type] ?? {};
const policyOf = (value: unknown): Statement[] => (JSON.parse(String(value)) as { Statement: Statement[] }).Statement;
const roleByName = (name: string): Record<string, unknown> => {
  const role = Object.values(resources("aws_iam_role")).find((r) => r.name === name);
  if (!role) throw new Error(`no role ${name}`);
  return role;
};
const policiesOfRole = (roleName: string): Statement[] => {
  const [roleKey] = Object.entries(resources("aws_iam_role")).find(([, r]) => r.name === roleName) ?? [];
  if (!roleKey) throw new Error(`no role ${roleName}`);
  return Object.values(resources("aws_iam_role_policy"))
    .filter((p) => p.role === `\${aws_iam_role.${roleKey}.id}`)
    .flatMap((p) => policyOf(p.policy));
};
const asList = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

describe("BootstrapStack", () => {
  it("uses a local backend and an AWS provider pinned to the account", () => {
    expect(parsed.terraform.backend).toEqual({ local: { path: "terraform.bootstrap-test.tfstate" } });
    expectSynth(json).toHaveProviderWithProperties({ tfResourceType: "aws" }, { region: "us-east-1", allowed_account_ids: ["111111111111"] });
  });

  describe("state bucket", () => {
    it("is the configured bucket, protected from destroy", () => {
      expectSynth(json).toHaveResourceWithProperties({ tfResourceType: "aws_s3_bucket" }, {
        bucket: PROPS.stateBucket,
        force_destroy: false,
        lifecycle: { prevent_destroy: true },
      });
    });

    it("is versioned", () => {
      expectSynth(json).toHaveResourceWithProperties({ tfResourceType: "aws_s3_bucket_versioning" }, { versioning_configuration: { status: "Enabled" } });
    });

    it("is encrypted (AES256 by default, SSE-KMS with a key)", () => {
      expectSynth(json).toHaveResourceWithProperties({ tfResourceType: "aws_s3_bucket_server_side_encryption_configuration" }, {
        rule: [expect.objectContaining({ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } })],
      });
      const kmsKey = "arn:aws:kms:us-east-1:111111111111:key/0000";
      expectSynth(synth({ stateKmsKeyArn: kmsKey }).json).toHaveResourceWithProperties({ tfResourceType: "aws_s3_bucket_server_side_encryption_configuration" }, {
        rule: [expect.objectContaining({ apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: kmsKey }, bucket_key_enabled: true })],
      });
    });

    it("blocks all public access and enforces bucket-owner ownership", () => {
      expectSynth(json).toHaveResourceWithProperties({ tfResourceType: "aws_s3_bucket_public_access_block" }, {
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      });
      expectSynth(json).toHaveResourceWithProperties({ tfResourceType: "aws_s3_bucket_ownership_controls" }, { rule: { object_ownership: "BucketOwnerEnforced" } });
    });

    it("denies every request that is not over TLS", () => {
      const [policy] = Object.values(resources("aws_s3_bucket_policy"));
      const statements = policyOf(policy.policy);
      expect(statements).toContainEqual(
        expect.objectContaining({
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        }),
      );
      const deny = statements.find((s) => s.Effect === "Deny");
      expect(asList(deny?.Resource)).toEqual(expect.arrayContaining([expect.stringMatching(/aws_s3_bucket\.state\.arn\}$/), expect.stringMatching(/\.arn\}\/\*$/)]));
    });

    it("needs no lock table (S3 native lockfile), but creates one on request", () => {
      expectSynth(json).not.toHaveResource({ tfResourceType: "aws_dynamodb_table" });
      const withTable = synth({ lockTableName: "terraform-locks" });
      expectSynth(withTable.json).toHaveResourceWithProperties({ tfResourceType: "aws_dynamodb_table" }, { name: "terraform-locks", hash_key: "LockID", billing_mode: "PAY_PER_REQUEST" });
      const devState = Object.values(withTable.parsed.resource.aws_iam_role_policy).filter((p) => p.name === "state").flatMap((p) => policyOf(p.policy));
      expect(devState.some((s) => s.Sid === "StateLockTable")).toBe(true);
    });
  });

  describe("GitHub OIDC", () => {
    it("creates the provider for token.actions.githubusercontent.com with audience sts.amazonaws.com", () => {
      expectSynth(json).toHaveResourceWithProperties({ tfResourceType: "aws_iam_openid_connect_provider" }, {
        url: "https://token.actions.githubusercontent.com",
        client_id_list: ["sts.amazonaws.com"],
      });
    });

    it("can reuse an existing provider", () => {
      const reuse = synth({ createOidcProvider: false });
      expectSynth(reuse.json).not.toHaveResource({ tfResourceType: "aws_iam_openid_connect_provider" });
      const trust = policyOf(Object.values(reuse.parsed.resource.aws_iam_role)[0].assume_role_policy);
      expect(trust[0].Principal).toEqual({ Federated: "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com" });
    });

    it("plan role trusts only jobs in the environment's GitHub plan environment (<env>-plan), with the audience checked", () => {
      const trust = policyOf(roleByName("genesys-eventbridge-dev-plan").assume_role_policy);
      expect(trust).toEqual([
        {
          Effect: "Allow",
          Principal: { Federated: expect.stringMatching(/aws_iam_openid_connect_provider\.github_oidc\.arn/) },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: {
            StringEquals: {
              "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
              "token.actions.githubusercontent.com:sub": ["repo:acme/genesys-eventbridge-infra:environment:dev-plan"],
            },
          },
        },
      ]);
      expect(JSON.stringify(trust)).not.toContain("StringLike");
    });

    it("apply and rotation roles trust only jobs in their own GitHub environment", () => {
      for (const [role, env] of [["genesys-eventbridge-dev-apply", "dev"], ["staging-deployer", "staging"], ["genesys-eventbridge-dev-rotation", "dev"]]) {
        const trust = policyOf(roleByName(role).assume_role_policy);
        expect(trust).toHaveLength(1);
        expect(trust[0].Condition).toEqual({
          StringEquals: {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            "token.actions.githubusercontent.com:sub": [`repo:acme/genesys-eventbridge-infra:environment:${env}`],
          },
        });
        expect(JSON.stringify(trust)).not.toContain("StringLike");
      }
    });

    it("uses the id-qualified repository in subjects when given", () => {
      const ids = synth({ oidcSubjectRepository: "acme@123/genesys-eventbridge-infra@456" });
      const role = Object.values(ids.parsed.resource.aws_iam_role).find((r) => r.name === "genesys-eventbridge-dev-apply");
      expect(JSON.stringify(policyOf(role?.assume_role_policy))).toContain("repo:acme@123/genesys-eventbridge-infra@456:environment:dev");
    });
  });

  describe("role policies", () => {
    const allPolicies = Object.values(resources("aws_iam_role_policy")).flatMap((p) => policyOf(p.policy));

    it("grant no wildcard admin: no Allow of *, of a whole service on every resource, or of iam:*", () => {
      const offenders = allPolicies
        .filter((s) => s.Effect === "Allow")
        .filter((s) => {
          const actions = asList(s.Action);
          const resourcesOf = asList(s.Resource);
          return actions.includes("*") || actions.includes("iam:*") || (actions.some((a) => /^[a-z0-9-]+:\*$/.test(a)) && resourcesOf.includes("*"));
        });
      expect(offenders).toEqual([]);
    });

    it("plan role is read-only: no write actions and never secret values", () => {
      const plan = policiesOfRole("genesys-eventbridge-dev-plan");
      const allowed = plan.filter((s) => s.Effect === "Allow" && s.Sid !== "StateLock").flatMap((s) => asList(s.Action));
      const writes = allowed.filter((a) => /:(Create|Delete|Put|Update|Tag|Untag|Attach|Detach|Pass|Add|Remove|Set|Schedule|Enable|Disable|Send|Publish|\*)/.test(a));
      expect(writes).toEqual([]);
      expect(allowed).not.toContain("secretsmanager:GetSecretValue");
      expect(plan).toContainEqual(expect.objectContaining({ Effect: "Deny", Action: "secretsmanager:GetSecretValue" }));
    });

    it("state access is scoped to the environment's own key: plan reads, apply reads, writes and locks", () => {
      const bucket = `arn:aws:s3:::${PROPS.stateBucket}`;
      const planState = policiesOfRole("genesys-eventbridge-dev-plan").filter((s) => s.Sid?.startsWith("State"));
      const applyState = policiesOfRole("genesys-eventbridge-dev-apply").filter((s) => s.Sid?.startsWith("State"));
      expect(planState).toContainEqual({ Sid: "StateRead", Effect: "Allow", Action: "s3:GetObject", Resource: `${bucket}/genesys-eventbridge/dev.tfstate` });
      expect(applyState).toContainEqual({ Sid: "StateReadWrite", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: `${bucket}/genesys-eventbridge/dev.tfstate` });
      expect(applyState).toContainEqual(expect.objectContaining({ Sid: "StateLock", Resource: `${bucket}/genesys-eventbridge/dev.tfstate.tflock` }));
      expect(planState.some((s) => s.Sid === "StateLock")).toBe(false);
      for (const state of [planState, applyState]) {
        const objects = state.filter((s) => s.Sid !== "StateList").flatMap((s) => asList(s.Resource));
        expect(objects.every((r) => r.startsWith(`${bucket}/genesys-eventbridge/dev.tfstate`))).toBe(true);
      }
      const stagingApply = policiesOfRole("staging-deployer").flatMap((s) => asList(s.Resource));
      expect(stagingApply.some((r) => r.includes("dev.tfstate"))).toBe(false);
    });

    it("the default state key matches the environment stacks' backend key", () => {
      expect(policiesOfRole("genesys-eventbridge-dev-plan").flatMap((s) => asList(s.Resource))).toContain(`arn:aws:s3:::${PROPS.stateBucket}/${defaultStateKey("dev")}`);
    });

    it("apply role manages the services the env stacks use, IAM only under the environment's prefix", () => {
      const apply = policiesOfRole("genesys-eventbridge-dev-apply");
      const actions = apply.filter((s) => s.Effect === "Allow").flatMap((s) => asList(s.Action));
      for (const a of ["events:*", "sqs:*", "sns:*", "logs:*", "kinesis:*", "kms:CreateKey", "kms:PutKeyPolicy", "secretsmanager:*", "cloudwatch:PutMetricAlarm", "iam:CreateRole", "iam:PassRole"]) {
        expect(actions).toContain(a);
      }
      // No kms:* at all; KMS and Lambda grants are scoped (test/bootstrap-iam.test.ts evaluates them).
      expect(actions).not.toContain("kms:*");
      const iam = apply.filter((s) => asList(s.Action).some((a) => a.startsWith("iam:") && !/^iam:(Get|List)/.test(a)));
      expect(iam.length).toBeGreaterThan(0);
      for (const s of iam) expect(asList(s.Resource)).toEqual(["arn:aws:iam::111111111111:role/genesys-dev-*"]);
      expect(apply.find((s) => s.Sid === "PassRolesToEventBridge")?.Condition).toEqual({ StringEquals: { "iam:PassedToService": "events.amazonaws.com" } });
      expect(apply.find((s) => s.Sid === "Secrets")?.Resource).toEqual(["arn:aws:secretsmanager:us-east-1:111111111111:secret:genesys/dev/*"]);
      expect(actions).not.toContain("iam:AttachRolePolicy");
    });

    it("outputs the role ARNs to set as GitHub variables", () => {
      expect(parsed.output).toHaveProperty("dev-roles");
      expect(parsed.output["dev-roles"].value).toEqual(
        expect.objectContaining({
          AWS_PLAN_ROLE_ARN: expect.stringContaining("aws_iam_role"),
          AWS_APPLY_ROLE_ARN: expect.stringContaining("aws_iam_role"),
          AWS_ROTATION_ROLE_ARN: expect.stringContaining("aws_iam_role"),
          AWS_REGION: "us-east-1",
        }),
      );
    });
  });

  describe("validation", () => {
    const make = (props: Partial<BootstrapStackProps>) => () => new BootstrapStack(new App({ outdir: Testing.app().outdir }), "b", { ...PROPS, ...props });
    it.each<[string, Partial<BootstrapStackProps>, RegExp]>([
      ["account id", { accountId: "123" }, /accountId must be a 12-digit/],
      ["region", { region: "mars-1" }, /not an AWS region/],
      ["repository", { repository: "just-a-name" }, /repository must be "owner\/name"/],
      ["no environments", { environments: [] }, /at least one environment/],
      ["duplicate environment", { environments: [{ name: "dev" }, { name: "dev" }] }, /listed twice/],
      ["shared state key", { environments: [{ name: "dev" }, { name: "qa", stateKey: "genesys-eventbridge/dev.tfstate" }] }, /used by another environment/],
      ["bucket name", { stateBucket: "Not_A_Bucket" }, /not a valid S3 bucket name/],
      ["role name", { environments: [{ name: "dev", applyRoleName: "x".repeat(65) }] }, /not a valid IAM role name/],
      ["overlapping prefix", { environments: [{ name: "dev" }, { name: "dev-eu" }] }, /"dev": its name prefix covers environment "dev-eu"/],
      ["pipeline role under a role prefix", { environments: [{ name: "dev", applyRoleName: "genesys-dev-deployer" }] }, /covers pipeline role\(s\) genesys-dev-deployer/],
      ["region in another partition", { environments: [{ name: "dev", region: "us-gov-west-1" }] }, /partition aws-us-gov.*one bootstrap stack per partition/],
      ["target ARN", { environments: [{ name: "dev", lambdaFunctionArns: ["arn:aws:lambda:us-east-1:111111111111:function:*"] }] }, /lambdaFunctionArns entry .* without wildcards/],
    ])("rejects a bad %s", (_label, props, message) => {
      expect(make(props)).toThrow(message);
    });
  });
});

describe("BootstrapStack provider pin", () => {
  it("pins the AWS provider like the environment stacks", () => {
    const { parsed: p } = synth();
    expect((p as unknown as { terraform: { required_providers: Record<string, unknown> } }).terraform.required_providers.aws).toEqual({ source: "hashicorp/aws", version: "~> 6.25" });
  });
});

describe("BootstrapStack per-environment region", () => {
  it("scopes the apply role to the environment's region when it differs from the bucket's", () => {
    const { parsed: p } = synth({ environments: [{ name: "dev", region: "eu-west-1" }] });
    const policies = Object.values(p.resource.aws_iam_role_policy).map((x) => String(x.policy)).join("\n");
    expect(policies).toContain("arn:aws:sqs:eu-west-1:111111111111:genesys-dev-*");
    expect(policies).not.toContain("arn:aws:sqs:us-east-1");
    expect(() => synth({ environments: [{ name: "dev", region: "moon" }] })).toThrow(/region "moon"/);
  });
});

describe("BootstrapStack: each environment's CloudWatch Logs resource policy", () => {
  type Provider = { alias?: string; region: string; allowed_account_ids: string[] };
  const logPolicies = (p: Synthesized) => Object.values(p.resource.aws_cloudwatch_log_resource_policy ?? {});

  it("is created for every environment, named and scoped from its prefix, in the bucket's region with the default provider", () => {
    const [dev, staging] = logPolicies(parsed);
    expect([dev.policy_name, staging.policy_name]).toEqual(["genesys-dev-eventbridge-logs", "genesys-staging-eventbridge-logs"]);
    expect(dev.provider).toBeUndefined();
    const groups = "arn:aws:logs:us-east-1:111111111111:log-group:/aws/events/genesys/genesys-dev-*:*";
    const writers = { Service: ["events.amazonaws.com", "delivery.logs.amazonaws.com"] };
    expect(policyOf(dev.policy_document)).toEqual([
      {
        Sid: "EnvironmentRulesWriteTheirLogGroups",
        Effect: "Allow",
        Principal: writers,
        Action: "logs:PutLogEvents",
        Resource: groups,
        Condition: { ArnLike: { "aws:SourceArn": "arn:aws:events:us-east-1:111111111111:rule/aws.partner/genesys.com/cloud/*/*/genesys-dev-*" } },
      },
      { Sid: "EventBridgeCreatesStreamsInTheEnvironmentsLogGroups", Effect: "Allow", Principal: writers, Action: "logs:CreateLogStream", Resource: groups },
    ]);
  });

  it("narrows the rules to the environment's partner bus when its event source suffix is known", () => {
    const { parsed: p } = synth({ environments: [{ name: "dev", eventSourceSuffix: "genesys-eventbridge-dev" }] });
    const [statement] = policyOf(logPolicies(p)[0].policy_document);
    expect(statement.Condition).toEqual({ ArnLike: { "aws:SourceArn": "arn:aws:events:us-east-1:111111111111:rule/aws.partner/genesys.com/cloud/*/genesys-eventbridge-dev/genesys-dev-*" } });
  });

  it("is created in an environment's own region through one aliased provider per region", () => {
    const { parsed: p } = synth({ environments: [{ name: "dev", region: "eu-west-1" }, { name: "qa", region: "eu-west-1" }, { name: "staging" }] });
    const providers = (p as unknown as { provider: { aws: Provider[] } }).provider.aws;
    expect(providers.map((x) => [x.alias, x.region])).toEqual([[undefined, "us-east-1"], ["eu-west-1", "eu-west-1"]]);
    expect(providers[1].allowed_account_ids).toEqual(["111111111111"]);
    const byName = Object.fromEntries(logPolicies(p).map((x) => [x.policy_name, x]));
    for (const name of ["dev", "qa"]) {
      expect(byName[`genesys-${name}-eventbridge-logs`].provider).toBe("aws.eu-west-1");
      expect(JSON.stringify(policyOf(byName[`genesys-${name}-eventbridge-logs`].policy_document))).not.toContain("us-east-1");
    }
    expect(byName["genesys-staging-eventbridge-logs"].provider).toBeUndefined();
  });

  it.each<[string, Partial<EnvironmentLogDeliveryPolicyProps>, RegExp]>([
    ["a wildcard in the log group prefix", { logGroupNamePrefix: "/aws/events/*" }, /logGroupNamePrefix "\/aws\/events\/\*" must be a literal prefix/],
    ["a short rule prefix", { ruleNamePrefix: "g" }, /ruleNamePrefix "g" must be a literal prefix of at least 3 characters/],
    ["a log group prefix that is not a path", { logGroupNamePrefix: "genesys-dev-" }, /must be a log group path starting with '\/'/],
    ["a policy name with ':'", { policyName: "a:b" }, /policyName must be 1-255 characters without ':' or '\*'/],
  ])("refuses %s", (_label, props, message) => {
    const base: EnvironmentLogDeliveryPolicyProps = {
      policyName: "genesys-dev-eventbridge-logs",
      partition: "aws",
      accountId: "111111111111",
      region: "us-east-1",
      logGroupNamePrefix: "/aws/events/genesys/genesys-dev-",
      eventBusName: "aws.partner/genesys.com/cloud/*/x",
      ruleNamePrefix: "genesys-dev-",
    };
    expect(() => new EnvironmentLogDeliveryPolicy(new TerraformStack(Testing.app(), "t"), "p", { ...base, ...props })).toThrow(message);
  });
});

describe("main.ts bootstrap wiring", () => {
  const STATE_KEY = "arn:aws:kms:us-east-1:111111111111:key/0b5e7c1a-0000-4000-8000-000000000001";
  const withStateKey = (name: string, kmsKeyId: string | undefined) => {
    const config = loadEnvironment(name);
    return { ...config, aws: { ...config.aws, accountId: "111111111111" }, stateBackend: { ...config.stateBackend, bucket: "shared-tfstate", kmsKeyId } };
  };

  it("gives the state roles the environments' state KMS key", () => {
    const app = Testing.app();
    buildBootstrapStacks(app, [withStateKey("dev", STATE_KEY), withStateKey("staging", STATE_KEY)]);
    const stack = app.node.children.find((c): c is BootstrapStack => c instanceof BootstrapStack) as BootstrapStack;
    const policies = Object.values((JSON.parse(Testing.synth(stack)) as Synthesized).resource.aws_iam_role_policy).flatMap((p) => policyOf(p.policy));
    const kms = policies.filter((s) => s.Sid === "StateKms");
    expect(kms).toHaveLength(4); // plan and apply role of dev and staging; the rotation role has no state access
    for (const s of kms) expect(s.Resource).toBe(STATE_KEY);
  });

  it("refuses environments that share a state bucket with different state keys", () => {
    expect(() => buildBootstrapStacks(Testing.app(), [withStateKey("dev", STATE_KEY), withStateKey("staging", undefined)])).toThrow(
      /"dev" and "staging" share state bucket shared-tfstate but not stateBackend.kmsKeyId .*use one key per bucket/,
    );
  });

  it("adds one bootstrap stack per account and state bucket after the environment stacks", () => {
    const app = buildApp(Testing.app());
    const names = app.node.children.map((c) => c.node.id);
    expect(names).toEqual(["dev", "staging", "prod", "bootstrap-dev", "bootstrap-staging", "bootstrap-prod"]);
  });

  it("writes each environment's Logs resource policy exactly as preflight expects it (else every apply would stop)", () => {
    const app = buildApp(Testing.app());
    for (const name of ["dev", "staging", "prod"]) {
      const stack = app.node.children.find((c): c is BootstrapStack => c instanceof BootstrapStack && c.node.id === `bootstrap-${name}`) as BootstrapStack;
      const [policy] = Object.values((JSON.parse(Testing.synth(stack)) as Synthesized).resource.aws_cloudwatch_log_resource_policy);
      const expected = preflightTarget(loadEnvironment(name)).logsPolicy;
      expect(policy.policy_name).toBe(expected.name);
      expect(canonicalPolicy(String(policy.policy_document))).toBe(canonicalPolicy(expected.document));
      expect(policy.policy_document).toBe(expected.document); // byte for byte, even
    }
  });
});

describe("apply role scope, checked against the synthesized environment stacks", () => {
  // dev and staging in one account, region and state bucket: the case where scoping matters.
  const SHARED = { accountId: "111111111111", region: "us-east-1" } as const;
  const ORG_ID = "5f7c8d9e-0000-4000-8000-000000000001";
  const envs = ["dev", "staging"].map((name) =>
    synthWith(name, (input) => ({
      ...input,
      aws: { ...input.aws, ...SHARED },
      rules: exampleRules(SHARED.accountId, SHARED.region), // targets in the environment's own account (synthchecks)
      stateBackend: { ...input.stateBackend, bucket: "shared-tfstate", region: SHARED.region },
    })),
  );
  const app = Testing.app();
  buildBootstrapStacks(app, envs.map((e) => e.config));
  const bootstrap = app.node.children.filter((c): c is BootstrapStack => c instanceof BootstrapStack);
  const synthesized = new Map<BootstrapStack, Synthesized>();
  const applyPolicy = (env: string): Statement[] => {
    const stack = bootstrap.find((b) => b.applyRoleArns[env] !== undefined);
    if (!stack) throw new Error(`no bootstrap stack for ${env}`);
    if (!synthesized.has(stack)) synthesized.set(stack, JSON.parse(Testing.synth(stack)) as Synthesized);
    const p = synthesized.get(stack) as Synthesized;
    const roleKey = Object.entries(p.resource.aws_iam_role).find(([, r]) => r.name === `genesys-eventbridge-${env}-apply`)?.[0];
    return Object.values(p.resource.aws_iam_role_policy)
      .filter((x) => x.role === `\${aws_iam_role.${roleKey}.id}`)
      .flatMap((x) => policyOf(x.policy));
  };

  const glob = (pattern: string, value: string): boolean =>
    new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`).test(value);
  /** Allowed by some Allow statement (conditions left aside), and how: the matching statements. */
  const allowing = (policy: Statement[], action: string, arn: string): Statement[] =>
    policy.filter((s) => s.Effect === "Allow" && asList(s.Action).some((a) => glob(a, action)) && asList(s.Resource).some((r) => glob(r, arn)));

  /** Every resource the environment stack manages, as (actions, ARN), with `${type.id.attr}` references resolved. */
  function managed(s: EnvironmentSynth): Array<{ what: string; actions: string[]; arn: string }> {
    const res = s.parsed.resource;
    const resolve = (value: unknown): string =>
      String(value).replace(/\$\{(data\.)?([a-z0-9_]+)\.([^.}]+)\.([a-z_]+)\}/g, (_m, data: string | undefined, type: string, id: string, attr: string) => {
        if (data && type === "genesyscloud_organizations_me") return ORG_ID;
        if (!data && attr === "name") return resolve(res[type]?.[id]?.name);
        throw new Error(`cannot resolve \${${data ?? ""}${type}.${id}.${attr}} in a resource name`);
      });
    const { accountId: acct, region } = SHARED;
    const arn = (service: string, rest: string) => `arn:aws:${service}:${region}:${acct}:${rest}`;
    const each = (type: string) => Object.entries(res[type] ?? {});
    return [
      ...each("aws_sqs_queue").map(([id, r]) => ({ what: id, actions: ["sqs:CreateQueue", "sqs:DeleteQueue", "sqs:SetQueueAttributes"], arn: arn("sqs", resolve(r.name)) })),
      ...each("aws_sns_topic").map(([id, r]) => ({ what: id, actions: ["sns:CreateTopic", "sns:DeleteTopic", "sns:Subscribe"], arn: arn("sns", resolve(r.name)) })),
      ...each("aws_kinesis_stream").map(([id, r]) => ({ what: id, actions: ["kinesis:CreateStream", "kinesis:DeleteStream"], arn: arn("kinesis", `stream/${resolve(r.name)}`) })),
      ...each("aws_cloudwatch_log_group").map(([id, r]) => ({ what: id, actions: ["logs:CreateLogGroup", "logs:DeleteLogGroup"], arn: arn("logs", `log-group:${resolve(r.name)}`) })),
      ...each("aws_cloudwatch_event_bus").map(([id, r]) => ({ what: id, actions: ["events:CreateEventBus", "events:DeleteEventBus"], arn: arn("events", `event-bus/${resolve(r.name)}`) })),
      ...each("aws_cloudwatch_event_rule").map(([id, r]) => ({
        what: id,
        actions: ["events:PutRule", "events:DeleteRule", "events:PutTargets", "events:RemoveTargets"],
        arn: arn("events", `rule/${resolve(r.event_bus_name)}/${resolve(r.name)}`),
      })),
      ...each("aws_cloudwatch_event_archive").map(([id, r]) => ({ what: id, actions: ["events:CreateArchive", "events:DeleteArchive"], arn: arn("events", `archive/${resolve(r.name)}`) })),
      ...each("aws_cloudwatch_metric_alarm").map(([id, r]) => ({ what: id, actions: ["cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms"], arn: arn("cloudwatch", `alarm:${resolve(r.alarm_name)}`) })),
      ...each("aws_iam_role").map(([id, r]) => ({ what: id, actions: ["iam:CreateRole", "iam:DeleteRole", "iam:PutRolePolicy", "iam:PassRole"], arn: `arn:aws:iam::${acct}:role/${resolve(r.name)}` })),
      // Secrets Manager appends six random characters to a secret's ARN.
      ...each("aws_secretsmanager_secret").map(([id, r]) => ({ what: id, actions: ["secretsmanager:CreateSecret", "secretsmanager:DeleteSecret", "secretsmanager:PutSecretValue"], arn: arn("secretsmanager", `secret:${resolve(r.name)}-AbC123`) })),
    ];
  }

  it("finds every kind of resource the stacks create (the check below covers them all)", () => {
    const kinds = new Set(managed(envs[0]).map((m) => m.actions[0].split(":")[0]));
    expect([...kinds].sort()).toEqual(["cloudwatch", "events", "iam", "kinesis", "logs", "secretsmanager", "sns", "sqs"]);
  });

  it.each(["dev", "staging"])("the apply role of %s may manage each of its own resources and none of the other environment's", (name) => {
    const own = envs.find((e) => e.config.name === name) as EnvironmentSynth;
    const other = envs.find((e) => e.config.name !== name) as EnvironmentSynth;
    const policy = applyPolicy(own.config.name);
    const missing: string[] = [];
    for (const m of managed(own)) for (const action of m.actions) if (allowing(policy, action, m.arn).length === 0) missing.push(`${action} ${m.arn}`);
    expect(missing).toEqual([]);
    const leaks: string[] = [];
    for (const m of managed(other)) {
      for (const action of m.actions) for (const s of allowing(policy, action, m.arn)) leaks.push(`${action} ${m.arn} (statement ${s.Sid})`);
    }
    expect(leaks).toEqual([]);
  });

  it("may give a Lambda target's function to EventBridge only", () => {
    const policy = applyPolicy("dev");
    const grant = policy.filter((s) => asList(s.Action).includes("lambda:AddPermission"));
    expect(grant).toHaveLength(1);
    expect(grant[0].Condition).toEqual({ StringEquals: { "lambda:Principal": "events.amazonaws.com" } });
    const permissions = Object.values(envs[0].parsed.resource.aws_lambda_permission ?? {});
    expect(permissions.length).toBeGreaterThan(0);
    for (const p of permissions) {
      expect(p.principal).toBe("events.amazonaws.com");
      expect(asList(grant[0].Resource).some((r) => glob(r, String(p.function_name)))).toBe(true);
    }
  });
});
