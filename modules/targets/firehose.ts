import { deliveryRole } from "./delivery-role";
import { IRuleTarget, RuleTargetConfig, RuleTargetContext, TargetRetryPolicy } from "./target";

export interface FirehoseTargetProps {
  readonly name: string;
  /** An existing delivery stream (not managed here). */
  readonly deliveryStreamArn: string;
  readonly retry?: TargetRetryPolicy;
  readonly deadLetterRetentionDays?: number;
}

/** Puts events on an existing Kinesis Data Firehose delivery stream through a role scoped to it and the rule. */
export class FirehoseTarget implements IRuleTarget {
  readonly type = "firehose";
  readonly name: string;
  readonly retry?: TargetRetryPolicy;
  readonly deadLetterRetentionDays?: number;

  constructor(private readonly props: FirehoseTargetProps) {
    if (!/^arn:aws(-us-gov|-cn)?:firehose:[a-z0-9-]+:\d{12}:deliverystream\/.+$/.test(props.deliveryStreamArn)) {
      throw new Error(`FirehoseTarget "${props.name}": deliveryStreamArn "${props.deliveryStreamArn}" must be a Firehose delivery stream ARN`);
    }
    this.name = props.name;
    this.retry = props.retry;
    this.deadLetterRetentionDays = props.deadLetterRetentionDays;
  }

  bind(ctx: RuleTargetContext): RuleTargetConfig {
    const role = deliveryRole(ctx, ["firehose:PutRecord", "firehose:PutRecordBatch"], this.props.deliveryStreamArn);
    return { arn: this.props.deliveryStreamArn, roleArn: role.arn, attributes: { role_arn: role.arn } };
  }
}
