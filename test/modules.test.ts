import { Testing, TerraformStack } from "cdktf";
import { EventArchive } from "../modules/archive";
import { EncryptionKey } from "../modules/encryption-key";
import { GenesysPartnerEventBus } from "../modules/event-bus";
import { topicPattern } from "../modules/event-pattern";
import { GenesysEventBridgeIntegration } from "../modules/genesys/eventbridge-integration";
import { GenesysServiceClient } from "../modules/genesys/service-client";
import { GenesysEventRule, GenesysEventRuleProps } from "../modules/rule";
import { FirehoseTarget, KinesisStreamTarget, LambdaFunctionTarget, SnsTopicTarget, SqsQueueTarget } from "../modules/targets";

const stack = () => new TerraformStack(Testing.app(), "test");
const ORG = "0b1e6c9e-5d0a-4c44-9a57-7f3e2d1c0b9a";
const ruleProps = (overrides: Partial<GenesysEventRuleProps> = {}): GenesysEventRuleProps => ({
  ruleName: "genesys-dev-audit",
  eventBusName: "bus",
  eventPattern: topicPattern(["v2.users.{id}.presence"]),
  targets: [new SnsTopicTarget({ name: "alerts" })],
  retry: { maximumRetryAttempts: 185, maximumEventAgeSeconds: 86400 },
  accountId: "111111111111",
  region: "us-east-1",
  keyArn: "arn:aws:kms:us-east-1:111111111111:key/k",
  ...overrides,
});

describe("construct validation names the construct, the bad value and what is allowed", () => {
  it.each([
    ["a rule without targets", () => new GenesysEventRule(stack(), "r", ruleProps({ targets: [] })), /"genesys-dev-audit": at least one target is required/],
    ["a rule name with a slash", () => new GenesysEventRule(stack(), "r", ruleProps({ ruleName: "a/b" })), /ruleName "a\/b" must be 1-64 characters/],
    ["an empty event pattern", () => new GenesysEventRule(stack(), "r", ruleProps({ eventPattern: {} })), /the event pattern must not be empty/],
    [
      "two targets with one name",
      () => new GenesysEventRule(stack(), "r", ruleProps({ targets: [new SnsTopicTarget({ name: "x" }), new SnsTopicTarget({ name: "x" })] })),
      /target name "x" is used twice/,
    ],
    [
      "a retry count over 185",
      () => new GenesysEventRule(stack(), "r", ruleProps({ targets: [new SnsTopicTarget({ name: "x", retry: { maximumRetryAttempts: 186 } })] })),
      /target "x": maximumRetryAttempts 186 must be 0-185/,
    ],
    [
      "an event age under 60 s",
      () => new GenesysEventRule(stack(), "r", ruleProps({ retry: { maximumRetryAttempts: 1, maximumEventAgeSeconds: 59 } })),
      /maximumEventAgeSeconds 59 must be 60-86400/,
    ],
    ["a DLQ name over 80 characters", () => new GenesysEventRule(stack(), "r", ruleProps({ ruleName: "r".repeat(64), targets: [new SnsTopicTarget({ name: "t".repeat(20) })] })), /queueName "r{64}-t{20}-dlq" must be 1-80 characters/],
    [
      "a Kinesis delivery role name over IAM's 64 characters (no silent cut that could collide)",
      () => new GenesysEventRule(stack(), "r", ruleProps({ ruleName: "r".repeat(40), targets: [new KinesisStreamTarget({ name: "t".repeat(20) })] })),
      /delivery role name "r{40}-t{20}-delivery" is 70 characters, over IAM's 64/,
    ],
    ["a Lambda target with a non-Lambda ARN", () => new LambdaFunctionTarget({ name: "l", functionArn: "arn:aws:sqs:us-east-1:111111111111:q" }), /functionArn "arn:aws:sqs:.*" must be a Lambda function ARN/],
    ["a Firehose target with a bad ARN", () => new FirehoseTarget({ name: "f", deliveryStreamArn: "lake" }), /deliveryStreamArn "lake" must be a Firehose delivery stream ARN/],
    ["a Kinesis partition key that is not JSONPath", () => new KinesisStreamTarget({ name: "k", partitionKeyPath: "id" }), /partitionKeyPath "id" must be a JSONPath/],
    ["an SQS retention out of range", () => new SqsQueueTarget({ name: "q", messageRetentionSeconds: 10 }), /messageRetentionSeconds 10 must be 60-1209600/],
    ["a bus suffix with a slash", () => new GenesysPartnerEventBus(stack(), "b", { organizationId: ORG, eventSourceSuffix: "a/b" }), /eventSourceSuffix "a\/b" must be 1-64 characters/],
    ["an organization id that is not a UUID", () => new GenesysPartnerEventBus(stack(), "b", { organizationId: "acme", eventSourceSuffix: "dev" }), /organizationId "acme" must be a Genesys organization id/],
    ["an archive name over 48 characters", () => new EventArchive(stack(), "a", { archiveName: "a".repeat(49), sourceBusArn: "arn", retentionDays: 1 }), /archiveName "a{49}" must be 1-48 characters/],
    ["a negative archive retention", () => new EventArchive(stack(), "a", { archiveName: "a", sourceBusArn: "arn", retentionDays: -1 }), /retentionDays -1 must be a whole number of days/],
    ["a KMS alias in the aws/ namespace", () => new EncryptionKey(stack(), "k", { alias: "aws/genesys", accountId: "111111111111", region: "us-east-1" }), /alias "aws\/genesys" must .* not start with "aws\/"/],
    [
      "an integration for an 11-digit account",
      () => new GenesysEventBridgeIntegration(stack(), "i", { name: "n", eventSourceSuffix: "dev", awsAccountId: "11111111111", awsRegion: "us-east-1", topicFilters: ["t"] }),
      /awsAccountId "11111111111" must be 12 digits/,
    ],
    [
      "a service role with an all-actions wildcard",
      () =>
        new GenesysServiceClient(stack(), "s", {
          serviceName: "rotation",
          environment: "dev",
          permissionPolicies: [{ domain: "oauth", entityName: "*", actionSet: ["*"] }],
          keyArn: "arn:aws:kms:us-east-1:111111111111:key/k",
        }),
      /permission policy oauth:\*:\* is not least privilege/,
    ],
  ])("rejects %s", (_case, build, message) => {
    expect(build).toThrow(message);
  });

  it("accepts a pinned organization id and builds the full partner source name", () => {
    const bus = new GenesysPartnerEventBus(stack(), "b", { organizationId: ORG, eventSourceSuffix: "dev" });
    expect(bus.eventSourceName).toBe(`aws.partner/genesys.com/cloud/${ORG}/dev`);
  });

  it("builds the topic pattern from the Genesys envelope and refuses an empty topic list", () => {
    expect(topicPattern(["v2.users.{id}.presence"])).toEqual({ source: [{ prefix: "aws.partner/genesys.com" }], "detail-type": ["v2.users.{id}.presence"] });
    expect(() => topicPattern([])).toThrow(/at least one topic is required/);
  });
});
