import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { allowEventBridgeRule, policyDocument } from "../policy";
import { RuleTargetConfig, RuleTargetContext, TargetBase, TargetBaseProps } from "./target";

export type SnsTopicTargetProps = TargetBaseProps;

/** Publishes events to a KMS-encrypted SNS topic whose policy admits only this rule. */
export class SnsTopicTarget extends TargetBase {
  readonly type = "sns";

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
