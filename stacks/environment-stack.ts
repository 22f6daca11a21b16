import { Construct } from "constructs";
import { S3Backend, TerraformOutput, TerraformStack, Token } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { useReadableLogicalIds } from "./logical-ids";
import { forgetRemovedResources } from "./removed-resources";
import { DataGenesyscloudOrganizationsMe } from "../.gen/providers/genesyscloud/data-genesyscloud-organizations-me";
import { GenesyscloudProvider } from "../.gen/providers/genesyscloud/provider";
import type { EnvironmentConfig, TargetConfig } from "../environments/schema";
import { DeliveryAlarms } from "../modules/alarms";
import { EventArchive } from "../modules/archive";
import { EncryptionKey } from "../modules/encryption-key";
import { GenesysPartnerEventBus } from "../modules/event-bus";
import { topicPattern } from "../modules/event-pattern";
import { GenesysCanary } from "../modules/genesys/canary";
import { GenesysEventBridgeIntegration } from "../modules/genesys/eventbridge-integration";
import { GenesysServiceClient } from "../modules/genesys/service-client";
import { GenesysEventRule } from "../modules/rule";
import {
  FirehoseTarget,
  IRuleTarget,
  KinesisStreamTarget,
  LambdaFunctionTarget,
  LogGroupTarget,
  SnsTopicTarget,
  SqsQueueTarget,
} from "../modules/targets";
import { defaultStateKey, PROJECT, resourcePrefix } from "../environments/defaults";

// These names live with the configuration (its checks need them); re-exported for the stacks and tests.
export { defaultStateKey, PROJECT, resourcePrefix };

/**
 * Provider pins written to `required_providers`. The generated bindings would pin the exact versions they were
 * built from; a `~>` constraint lets patch and minor releases in while `.terraform.lock.hcl` records the pick.
 */
export const PROVIDER_PINS = {
  aws: { source: "hashicorp/aws", version: "~> 6.25" },
  genesyscloud: { source: "mypurecloud/genesyscloud", version: "~> 1.84" },
} as const;

/**
 * `terraform.required_version` of every stack (environment and bootstrap): the S3 backend's `use_lockfile` (S3-native
 * state locking) exists from Terraform 1.10 on; older versions would reject the backend block. `.terraform-version`
 * pins the version CI uses (1.12.x), which satisfies it.
 */
export const TERRAFORM_REQUIRED_VERSION = ">= 1.10.0";

/**
 * One environment of the integration: Genesys integration, roles and OAuth clients on one side; on the AWS side
 * the partner bus, rules with targets, dead-letter queues and alarms, an archive and the service secrets.
 * The stack is named after the environment (`cdktf.out/stacks/<env>`).
 */
export class EnvironmentStack extends TerraformStack {
  constructor(scope: Construct, readonly config: EnvironmentConfig) {
    super(scope, config.name);
    useReadableLogicalIds(this); // addresses from configured names, no hash (stacks/logical-ids.ts)
    const env = config.name;
    const prefix = resourcePrefix(env);
    const protect = config.protectFromDestroy;

    new S3Backend(this, {
      bucket: config.stateBackend.bucket,
      key: config.stateBackend.key ?? defaultStateKey(env),
      region: config.stateBackend.region,
      encrypt: true,
      kmsKeyId: config.stateBackend.kmsKeyId,
    });
    // S3-native state locking (Terraform >= 1.10); cdktf 0.21's S3Backend has no field for it.
    this.addOverride("terraform.backend.s3.use_lockfile", true);
    this.addOverride("terraform.required_version", TERRAFORM_REQUIRED_VERSION);

    new AwsProvider(this, "aws", {
      region: config.aws.region,
      allowedAccountIds: [config.aws.accountId],
      defaultTags: [{ tags: { ...config.tags, project: PROJECT, environment: env, "managed-by": "cdktf" } }],
    });
    // Credentials come only from GENESYSCLOUD_OAUTHCLIENT_ID / GENESYSCLOUD_OAUTHCLIENT_SECRET in the environment.
    new GenesyscloudProvider(this, "genesyscloud", { awsRegion: config.genesys.region });
    for (const [name, pin] of Object.entries(PROVIDER_PINS)) {
      this.addOverride(`terraform.required_providers.${name}`, pin);
    }

    const key = new EncryptionKey(this, "key", {
      alias: `${PROJECT}-${env}`,
      accountId: config.aws.accountId,
      region: config.aws.region,
      preventDestroy: protect,
    });

    const integration = new GenesysEventBridgeIntegration(this, "integration", {
      name: config.integration.name,
      eventSourceSuffix: config.integration.eventSourceSuffix,
      awsAccountId: config.aws.accountId,
      awsRegion: config.aws.region,
      topicFilters: config.integration.topicFilters,
      preventDestroy: protect,
    });

    const organizationId = config.genesys.organizationId ?? new DataGenesyscloudOrganizationsMe(this, "organization").id;
    const bus = new GenesysPartnerEventBus(this, "bus", {
      organizationId,
      eventSourceSuffix: config.integration.eventSourceSuffix,
      sourceCreatedBy: [integration.resource],
      preventDestroy: protect,
    });

    const archive = new EventArchive(this, "archive", {
      archiveName: `${prefix}-events`,
      sourceBusArn: bus.busArn,
      retentionDays: config.archive.retentionDays,
      preventDestroy: protect,
    });

    // Log-group targets write through the bootstrap stack's Logs resource policy of this environment (one per
    // environment; no pipeline role may change Logs resource policies): the former one here is forgotten, not destroyed.
    forgetRemovedResources(this);
    const rules = config.rules.map(
      (rule) =>
        new GenesysEventRule(this, `rule-${rule.name}`, {
          ruleName: `${prefix}-${rule.name}`,
          description: rule.description,
          eventBusName: bus.busName,
          eventBusNameLength: bus.eventSourceNameLength,
          eventPattern: rule.eventPattern ?? topicPattern(rule.topics ?? []),
          enabled: rule.enabled,
          targets: rule.targets.map((target) => targetFor(target, protect)),
          retry: config.retry,
          accountId: config.aws.accountId,
          region: config.aws.region,
          keyArn: key.keyArn,
        }),
    );

    const alarms = new DeliveryAlarms(this, "alarms", {
      namePrefix: prefix,
      accountId: config.aws.accountId,
      keyArn: key.keyArn,
      eventBusName: bus.busName,
      rules,
      deadLetterThreshold: config.alarms.deadLetterThreshold,
      emails: config.alarms.emails,
    });

    // Smoke canary (optional): its own division, role and object; the role is granted to one service in that division only.
    const canary = config.canary ? new GenesysCanary(this, "smoke-canary", { environment: env, trigger: config.canary.trigger, preventDestroy: protect }) : undefined;

    const services = config.services.map(
      (service) =>
        new GenesysServiceClient(this, `service-${service.name}`, {
          serviceName: service.name,
          environment: env,
          description: service.description,
          permissionPolicies: service.permissionPolicies,
          clients: service.clients,
          accessTokenValiditySeconds: service.accessTokenValiditySeconds,
          additionalRoles: canary && config.canary?.service === service.name ? [canary.roleGrant] : [],
          keyArn: key.keyArn,
          preventDestroy: protect,
        }),
    );

    // Outputs: what the scripts (rotation, smoke tests) and operators need, by stable names. No secret values.
    const output = (id: string, value: unknown, description: string) => new TerraformOutput(this, id, { value, description });
    output("environment", env, "Environment name");
    output("aws_account_id", config.aws.accountId, "AWS account of the bus");
    output("aws_region", config.aws.region, "AWS region of the bus");
    output("genesys_region", config.genesys.region, "Genesys Cloud region");
    output("integration_id", integration.integrationId, "Genesys EventBridge integration id");
    output("partner_event_source_name", bus.eventSourceName, "Partner event source that Genesys writes to");
    output("event_bus_name", bus.busName, "Event bus bound to the partner event source");
    output("event_bus_arn", bus.busArn, "Event bus ARN");
    output("archive_name", archive.archiveName, "Archive of the bus (replay)");
    output("archive_arn", archive.archiveArn, "Archive ARN");
    output("alarm_topic_arn", alarms.topicArn, "SNS topic of the delivery alarms");
    output("kms_key_arn", key.keyArn, "KMS key of the environment's secrets, logs, topics, dead-letter queues and created streams");
    output(
      "rules",
      Object.fromEntries(
        rules.map((rule, i) => [
          config.rules[i].name,
          {
            name: rule.ruleName,
            arn: rule.ruleArn,
            targets: Object.fromEntries(
              rule.targets.map((t) => [
                t.name,
                {
                  type: t.type,
                  arn: t.arn,
                  dead_letter_queue_arn: t.deadLetterQueue.queueArn,
                  dead_letter_queue_url: t.deadLetterQueue.queueUrl,
                  ...t.attributes,
                },
              ]),
            ),
          },
        ]),
      ),
      "Rules by configured name: AWS rule name and ARN, and per target its ARN, dead-letter queue and attributes",
    );
    output(
      "services",
      Object.fromEntries(services.map((s, i) => [config.services[i].name, s.outputs()])),
      "Service OAuth clients by name: role id, client ids (a, b), secret ARN and name (never the secret)",
    );
    // A literal null makes cdktf fail ("Cannot convert undefined or null to object"); Token.nullValue() writes null.
    const canaryRoute = config.canary && canary ? { rule: config.canary.rule, target: config.canary.target, service: config.canary.service, ...canary.outputs() } : undefined;
    output("canary", canaryRoute ?? Token.nullValue(), "The smoke tests' canary: route, service, trigger, division, role and the object it changes (null: no canary)");
  }
}

/** One stack per environment, named after it (`cdktf.out/stacks/<env>`). */
export function buildEnvironmentStacks(scope: Construct, environments: EnvironmentConfig[]): EnvironmentStack[] {
  return environments.map((config) => new EnvironmentStack(scope, config));
}

function targetFor(target: TargetConfig, protect: boolean): IRuleTarget {
  const common = { name: target.name, retry: target.retry, deadLetterRetentionDays: target.deadLetterRetentionDays };
  switch (target.type) {
    case "cloudwatch-logs":
      return new LogGroupTarget({ ...common, retentionDays: target.retentionDays, preventDestroy: protect, deliveryPolicy: "external" });
    case "sqs":
      return new SqsQueueTarget({ ...common, messageRetentionSeconds: target.messageRetentionSeconds, preventDestroy: protect });
    case "lambda":
      return new LambdaFunctionTarget({ ...common, functionArn: target.functionArn });
    case "kinesis":
      return new KinesisStreamTarget({ ...common, streamArn: target.streamArn, partitionKeyPath: target.partitionKeyPath, preventDestroy: protect });
    case "sns":
      return new SnsTopicTarget(common);
    case "firehose":
      return new FirehoseTarget({ ...common, deliveryStreamArn: target.deliveryStreamArn });
  }
}
