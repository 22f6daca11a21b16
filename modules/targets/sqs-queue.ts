import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy";
import { allowEventBridgeRule, policyDocument } from "../policy";
import { RuleTargetConfig, RuleTargetContext, TargetBase, TargetBaseProps } from "./target";

export interface SqsQueueTargetProps extends TargetBaseProps {
  /** Seconds a message is kept (60-1209600). */
  readonly messageRetentionSeconds: number;
  readonly preventDestroy?: boolean;
}

/** Delivers events to an encrypted (SSE-SQS) queue whose policy admits only this rule. */
export class SqsQueueTarget extends TargetBase {
  readonly type = "sqs";

  constructor(private readonly props: SqsQueueTargetProps) {
    super(props);
    if (props.messageRetentionSeconds < 60 || props.messageRetentionSeconds > 1209600) {
      throw new Error(`SqsQueueTarget "${props.name}": messageRetentionSeconds ${props.messageRetentionSeconds} must be 60-1209600`);
    }
  }

  bind(ctx: RuleTargetContext): RuleTargetConfig {
    const queue = new SqsQueue(ctx.scope, "queue", {
      name: ctx.resourceName,
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: this.props.messageRetentionSeconds,
      lifecycle: { preventDestroy: this.props.preventDestroy ?? false },
    });
    const [arn, url] = [queue.arn, queue.url];
    new SqsQueuePolicy(ctx.scope, "queue-policy", {
      queueUrl: url,
      policy: policyDocument(allowEventBridgeRule("EventBridgeRuleSendsEvents", "sqs:SendMessage", arn, ctx.ruleArn)),
    });
    return { arn, attributes: { queue_url: url, queue_name: queue.name } };
  }
}
