import { KinesisStream } from "@cdktf/provider-aws/lib/kinesis-stream";
import { deliveryRole } from "./delivery-role";
import { RuleTargetConfig, RuleTargetContext, TargetBase, TargetBaseProps } from "./target";

export interface KinesisStreamTargetProps extends TargetBaseProps {
  /** An existing stream; when absent an encrypted on-demand stream is created. */
  readonly streamArn?: string;
  /** JSONPath into the event used as partition key (default `$.id`, the EventBridge event id). */
  readonly partitionKeyPath?: string;
  readonly preventDestroy?: boolean;
}

/**
 * Puts events on a Kinesis data stream through a role scoped to the rule and the stream. A stream created here is
 * on-demand and encrypted with the environment's KMS key.
 */
export class KinesisStreamTarget extends TargetBase {
  readonly type = "kinesis";

  constructor(private readonly props: KinesisStreamTargetProps) {
    super(props);
    const path = props.partitionKeyPath ?? "$.id";
    if (!path.startsWith("$.")) {
      throw new Error(`KinesisStreamTarget "${props.name}": partitionKeyPath "${path}" must be a JSONPath starting with "$."`);
    }
  }

  bind(ctx: RuleTargetContext): RuleTargetConfig {
    if (this.props.streamArn) {
      // An existing stream: its encryption (and the key grants its producers need) is its owner's.
      const role = deliveryRole(ctx, ["kinesis:PutRecord", "kinesis:PutRecords"], this.props.streamArn);
      return this.config(this.props.streamArn, role.arn);
    }
    const streamArn = new KinesisStream(ctx.scope, "stream", {
      name: ctx.resourceName,
      streamModeDetails: { streamMode: "ON_DEMAND" },
      encryptionType: "KMS",
      kmsKeyId: ctx.keyArn,
      retentionPeriod: 24,
      lifecycle: { preventDestroy: this.props.preventDestroy ?? false },
    }).arn;
    // "Your Kinesis stream producers must have the kms:GenerateDataKey permission" ("Permissions to use
    // user-generated KMS keys", https://docs.aws.amazon.com/streams/latest/dev/permissions-user-key-KMS.html);
    // the key policy's account statement lets this IAM grant take effect. Consumers need kms:Decrypt on the key.
    const role = deliveryRole(ctx, ["kinesis:PutRecord", "kinesis:PutRecords"], streamArn, [
      { Effect: "Allow", Action: "kms:GenerateDataKey", Resource: ctx.keyArn },
    ]);
    return this.config(streamArn, role.arn);
  }

  private config(streamArn: string, roleArn: string): RuleTargetConfig {
    return {
      arn: streamArn,
      roleArn,
      kinesisTarget: { partitionKeyPath: this.props.partitionKeyPath ?? "$.id" },
      attributes: { stream_arn: streamArn, role_arn: roleArn },
    };
  }
}
