/**
 * What two environments can each declare correctly but not both (issue #12 items 2 and 3, and the Logs quota of
 * item 5), and names AWS wants unique. Every error names both environments and both files.
 */
import { Testing } from "cdktf";
import {
  checkAcrossEnvironments,
  CrossEnvironmentError,
  crossEnvironmentProblems,
  EnvironmentConfig,
  EnvironmentConfigInput,
  loadAllEnvironments,
  validateEnvironment,
} from "../environments";
import { exampleRules } from "../environments/common";
import { config as devInput } from "../environments/dev";
import { config as stagingInput } from "../environments/staging";
import { buildApp } from "../main";
import { buildEnvironmentStacks } from "../stacks/environment-stack";
import { resourceNameCollisions } from "../stacks/resource-names";

const ORG_A = "0b1e6c9e-5d0a-4c44-9a57-7f3e2d1c0b9a";
const ORG_B = "7c0d3a52-1e7b-4b8e-9f57-2a1d4c3b5e6f";

function env(name: "dev" | "staging" | "prod", change: (c: EnvironmentConfigInput) => void = () => undefined): EnvironmentConfig {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const input = structuredClone((require(`../environments/${name}`) as { config: EnvironmentConfigInput }).config);
  change(input);
  return validateEnvironment(name, input);
}

/** Moves an environment (and its example Lambda target) to another account and region. */
function moveTo(c: EnvironmentConfigInput, accountId: string, region = c.aws.region): void {
  c.aws = { accountId, region };
  // Each environment its own Lambda function: one function targeted by two environments is itself a collision.
  c.rules = JSON.parse(JSON.stringify(exampleRules(accountId, region)).replace(/function:genesys-presence-handler/g, `function:${c.name}-presence-handler`)) as typeof c.rules;
}

const dev = env("dev");
const BOTH = /environments "dev" \(environments\/dev\.ts\) and "staging" \(environments\/staging\.ts\)/;

describe("cross-environment check", () => {
  it("accepts the committed environments", () => {
    expect(crossEnvironmentProblems(loadAllEnvironments())).toEqual([]);
  });

  it("rejects two environments sharing one state object, across accounts (the issue's example)", () => {
    const staging = env("staging", (c) => (c.stateBackend = { ...c.stateBackend, bucket: dev.stateBackend.bucket, key: "genesys-eventbridge/dev.tfstate" }));
    const problems = crossEnvironmentProblems([dev, staging]);
    expect(problems).toEqual([
      expect.stringMatching(new RegExp(`${BOTH.source} both keep their state in s3://genesys-eventbridge-tfstate-111111111111/genesys-eventbridge/dev\\.tfstate`)),
      expect.stringMatching(/use state bucket genesys-eventbridge-tfstate-111111111111 from accounts 111111111111 and 222222222222: each account's bootstrap stack would create that bucket/),
    ]);
  });

  it("gives each state bucket one bootstrap owner: one account, one region", () => {
    const otherAccount = env("staging", (c) => (c.stateBackend.bucket = dev.stateBackend.bucket));
    expect(crossEnvironmentProblems([dev, otherAccount])).toEqual([expect.stringMatching(/from accounts 111111111111 and 222222222222/)]);
    const otherRegion = env("staging", (c) => {
      moveTo(c, dev.aws.accountId);
      c.stateBackend = { ...c.stateBackend, bucket: dev.stateBackend.bucket, region: "eu-west-1" };
    });
    expect(crossEnvironmentProblems([dev, otherRegion])).toEqual([expect.stringMatching(/declare state bucket .* in regions us-east-1 and eu-west-1/)]);
    // Same bucket, same account and region, own keys: one bootstrap stack serves both.
    const sharing = env("staging", (c) => {
      moveTo(c, dev.aws.accountId);
      c.stateBackend.bucket = dev.stateBackend.bucket;
    });
    expect(crossEnvironmentProblems([dev, sharing])).toEqual([]);
  });

  it("rejects two environments declaring one partner bus (account + region + suffix), pinned orgs or not", () => {
    const sameBus = (c: EnvironmentConfigInput) => {
      moveTo(c, dev.aws.accountId);
      c.integration.eventSourceSuffix = dev.integration.eventSourceSuffix;
    };
    expect(crossEnvironmentProblems([dev, env("staging", sameBus)])).toEqual([
      expect.stringMatching(new RegExp(`${BOTH.source} both declare the partner bus aws\\.partner/genesys\\.com/cloud/<org>/genesys-eventbridge-dev in account 111111111111, region us-east-1`)),
    ]);
    // Different orgs still collide in one account and region: each pipeline role is scoped to cloud/*/<suffix>.
    const pinned = (org: string) => (c: EnvironmentConfigInput) => (sameBus(c), (c.genesys.organizationId = org));
    const devA = env("dev", (c) => (c.genesys.organizationId = ORG_A));
    expect(crossEnvironmentProblems([devA, env("staging", pinned(ORG_B))])).toHaveLength(1);
    expect(crossEnvironmentProblems([devA, env("staging", pinned(ORG_A))])).toHaveLength(1);
  });

  it("rejects one suffix in two accounts or regions when the environments may share a Genesys org (source names are global)", () => {
    const elsewhere = (org?: string) =>
      env("staging", (c) => {
        moveTo(c, dev.aws.accountId, "eu-west-1");
        c.integration.eventSourceSuffix = dev.integration.eventSourceSuffix;
        if (org) c.genesys.organizationId = org;
      });
    expect(crossEnvironmentProblems([dev, elsewhere()])).toEqual([
      expect.stringMatching(new RegExp(`${BOTH.source} both use event source suffix "genesys-eventbridge-dev" and may share a Genesys organization`)),
    ]);
    const devA = env("dev", (c) => (c.genesys.organizationId = ORG_A));
    expect(crossEnvironmentProblems([devA, elsewhere(ORG_A)])).toHaveLength(1);
    expect(crossEnvironmentProblems([devA, elsewhere(ORG_B)])).toEqual([]);
  });

  it("rejects a suffix that is a prefix of another's in one account and region (the lookup is by name prefix)", () => {
    const dev2 = (region: string) =>
      env("staging", (c) => {
        moveTo(c, dev.aws.accountId, region as "us-east-1");
        c.integration.eventSourceSuffix = `${dev.integration.eventSourceSuffix}2`;
      });
    expect(crossEnvironmentProblems([dev, dev2("us-east-1")])).toEqual([
      expect.stringMatching(new RegExp(`${BOTH.source} use event source suffixes "genesys-eventbridge-dev" and "genesys-eventbridge-dev2" in account 111111111111, region us-east-1: the partner-source lookup`)),
    ]);
    expect(crossEnvironmentProblems([dev, dev2("us-west-2")])).toEqual([]);
  });

  it("rejects, in one account, a name prefix that starts another's, whichever their buckets (attacker review)", () => {
    const devEu = (accountId: string, bucket: string) =>
      ({ ...dev, name: "dev-eu", aws: { ...dev.aws, accountId }, stateBackend: { ...dev.stateBackend, bucket, key: "genesys-eventbridge/dev-eu.tfstate" }, integration: { ...dev.integration, eventSourceSuffix: "genesys-eventbridge-eu" } }) as unknown as EnvironmentConfig;
    expect(crossEnvironmentProblems([dev, devEu(dev.aws.accountId, "another-bucket")])).toEqual(
      expect.arrayContaining([expect.stringMatching(/"dev" .* and "dev-eu" .* are both in account 111111111111 with name prefixes "genesys-dev-" and "genesys-dev-eu-", .*\("genesys-dev-\*"\) would reach the other's resources and roles/)]),
    );
    expect(crossEnvironmentProblems([dev, devEu("222222222222", "another-bucket")]).filter((p) => /name prefixes/.test(p))).toEqual([]);
    // Not a prefix of each other: env1 and env10.
    const named = (name: string) => ({ ...dev, name, stateBackend: { ...dev.stateBackend, key: `${name}.tfstate` } }) as unknown as EnvironmentConfig;
    expect(crossEnvironmentProblems([named("env1"), named("env10")]).filter((p) => /name prefixes/.test(p))).toEqual([]);
  });

  it("counts the Logs resource policies (one per environment, from its bootstrap stack) of an account and region against the 10 allowed", () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => ({ ...dev, name: `env${i}` }) as unknown as EnvironmentConfig);
    expect(crossEnvironmentProblems(many(10))).toEqual(expect.not.arrayContaining([expect.stringMatching(/Logs resource policy/)]));
    expect(crossEnvironmentProblems(many(11))).toEqual(
      expect.arrayContaining([expect.stringMatching(/"env0" \(environments\/env0\.ts\), .*"env10" .* each need a CloudWatch Logs resource policy in account 111111111111, region us-east-1 \(the bootstrap stack creates one per environment\), over the 10/)]),
    );
    // An environment without log-group targets has its policy too (adding a log target later needs no bootstrap apply).
    const noLogs = { ...dev, name: "env10", rules: dev.rules.map((r) => ({ ...r, targets: r.targets.filter((t) => t.type !== "cloudwatch-logs") })) } as unknown as EnvironmentConfig;
    expect(noLogs.rules.some((r) => r.targets.some((t) => t.type === "cloudwatch-logs"))).toBe(false);
    expect(crossEnvironmentProblems([...many(10), noLogs])).toEqual(expect.arrayContaining([expect.stringMatching(/each need a CloudWatch Logs resource policy/)]));
  });

  it("rejects one Lambda function or existing stream targeted by two environments (attacker review)", () => {
    const shared = env("staging", (c) => {
      moveTo(c, dev.aws.accountId);
      c.rules = exampleRules(dev.aws.accountId, dev.aws.region);
    });
    expect(crossEnvironmentProblems([dev, shared])).toEqual([
      expect.stringMatching(new RegExp(`${BOTH.source} both target arn:aws:lambda:us-east-1:111111111111:function:genesys-presence-handler: each environment's pipeline role`)),
    ]);
  });

  it("runs in loadAllEnvironments, so synth fails before any stack is built", () => {
    const original = structuredClone(stagingInput.integration);
    const originalAws = structuredClone(stagingInput.aws);
    const originalRules = stagingInput.rules;
    moveTo(stagingInput, devInput.aws.accountId);
    stagingInput.integration.eventSourceSuffix = devInput.integration.eventSourceSuffix;
    try {
      expect(() => loadAllEnvironments()).toThrow(CrossEnvironmentError);
      const app = Testing.app();
      expect(() => buildApp(app)).toThrow(/Environments collide:\n {2}- environments "dev" \(environments\/dev\.ts\) and "staging" \(environments\/staging\.ts\) both declare the partner bus/);
      expect(app.node.children).toHaveLength(0);
    } finally {
      Object.assign(stagingInput.integration, original);
      stagingInput.aws = originalAws;
      stagingInput.rules = originalRules;
    }
    expect(() => checkAcrossEnvironments(loadAllEnvironments())).not.toThrow();
  });
});

describe("unique resource names", () => {
  it("rejects two targets whose joined rule-target names are equal", () => {
    const input = structuredClone(devInput);
    input.rules = [
      { name: "a-b", topics: ["v2.users.{id}.presence"], targets: [{ type: "sqs", name: "c" }] },
      { name: "a", topics: ["v2.users.{id}.presence"], targets: [{ type: "sns", name: "b-c" }] },
    ];
    input.canary = undefined;
    expect(() => validateEnvironment("dev", input)).toThrow(/rules\[1\]\.targets\[0\]\.name: "b-c" names its resources "a-b-c" like target "c" of rule "a-b"/);
  });

  it("finds two resources of one environment with one AWS name (a queue named like another target's dead-letter queue)", () => {
    const config = env("dev", (c) => {
      const conversations = c.rules.find((r) => r.name === "conversations");
      conversations?.targets.push({ type: "sqs", name: "crm-sync-dlq" });
    });
    const stacks = buildEnvironmentStacks(Testing.app(), [config]);
    expect(resourceNameCollisions(stacks)).toEqual([
      expect.stringMatching(/^environment "dev" \(environments\/dev\.ts\): aws_sqs_queue "genesys-dev-conversations-crm-sync-dlq" is declared twice \(dev\/rule-conversations\/crm-sync\/dlq\/queue and dev\/rule-conversations\/crm-sync-dlq\/queue\)/),
    ]);
  });

  it("runs in buildApp, after the stacks are built and before anything is synthesized", () => {
    const conversations = devInput.rules.find((r) => r.name === "conversations");
    conversations?.targets.push({ type: "sqs", name: "crm-sync-dlq" });
    try {
      expect(() => buildApp(Testing.app())).toThrow(/^Resource names collide:\n {2}- environment "dev" \(environments\/dev\.ts\): aws_sqs_queue "genesys-dev-conversations-crm-sync-dlq" is declared twice/);
    } finally {
      conversations?.targets.pop();
    }
  });

  it("finds none when the three committed environments share one account and region (names carry the environment)", () => {
    const together = (["dev", "staging", "prod"] as const).map((name) =>
      env(name, (c) => moveTo(c, devInput.aws.accountId)),
    );
    const stacks = buildEnvironmentStacks(Testing.app(), together);
    expect(resourceNameCollisions(stacks)).toEqual([]);
    // …and the check sees every named resource of both scopes: here the same stack twice collides everywhere.
    const twice = [...stacks, ...buildEnvironmentStacks(Testing.app(), [together[0]])];
    const collisions = resourceNameCollisions(twice);
    for (const type of ["aws_iam_role", "aws_sqs_queue", "aws_cloudwatch_log_group", "aws_kms_alias", "aws_secretsmanager_secret", "aws_cloudwatch_metric_alarm"]) {
      expect(collisions.some((c) => c.includes(`: ${type} "`))).toBe(true);
    }
  });
});
