import { Construct } from "constructs";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy";
import { MAX_SQS_QUEUE_NAME } from "../environments/quotas";
import { allowEventBridgeRule, policyDocument } from "./policy";

export interface DeadLetterQueueProps {
  /** 1-80 characters of letters, digits, '-', '_'. */
  readonly queueName: string;
  /** The only rule allowed to send failed events here. */
  readonly ruleArn: string;
  /** 1-14 days. */
  readonly retentionDays: number;
  /**
   * The environment's KMS key (ARN). Its policy must let EventBridge `kms:GenerateDataKey*` and `kms:Decrypt`
   * (see EncryptionKey); whoever reads or redrives the queue needs `kms:Decrypt` on it too.
   */
  readonly keyArn: string;
}

/**
 * A dead-letter queue encrypted with the environment's KMS key for one rule target. Its policy lets EventBridge send to it only on
 * behalf of that rule (`aws:SourceArn`), which is what makes failed deliveries land here instead of vanishing.
 */
export class DeadLetterQueue extends Construct {
  readonly queueArn: string;
  readonly queueUrl: string;
  readonly queueName: string;

  constructor(scope: Construct, id: string, props: DeadLetterQueueProps) {
    super(scope, id);
    if (!/^[A-Za-z0-9_-]+$/.test(props.queueName) || props.queueName.length > MAX_SQS_QUEUE_NAME) {
      throw new Error(`DeadLetterQueue: queueName "${props.queueName}" must be 1-${MAX_SQS_QUEUE_NAME} characters of letters, digits, '-' and '_' (shorten the rule or target name)`);
    }
    if (!Number.isInteger(props.retentionDays) || props.retentionDays < 1 || props.retentionDays > 14) {
      throw new Error(`DeadLetterQueue: retentionDays ${props.retentionDays} must be 1-14`);
    }
    const queue = new SqsQueue(this, "queue", {
      name: props.queueName,
      kmsMasterKeyId: props.keyArn,
      messageRetentionSeconds: props.retentionDays * 86400,
    });
    this.queueArn = queue.arn;
    this.queueUrl = queue.url;
    this.queueName = queue.name;
    new SqsQueuePolicy(this, "policy", {
      queueUrl: this.queueUrl,
      policy: policyDocument(allowEventBridgeRule("EventBridgeRuleSendsFailedEvents", "sqs:SendMessage", this.queueArn, props.ruleArn)),
    });
  }
}
