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

/** Puts events on a Kinesis data stream through a role scoped to the rule and the stream. */
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
    const streamArn =
      this.props.streamArn ??
      new KinesisStream(ctx.scope, "stream", {
        name: ctx.resourceName,
        streamModeDetails: { streamMode: "ON_DEMAND" },
        encryptionType: "KMS",
        kmsKeyId: "alias/aws/kinesis",
        retentionPeriod: 24,
        lifecycle: { preventDestroy: this.props.preventDestroy ?? false },
      }).arn;
    const role = deliveryRole(ctx, ["kinesis:PutRecord", "kinesis:PutRecords"], streamArn);
    return {
      arn: streamArn,
      roleArn: role.arn,
      kinesisTarget: { partitionKeyPath: this.props.partitionKeyPath ?? "$.id" },
      attributes: { stream_arn: streamArn, role_arn: role.arn },
    };
  }
}
