/**
 * AWS quotas that a configuration can break and that are known at synth, each with the documentation page it comes
 * from. Configuration validation (schema.ts, cross-environment.ts) and the constructs (modules/) read them from here.
 */

/**
 * Targets per EventBridge rule: "Each rule can have up to five (5) targets associated with it at one time"
 * (PutTargets, Amazon EventBridge API Reference, https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutTargets.html).
 */
export const MAX_TARGETS_PER_RULE = 5;

/**
 * CloudWatch Logs resource policies per account and region: "An account can have up to 10 resource policies per
 * AWS Region" (PutResourcePolicy, Amazon CloudWatch Logs API Reference,
 * https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutResourcePolicy.html). Each
 * environment uses one, created by its bootstrap stack (EnvironmentLogDeliveryPolicy, modules/targets/log-delivery-policy.ts).
 */
export const MAX_LOGS_RESOURCE_POLICIES_PER_REGION = 10;

/**
 * Characters of one CloudWatch Logs resource policy document: `PolicyDocument` "Maximum: 5120"
 * (AWS::Logs::ResourcePolicy, AWS CloudFormation Template Reference,
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-logs-resourcepolicy.html).
 */
export const MAX_LOGS_RESOURCE_POLICY_CHARS = 5120;

/**
 * SQS queue names: "A queue name can have up to 80 characters" (CreateQueue `QueueName`, Amazon SQS API Reference,
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html). Binding for the
 * dead-letter queues, `<prefix>-<rule>-<target>-dlq`.
 */
export const MAX_SQS_QUEUE_NAME = 80;

/**
 * IAM role names: 64 characters (CreateRole `RoleName`, "Maximum length of 64", IAM API Reference,
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html). Binding for the Kinesis and Firehose
 * delivery roles, `<prefix>-<rule>-<target>-delivery`.
 */
export const MAX_IAM_ROLE_NAME = 64;
