import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { allowEventBridgeRule, policyDocument } from "../policy";
import { IRuleTarget, RuleTargetConfig, RuleTargetContext, TargetRetryPolicy } from "./target";

export interface SnsTopicTargetProps {
  readonly name: string;
  readonly retry?: TargetRetryPolicy;
  readonly deadLetterRetentionDays?: number;
}

/** Publishes events to a KMS-encrypted SNS topic whose policy admits only this rule. */
export class SnsTopicTarget implements IRuleTarget {
  readonly type = "sns";
  readonly name: string;
  readonly retry?: TargetRetryPolicy;
  readonly deadLetterRetentionDays?: number;

  constructor(props: SnsTopicTargetProps) {
    this.name = props.name;
    this.retry = props.retry;
    this.deadLetterRetentionDays = props.deadLetterRetentionDays;
  }

  bind(ctx: RuleTargetContext): RuleTargetConfig {
    const topic = new SnsTopic(ctx.scope, "topic", { name: ctx.resourceName, kmsMasterKeyId: ctx.keyArn });
    const arn = topic.arn;
    new SnsTopicPolicy(ctx.scope, "topic-policy", {
      arn,
      policy: policyDocument(allowEventBridgeRule("EventBridgeRulePublishes", "sns:Publish", arn, ctx.ruleArn)),
    });
    return { arn, attributes: { topic_arn: arn } };
  }
}
