import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CloudwatchLogResourcePolicy } from "@cdktf/provider-aws/lib/cloudwatch-log-resource-policy";
import { fromRule, policyDocument } from "../policy";
import { RuleTargetConfig, RuleTargetContext, TargetBase, TargetBaseProps } from "./target";

export interface LogGroupTargetProps extends TargetBaseProps {
  /** CloudWatch Logs retention in days. */
  readonly retentionDays: number;
  /** Adds prevent_destroy: the log group holds the delivered events. */
  readonly preventDestroy?: boolean;
}

/** Path of the log groups this target creates (the bootstrap's apply role is scoped to it). */
export const LOG_GROUP_PATH = "/aws/events/genesys/";

/**
 * Delivers events to a KMS-encrypted CloudWatch log group `/aws/events/genesys/<env>-<rule>-<target>`.
 * EventBridge writes through a CloudWatch Logs resource policy limited to that log group and that rule.
 */
export class LogGroupTarget extends TargetBase {
  readonly type = "cloudwatch-logs";

  constructor(private readonly props: LogGroupTargetProps) {
    super(props);
  }

  bind(ctx: RuleTargetContext): RuleTargetConfig {
    const group = new CloudwatchLogGroup(ctx.scope, "log-group", {
      name: `${LOG_GROUP_PATH}${ctx.resourceName}`,
      retentionInDays: this.props.retentionDays,
      kmsKeyId: ctx.keyArn,
      lifecycle: { preventDestroy: this.props.preventDestroy ?? false },
    });
    new CloudwatchLogResourcePolicy(ctx.scope, "log-policy", {
      policyName: `${ctx.resourceName}-eventbridge`,
      policyDocument: policyDocument({
        Sid: "EventBridgeRuleWritesEvents",
        Effect: "Allow",
        Principal: { Service: ["events.amazonaws.com", "delivery.logs.amazonaws.com"] },
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: `${group.arn}:*`,
        Condition: fromRule(ctx.ruleArn),
      }),
    });
    return { arn: group.arn, attributes: { log_group_name: group.name } };
  }
}
