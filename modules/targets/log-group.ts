import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { EventBridgeLogDeliveryPolicy, LOG_GROUP_PATH } from "./log-delivery-policy";
import { RuleTargetConfig, RuleTargetContext, TargetBase, TargetBaseProps } from "./target";

export interface LogGroupTargetProps extends TargetBaseProps {
  /** CloudWatch Logs retention in days. */
  readonly retentionDays: number;
  /** Adds prevent_destroy: the log group holds the delivered events. */
  readonly preventDestroy?: boolean;
  /**
   * What lets EventBridge write into the log group (CloudWatch Logs allows 10 resource policies per account and
   * region): `"external"`, a policy created outside this stack that covers the group, such as the bootstrap
   * stack's EnvironmentLogDeliveryPolicy (the environment stacks: their pipeline role may not change Logs resource
   * policies, docs/iam.md); or a shared EventBridgeLogDeliveryPolicy this target adds its statement to.
   * @default a policy of this target's own, named `<resource name>-eventbridge`
   */
  readonly deliveryPolicy?: EventBridgeLogDeliveryPolicy | "external";
}

export { LOG_GROUP_PATH };

/**
 * Delivers events to a KMS-encrypted CloudWatch log group `/aws/events/genesys/<env>-<rule>-<target>`.
 * EventBridge writes through a CloudWatch Logs resource policy: by default a statement limited to that log group and
 * that rule; with `deliveryPolicy: "external"`, one the stack does not manage.
 */
export class LogGroupTarget extends TargetBase {
  readonly type = "cloudwatch-logs";

  constructor(private readonly props: LogGroupTargetProps) {
    super(props);
  }

  bind(ctx: RuleTargetContext): RuleTargetConfig {
    const name = `${LOG_GROUP_PATH}${ctx.resourceName}`;
    const group = new CloudwatchLogGroup(ctx.scope, "log-group", {
      name,
      retentionInDays: this.props.retentionDays,
      kmsKeyId: ctx.keyArn,
      lifecycle: { preventDestroy: this.props.preventDestroy ?? false },
    });
    if (this.props.deliveryPolicy !== "external") {
      // The ARN written literally (same value as group.arn once applied) so the policy's size is known at synth.
      const groupArn = `arn:${ctx.partition}:logs:${ctx.region}:${ctx.accountId}:log-group:${name}`;
      const policy = this.props.deliveryPolicy ?? new EventBridgeLogDeliveryPolicy(ctx.scope, "log-policy", { policyName: `${ctx.resourceName}-eventbridge` });
      policy.allow(groupArn, ctx.ruleArn, ctx.ruleArnLength);
    }
    return { arn: group.arn, attributes: { log_group_name: group.name } };
  }
}
