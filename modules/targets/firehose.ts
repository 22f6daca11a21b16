import { deliveryRole } from "./delivery-role";
import { RuleTargetConfig, RuleTargetContext, TargetBase, TargetBaseProps } from "./target";

export interface FirehoseTargetProps extends TargetBaseProps {
  /** An existing delivery stream (not managed here). */
  readonly deliveryStreamArn: string;
}

/** Puts events on an existing Kinesis Data Firehose delivery stream through a role scoped to it and the rule. */
export class FirehoseTarget extends TargetBase {
  readonly type = "firehose";

  constructor(private readonly props: FirehoseTargetProps) {
    super(props);
    if (!/^arn:aws(-us-gov|-cn)?:firehose:[a-z0-9-]+:\d{12}:deliverystream\/.+$/.test(props.deliveryStreamArn)) {
      throw new Error(`FirehoseTarget "${props.name}": deliveryStreamArn "${props.deliveryStreamArn}" must be a Firehose delivery stream ARN`);
    }
  }

  bind(ctx: RuleTargetContext): RuleTargetConfig {
    const role = deliveryRole(ctx, ["firehose:PutRecord", "firehose:PutRecordBatch"], this.props.deliveryStreamArn);
    return { arn: this.props.deliveryStreamArn, roleArn: role.arn, attributes: { role_arn: role.arn } };
  }
}
