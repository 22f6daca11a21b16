/**
 * What used to fail only at `terraform apply` now fails at synth (issue #12): raw event patterns (item 4), quotas
 * (item 5), partitions (item 6), targets in another account or region (item 7), the environment key on streams and
 * dead-letter queues (item 8), `required_version` (item 9).
 */
import { Testing, TerraformStack } from "cdktf";
import { EnvironmentConfigInput, validateEnvironment } from "../environments";
import { config as devInput } from "../environments/dev";
import { buildApp } from "../main";
import { EncryptionKey } from "../modules/encryption-key";
import { topicPattern } from "../modules/event-pattern";
import { GenesysEventRule } from "../modules/rule";
import { EventBridgeLogDeliveryPolicy, LogGroupTarget, SnsTopicTarget } from "../modules/targets";
import { TERRAFORM_REQUIRED_VERSION } from "../stacks/environment-stack";
import { BootstrapStack } from "../stacks/bootstrap-stack";
import { rejectionOf } from "./support/config-errors";
import { Block, policyOf, resources, synthWith } from "./support/synth";

const problems = rejectionOf;

const rawRule = (eventPattern: Record<string, unknown>) => (c: EnvironmentConfigInput) => {
  c.rules[4] = { ...c.rules[4], eventPattern };
};

describe("raw event patterns are validated at synth, naming the path inside the pattern (item 4)", () => {
  it.each([
    [{ source: "aws.partner/genesys.com" }, /rules\[4\]\.eventPattern\.source: must be a list of values \(e\.g\. \["aws\.partner\/genesys\.com"\]\)/],
    [{ detail: { x: [{ prefx: "a" }] } }, /rules\[4\]\.eventPattern\.detail\.x\[0\]: .*prefx/],
    [{ source: [{ prefix: 5 }] }, /rules\[4\]\.eventPattern\.source\[0\]/],
    [{ "detail-type": [] }, /rules\[4\]\.eventPattern\.detail-type: an empty list matches nothing/],
    [{ source: ["x".repeat(2100)] }, /rules\[4\]\.eventPattern: is 2\d{3} characters long; EventBridge allows 2048/],
  ])("rejects %j", (pattern, expected) => {
    expect(problems(rawRule(pattern))).toMatch(expected);
  });

  it("accepts the documented operators and $or", () => {
    const input = structuredClone(devInput);
    rawRule({
      source: [{ prefix: "aws.partner/genesys.com" }],
      detail: { eventBody: { $or: [{ action: [{ "anything-but": ["Read"] }] }, { entityType: [{ "equals-ignore-case": "oauthclient" }] }] } },
    })(input);
    expect(() => validateEnvironment("dev", input)).not.toThrow();
  });

  it("checks topic patterns with the same validator (a construct fed a bad pattern fails)", () => {
    const stack = new TerraformStack(Testing.app(), "t");
    expect(
      () =>
        new GenesysEventRule(stack, "r", {
          ruleName: "genesys-dev-x",
          eventBusName: "bus",
          eventPattern: { source: "aws.partner/genesys.com" },
          targets: [new SnsTopicTarget({ name: "a" })],
          retry: { maximumRetryAttempts: 1, maximumEventAgeSeconds: 60 },
          accountId: "111111111111",
          region: "us-east-1",
          keyArn: "arn:aws:kms:us-east-1:111111111111:key/k",
        }),
    ).toThrow(/EventBridge would reject the event pattern:\n {2}- source: must be a list/);
  });
});

describe("quotas known at synth (item 5)", () => {
  const sixTargets = Array.from({ length: 6 }, (_, i) => ({ type: "sns" as const, name: `t${i}` }));

  it("rejects a rule with 6 targets (EventBridge allows 5), in the configuration and in the construct", () => {
    expect(problems((c) => (c.rules[4].targets = sixTargets))).toMatch(/rules\[4\]\.targets: .* must have at most 5 targets \(EventBridge's limit per rule\)/);
    const stack = new TerraformStack(Testing.app(), "t");
    expect(
      () =>
        new GenesysEventRule(stack, "r", {
          ruleName: "genesys-dev-x",
          eventBusName: "bus",
          eventPattern: topicPattern(["v2.users.{id}.presence"]),
          targets: sixTargets.map((t) => new SnsTopicTarget(t)),
          retry: { maximumRetryAttempts: 1, maximumEventAgeSeconds: 60 },
          accountId: "111111111111",
          region: "us-east-1",
          keyArn: "arn:aws:kms:us-east-1:111111111111:key/k",
        }),
    ).toThrow(/6 targets, over EventBridge's 5 per rule/);
  });

  it("rejects names over AWS's lengths in the configuration, naming the field (SQS queue 80, IAM role 64)", () => {
    const long = (type: "sqs" | "kinesis") => (c: EnvironmentConfigInput) => {
      c.rules[1] = { ...c.rules[1], name: "r".repeat(32), targets: [{ type, name: "t".repeat(type === "sqs" ? 32 : 20) }] };
    };
    expect(problems(long("sqs"))).toMatch(/rules\[1\]\.targets\[0\]\.name: "t{32}" makes the dead-letter queue \(SQS\) name "genesys-dev-r{32}-t{32}-dlq" 81 characters, over the 80 AWS allows/);
    expect(problems(long("kinesis"))).toMatch(/makes the delivery role \(IAM\) name "genesys-dev-r{32}-t{20}-delivery" 74 characters, over the 64 AWS allows/);
  });

  it("writes no CloudWatch Logs resource policy for 11 log-group targets (10 allowed per account and region): the bootstrap stack's one covers them", () => {
    const s = synthWith("dev", (c) => {
      const logTargets = (rule: string, n: number) => ({
        name: rule,
        topics: ["v2.users.{id}.presence"],
        targets: Array.from({ length: n }, (_, i) => ({ type: "cloudwatch-logs" as const, name: `logs-${i}` })),
      });
      return { ...c, rules: [...c.rules, logTargets("logs-a", 5), logTargets("logs-b", 5)] };
    });
    const groups = Object.values(resources(s, "aws_cloudwatch_log_group")).map((g) => String(g.name));
    expect(groups).toHaveLength(11);
    expect(resources(s, "aws_cloudwatch_log_resource_policy")).toEqual({});
    // Every group is under the prefix the bootstrap's EnvironmentLogDeliveryPolicy grants (test/bootstrap-iam.test.ts).
    expect(groups.filter((g) => !g.startsWith("/aws/events/genesys/genesys-dev-"))).toEqual([]);
  });

  it("refuses a Logs resource policy over 5120 characters once its rule ARNs are resolved", () => {
    const stack = new TerraformStack(Testing.app(), "t");
    const policy = new EventBridgeLogDeliveryPolicy(stack, "p", { policyName: "genesys-dev-eventbridge-logs" });
    // Literal rule ARNs of a realistic length, so the synthesized document is exactly what AWS would measure.
    const ruleArn = (i: number) => `arn:aws:events:us-east-1:111111111111:rule/aws.partner/genesys.com/cloud/0b1e6c9e-5d0a-4c44-9a57-7f3e2d1c0b9a/genesys-eventbridge-dev/genesys-dev-rule-${i}`;
    const add = (i: number) => policy.allow(`arn:aws:logs:us-east-1:111111111111:log-group:/aws/events/genesys/genesys-dev-rule-${i}-target`, ruleArn(i), ruleArn(i).length);
    let added = 0;
    let message = "";
    try {
      for (; added < 30; added++) add(added);
    } catch (err) {
      message = (err as Error).message;
    }
    const [, rules, length] = message.match(/"genesys-dev-eventbridge-logs": the log-group targets of (\d+) rules make a (\d+)-character policy, over CloudWatch Logs' 5120/) ?? [];
    expect([Number(rules), Number(length) > 5120]).toEqual([added + 1, true]);
    expect(policy.statementCount).toBe(added);
    const [written] = Object.values((JSON.parse(Testing.synth(stack)) as { resource: Record<string, Record<string, Block>> }).resource.aws_cloudwatch_log_resource_policy);
    expect(String(written.policy_document).length).toBe(policy.resolvedLength);
    expect(policy.resolvedLength).toBeLessThanOrEqual(5120);
    expect(policy.resolvedLength).toBeGreaterThan(5120 - 600);
  });
});

describe("ARNs are built from the partition of the region (item 6)", () => {
  // One whole environment in GovCloud; every partition (aws included) per construct in the next test.
  it.each([["us-gov-west-1", "aws-us-gov"]])("synthesizes a whole environment in %s with %s ARNs only", (region, partition) => {
    const s = synthWith("dev", (c) => ({
      ...c,
      aws: { ...c.aws, region: region as "us-east-1" },
      rules: c.rules.map((r) =>
        r.name === "presence"
          ? { ...r, targets: [{ type: "lambda" as const, name: "workforce", functionArn: `arn:${partition}:lambda:${region}:${c.aws.accountId}:function:f` }] }
          : r,
      ),
    }));
    const arns = s.json.match(/arn:[a-z-]+:/g) ?? [];
    expect(arns.length).toBeGreaterThan(3);
    expect(new Set(arns)).toEqual(new Set([`arn:${partition}:`]));
    const [key] = Object.values(resources(s, "aws_kms_key"));
    const statements = policyOf(key, "policy").Statement;
    expect(statements[0].Principal).toEqual({ AWS: `arn:${partition}:iam::${s.config.aws.accountId}:root` });
    expect(statements[2].Principal).toEqual({ Service: `logs.${region}.amazonaws.com` });
  });

  it.each([
    ["cn-north-1", "aws-cn", "amazonaws.com.cn"],
    ["us-gov-east-1", "aws-us-gov", "amazonaws.com"],
    ["eu-west-1", "aws", "amazonaws.com"],
  ])("builds the key policy and the Logs policy in %s with partition %s", (region, partition, dns) => {
    const stack = new TerraformStack(Testing.app(), "t");
    const key = new EncryptionKey(stack, "k", { alias: "genesys-eventbridge-dev", accountId: "111111111111", region });
    new GenesysEventRule(stack, "r", {
      ruleName: "genesys-dev-audit",
      eventBusName: "bus",
      eventPattern: topicPattern(["v2.users.{id}.presence"]),
      targets: [new LogGroupTarget({ name: "audit", retentionDays: 30 })],
      retry: { maximumRetryAttempts: 1, maximumEventAgeSeconds: 60 },
      accountId: "111111111111",
      region,
      keyArn: key.keyArn,
    });
    const parsed = JSON.parse(Testing.synth(stack)) as { resource: Record<string, Record<string, Block>> };
    const [kmsKey] = Object.values(parsed.resource.aws_kms_key);
    const keyStatements = policyOf(kmsKey, "policy").Statement;
    expect(keyStatements[0].Principal).toEqual({ AWS: `arn:${partition}:iam::111111111111:root` });
    expect(keyStatements[1].Principal).toEqual({ Service: ["events.amazonaws.com", "cloudwatch.amazonaws.com"] });
    expect(keyStatements[2].Principal).toEqual({ Service: `logs.${region}.${dns}` });
    expect(JSON.stringify(keyStatements[2].Condition)).toContain(`arn:${partition}:logs:${region}:111111111111:log-group:*`);
    const [logPolicy] = Object.values(parsed.resource.aws_cloudwatch_log_resource_policy);
    expect(policyOf(logPolicy, "policy_document").Statement[0].Resource).toEqual([
      `arn:${partition}:logs:${region}:111111111111:log-group:/aws/events/genesys/genesys-dev-audit-audit:*`,
    ]);
  });
});

describe("targets in another account, region or partition are refused (item 7)", () => {
  const target = (t: Record<string, unknown>) => (c: EnvironmentConfigInput) => {
    c.rules[2].targets = [t as never];
  };
  it.each([
    ["a Lambda function in another account", { type: "lambda", name: "x", functionArn: "arn:aws:lambda:us-east-1:999999999999:function:f" }, /rules\[2\]\.targets\[0\]\.functionArn: "arn:aws:lambda:us-east-1:999999999999:function:f" is in account 999999999999, not the environment's account 111111111111 and region us-east-1: cross-account and cross-region targets need different permissions/],
    ["a Kinesis stream in another region", { type: "kinesis", name: "x", streamArn: "arn:aws:kinesis:eu-west-1:111111111111:stream/s" }, /rules\[2\]\.targets\[0\]\.streamArn: .* is in region eu-west-1/],
    ["a Firehose stream in another partition", { type: "firehose", name: "x", deliveryStreamArn: "arn:aws-us-gov:firehose:us-east-1:111111111111:deliverystream/d" }, /deliveryStreamArn: .* is in partition aws-us-gov \(the environment's region us-east-1 is in aws\)/],
  ])("%s", (_case, t, expected) => {
    expect(problems(target(t))).toMatch(expected);
  });
});

describe("the environment's KMS key protects created streams and dead-letter queues (item 8)", () => {
  it("encrypts the created Kinesis stream with it and lets only the stream's delivery role generate data keys", () => {
    const s = synthWith("dev", (c) => c);
    const [keyName] = Object.keys(resources(s, "aws_kms_key"));
    const keyArn = `\${aws_kms_key.${keyName}.arn}`;
    const [stream] = Object.values(resources(s, "aws_kinesis_stream"));
    expect(stream).toMatchObject({ encryption_type: "KMS", kms_key_id: keyArn });
    const [role] = Object.values(resources(s, "aws_iam_role"));
    const statements = policyOf((role.inline_policy as Block[])[0]).Statement;
    expect(statements).toEqual([
      expect.objectContaining({ Action: ["kinesis:PutRecord", "kinesis:PutRecords"] }),
      { Effect: "Allow", Action: "kms:GenerateDataKey", Resource: keyArn },
    ]);
    for (const queue of Object.values(resources(s, "aws_sqs_queue")).filter((q) => String(q.name).endsWith("-dlq"))) {
      expect(queue.kms_master_key_id).toBe(keyArn);
    }
    // EventBridge may use the key to send to the encrypted queues (SQS: GenerateDataKey and Decrypt).
    const keyPolicy = policyOf(resources(s, "aws_kms_key")[keyName], "policy").Statement;
    expect(keyPolicy).toContainEqual(
      expect.objectContaining({ Principal: { Service: ["events.amazonaws.com", "cloudwatch.amazonaws.com"] }, Action: ["kms:Decrypt", "kms:GenerateDataKey*"] }),
    );
  });
});

describe("required_version (item 9)", () => {
  it("is set in every stack of the app, environment and bootstrap", () => {
    const app = buildApp(Testing.app());
    const stacks = app.node.children.filter((c): c is TerraformStack => c instanceof TerraformStack);
    expect(stacks.filter((s) => s instanceof BootstrapStack).length).toBeGreaterThan(0);
    expect(stacks.length).toBeGreaterThan(3);
    for (const stack of stacks) {
      const terraform = (stack.toTerraform() as { terraform: Block }).terraform;
      expect([stack.node.id, terraform.required_version]).toEqual([stack.node.id, TERRAFORM_REQUIRED_VERSION]);
    }
    expect(TERRAFORM_REQUIRED_VERSION).toBe(">= 1.10.0");
  });
});
