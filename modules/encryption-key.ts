import { Construct } from "constructs";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { policyDocument } from "./policy";

export interface EncryptionKeyProps {
  /** Alias without the `alias/` prefix, e.g. `genesys-eventbridge-dev`. */
  readonly alias: string;
  readonly accountId: string;
  readonly region: string;
  /** Adds prevent_destroy (a deleted key makes every secret and log it encrypted unreadable). */
  readonly preventDestroy?: boolean;
}

/**
 * The environment's customer-managed KMS key (rotation on). It encrypts the OAuth secrets, the log groups and the
 * SNS topics. Its policy lets the account administer it and lets only the AWS services that write encrypted data
 * here use it: EventBridge and CloudWatch alarms (publishing to encrypted topics) and CloudWatch Logs (for log
 * groups of this account and region).
 */
export class EncryptionKey extends Construct {
  readonly keyArn: string;
  readonly keyId: string;

  constructor(scope: Construct, id: string, props: EncryptionKeyProps) {
    super(scope, id);
    if (!/^[a-zA-Z0-9/_-]{1,250}$/.test(props.alias) || props.alias.startsWith("aws/")) {
      throw new Error(`EncryptionKey: alias "${props.alias}" must be 1-250 characters of letters, digits, '/', '_', '-' and must not start with "aws/"`);
    }
    const key = new KmsKey(this, "key", {
      description: `Encrypts the Genesys EventBridge integration's secrets, logs and topics (${props.alias})`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: policyDocument(
        {
          Sid: "AccountAdministers",
          Effect: "Allow",
          Principal: { AWS: `arn:aws:iam::${props.accountId}:root` },
          Action: "kms:*",
          Resource: "*",
        },
        {
          Sid: "EventBridgeAndAlarmsPublishToEncryptedTopics",
          Effect: "Allow",
          Principal: { Service: ["events.amazonaws.com", "cloudwatch.amazonaws.com"] },
          Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
          Resource: "*",
          Condition: { StringEquals: { "aws:SourceAccount": props.accountId } },
        },
        {
          Sid: "CloudWatchLogsEncryptsThisAccountsLogGroups",
          Effect: "Allow",
          Principal: { Service: `logs.${props.region}.amazonaws.com` },
          Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
          Resource: "*",
          Condition: {
            ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:${props.region}:${props.accountId}:log-group:*` },
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
