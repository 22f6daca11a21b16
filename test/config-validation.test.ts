import { EnvironmentConfigInput, loadAllEnvironments, loadEnvironment, validateEnvironment } from "../environments";
import { config as dev } from "../environments/dev";
import { buildApp } from "../main";
import { Testing } from "cdktf";
import { rejectionOf } from "./support/config-errors";

const invalid = rejectionOf;

describe("environment configuration", () => {
  it("accepts the committed example configuration of every environment", () => {
    expect(loadAllEnvironments().map((e) => e.name)).toEqual(["dev", "staging", "prod"]);
  });

  it("names the environment and file in every error", () => {
    expect(invalid((c) => (c.aws.accountId = "12345"))).toMatch(/^Invalid configuration for environment "dev" \(environments\/dev\.ts\):/);
  });

  it.each([
    ["an account id that is not 12 digits", (c: EnvironmentConfigInput) => (c.aws.accountId = "11111111111"), /aws\.accountId: "11111111111" must be a 12-digit AWS account id/],
    ["a state KMS key that is not a KMS key ARN", (c: EnvironmentConfigInput) => (c.stateBackend.kmsKeyId = "alias/state"), /stateBackend\.kmsKeyId: "alias\/state" must be an AWS kms ARN \(arn:aws:kms:<region>:<account id>:…\)/],
    ["a state KMS key given as an alias ARN", (c: EnvironmentConfigInput) => (c.stateBackend.kmsKeyId = "arn:aws:kms:us-east-1:111111111111:alias/state"), /stateBackend\.kmsKeyId: .* must be a KMS key ARN \(…:key\/<key id>\), not an alias ARN/],
    ["an account id with letters", (c: EnvironmentConfigInput) => (c.aws.accountId = "11111111111x"), /aws\.accountId: "11111111111x" must be a 12-digit/],
    [
      "an unknown AWS region",
      (c: EnvironmentConfigInput) => ((c.aws as { region: string }).region = "us-easr-1"),
      /aws\.region: "us-easr-1" is not allowed; did you mean "us-east-1"\? \(allowed: us-east-1, .*eu-west-1/,
    ],
    [
      "an unknown Genesys region",
      (c: EnvironmentConfigInput) => (c.genesys.region = "mars-1"),
      /genesys\.region: "mars-1" is not allowed \(allowed: dca, tca, us-east-1, .*eusc-de-east-1\)/,
    ],
    [
      "a suffix over 64 characters",
      (c: EnvironmentConfigInput) => (c.integration.eventSourceSuffix = "x".repeat(65)),
      /integration\.eventSourceSuffix: "x{65}" must be 1-64 characters of letters, digits, '\.', '-' and '_'/,
    ],
    [
      "a suffix with a character outside [A-Za-z0-9._-]",
      (c: EnvironmentConfigInput) => (c.integration.eventSourceSuffix = "genesys/dev"),
      /integration\.eventSourceSuffix: "genesys\/dev" must be 1-64 characters/,
    ],
    [
      "duplicate rule names",
      (c: EnvironmentConfigInput) => (c.rules[1].name = c.rules[0].name),
      /rules\[1\]\.name: "audit-log" is used by another rule; rule names must be unique/,
    ],
    [
      "duplicate service (client) names",
      (c: EnvironmentConfigInput) => (c.services = [c.services![0], { ...c.services![1], name: c.services![0].name }]),
      /services\[1\]\.name: "rotation" is used by another service/,
    ],
    [
      "a rule topic that is not in the topic filters",
      (c: EnvironmentConfigInput) => (c.integration.topicFilters = c.integration.topicFilters.filter((t) => t !== "v2.users.{id}.presence")),
      /rules\[2\]\.topics\[0\]: "v2\.users\.\{id\}\.presence" is not in integration\.topicFilters, so Genesys never sends it/,
    ],
    [
      "an empty target list",
      (c: EnvironmentConfigInput) => (c.rules[0].targets = []),
      /rules\[0\]\.targets: \[\] must have at least one target/,
    ],
    [
      "a misspelled topic filter (with the closest known topic)",
      (c: EnvironmentConfigInput) => (c.integration.topicFilters[3] = "v2.users.{id}.presense"),
      /integration\.topicFilters\[3\]: "v2\.users\.\{id\}\.presense" is not a known Genesys topic that EventBridge can carry; did you mean "v2\.users\.\{id\}\.presence"\?/,
    ],
    [
      "a topic filter with a concrete id instead of {id}",
      (c: EnvironmentConfigInput) => (c.integration.topicFilters[3] = "v2.users.278522be-1683-4877-8257-4164a177be89.presence"),
      /did you mean "v2\.users\.\{id\}\.presence"\?/,
    ],
    [
      "a topic that is nothing like a known one",
      (c: EnvironmentConfigInput) => (c.integration.topicFilters[3] = "completely.unrelated"),
      /"completely\.unrelated" is not a known Genesys topic that EventBridge can carry \(topics are templates/,
    ],
    [
      "a rule with both topics and a raw pattern",
      (c: EnvironmentConfigInput) => (c.rules[0].eventPattern = { source: ["x"] }),
      /rules\[0\]: "audit-log" must set exactly one of `topics` or `eventPattern`/,
    ],
    [
      "an unknown target type",
      (c: EnvironmentConfigInput) => ((c.rules[0].targets[0] as { type: string }).type = "email"),
      /rules\[0\]\.targets\[0\]\.type: "email" is not allowed \(allowed: cloudwatch-logs, sqs, lambda, kinesis, sns, firehose\)/,
    ],
    [
      "a canary pointing at a Lambda target",
      (c: EnvironmentConfigInput) => (c.canary = { rule: "presence", target: "workforce" }),
      /canary\.target: "workforce" is a lambda target; the canary can watch only cloudwatch-logs or sqs targets/,
    ],
    [
      "an unknown field (typo)",
      (c: EnvironmentConfigInput) => ((c as Record<string, unknown>).protectFromDestory = true),
      /\(root\): .*protectFromDestory/,
    ],
  ])("rejects %s", (_case, change, expected) => {
    expect(invalid(change)).toMatch(expected);
  });

  it("rejects a file whose name field is another environment", () => {
    expect(() => validateEnvironment("staging", dev)).toThrow(/name: "dev" must be "staging"/);
  });

  it("rejects an unknown environment name", () => {
    expect(() => loadEnvironment("qa")).toThrow('Unknown environment "qa": expected one of dev, staging, prod.');
  });

  it("fails synth before any stack is built when a configuration is invalid", () => {
    const original = dev.aws.accountId;
    dev.aws.accountId = "123";
    try {
      const app = Testing.app();
      expect(() => buildApp(app)).toThrow(/environment "dev".*\n.*aws\.accountId: "123"/);
      expect(app.node.children).toHaveLength(0);
    } finally {
      dev.aws.accountId = original;
    }
  });
});
