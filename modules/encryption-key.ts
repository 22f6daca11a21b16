import { Construct } from "constructs";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { dnsSuffixOf, partitionOf } from "../environments/regions";
import { EVENTS_PRINCIPAL, policyDocument } from "./policy";

export interface EncryptionKeyProps {
  /** Alias without the `alias/` prefix, e.g. `genesys-eventbridge-dev`. */
  readonly alias: string;
  readonly accountId: string;
  /** The key's region; its partition (`aws`, `aws-us-gov`, `aws-cn`) is derived from it for every ARN. */
  readonly region: string;
  /** Adds prevent_destroy (a deleted key makes every secret and log it encrypted unreadable). */
  readonly preventDestroy?: boolean;
}

/**
 * The environment's customer-managed KMS key (rotation on). It encrypts the OAuth secrets, the log groups, the SNS
 * topics, every dead-letter queue and the Kinesis streams the stack creates. Its policy:
 * - lets the account administer it and lets IAM policies grant its use (the root statement): the Kinesis delivery
 *   roles get `kms:GenerateDataKey` that way, and consumers reading a DLQ or a created stream need `kms:Decrypt`
 *   in their own IAM policy ("Permissions to use user-generated KMS keys", Kinesis Data Streams Developer Guide,
 *   https://docs.aws.amazon.com/streams/latest/dev/permissions-user-key-KMS.html);
 * - lets EventBridge and CloudWatch alarms (`kms:GenerateDataKey*`, `kms:Decrypt`) write to the encrypted SNS
 *   topics and SQS dead-letter queues of this account: "Configure KMS permissions for AWS services", Amazon SQS
 *   Developer Guide (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html)
 *   names exactly these two actions for a service principal that sends to a queue encrypted with a customer managed
 *   key (EventBridge: `events.amazonaws.com`);
 * - lets CloudWatch Logs encrypt this account's log groups in this region (regional principal `logs.<region>.<dns
 *   suffix>`, encryption context limited to the account's log groups).
 * Service principals per partition: EventBridge and CloudWatch are `<service>.amazonaws.com` in every partition
 * (GovCloud and China included); CloudWatch Logs is regional and partitional, `logs.<region>.<dns suffix>`
 * (`logs.cn-north-1.amazonaws.com.cn` in China). Source: AWS CDK's principal table, aws/aws-cdk
 * packages/aws-cdk-lib/region-info/lib/default.ts ("Service principals are now globally `<SERVICE>.amazonaws.com`",
 * `case 'logs': return regionalPartitional`).
 */
export class EncryptionKey extends Construct {
  readonly keyArn: string;
  readonly keyId: string;

  constructor(scope: Construct, id: string, props: EncryptionKeyProps) {
    super(scope, id);
    if (!/^[a-zA-Z0-9/_-]{1,250}$/.test(props.alias) || props.alias.startsWith("aws/")) {
      throw new Error(`EncryptionKey: alias "${props.alias}" must be 1-250 characters of letters, digits, '/', '_', '-' and must not start with "aws/"`);
    }
    const partition = partitionOf(props.region);
    const key = new KmsKey(this, "key", {
      description: `Encrypts the Genesys EventBridge integration's secrets, logs, topics, dead-letter queues and streams (${props.alias})`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: policyDocument(
        {
          Sid: "AccountAdministers",
          Effect: "Allow",
          Principal: { AWS: `arn:${partition}:iam::${props.accountId}:root` },
          Action: "kms:*",
          Resource: "*",
        },
        {
          Sid: "EventBridgeAndAlarmsWriteToEncryptedTopicsAndQueues",
          Effect: "Allow",
          Principal: { Service: [EVENTS_PRINCIPAL, "cloudwatch.amazonaws.com"] },
          Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
          Resource: "*",
          Condition: { StringEquals: { "aws:SourceAccount": props.accountId } },
        },
        {
          Sid: "CloudWatchLogsEncryptsThisAccountsLogGroups",
          Effect: "Allow",
          Principal: { Service: `logs.${props.region}.${dnsSuffixOf(partition)}` },
          Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
          Resource: "*",
          Condition: {
            ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:${partition}:logs:${props.region}:${props.accountId}:log-group:*` },
          },
        },
      ),
      lifecycle: { preventDestroy: props.preventDestroy ?? false },
    });
    new KmsAlias(this, "alias", { name: `alias/${props.alias}`, targetKeyId: key.keyId });
    this.keyArn = key.arn;
    this.keyId = key.keyId;
  }
}
