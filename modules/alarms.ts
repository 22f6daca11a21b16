import { Construct } from "constructs";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { policyDocument } from "./policy";
import { GenesysEventRule } from "./rule";

export interface DeliveryAlarmsProps {
  /** Prefix of the topic and alarm names, e.g. `genesys-dev`. */
  readonly namePrefix: string;
  readonly accountId: string;
  readonly keyArn: string;
  readonly eventBusName: string;
  readonly rules: GenesysEventRule[];
  /** Visible messages in a dead-letter queue that raise its alarm (>= 1). */
  readonly deadLetterThreshold: number;
  /** E-mail addresses subscribed to the alarm topic. */
  readonly emails: string[];
}

/**
 * An encrypted SNS topic and the alarms that publish to it: one per dead-letter queue (visible messages mean
 * events that were not delivered) and one per rule (FailedInvocations).
 */
export class DeliveryAlarms extends Construct {
  readonly topicArn: string;

  constructor(scope: Construct, id: string, props: DeliveryAlarmsProps) {
    super(scope, id);
    if (!Number.isInteger(props.deadLetterThreshold) || props.deadLetterThreshold < 1) {
      throw new Error(`DeliveryAlarms: deadLetterThreshold ${props.deadLetterThreshold} must be a whole number >= 1`);
    }
    const topic = new SnsTopic(this, "topic", { name: `${props.namePrefix}-alarms`, kmsMasterKeyId: props.keyArn });
    // Read the ARN once: every attribute read creates a new cdktf token.
    const topicArn = topic.arn;
    this.topicArn = topicArn;
    new SnsTopicPolicy(this, "topic-policy", {
      arn: topicArn,
      policy: policyDocument({
        Sid: "CloudWatchAlarmsOfThisAccountPublish",
        Effect: "Allow",
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: "sns:Publish",
        Resource: topicArn,
        Condition: { StringEquals: { "aws:SourceAccount": props.accountId } },
      }),
    });
    props.emails.forEach((email, i) => {
      new SnsTopicSubscription(this, `email-${i}`, { topicArn, protocol: "email", endpoint: email });
    });

    for (const rule of props.rules) {
      new CloudwatchMetricAlarm(this, `${rule.node.id}-failed-invocations`, {
        alarmName: `${rule.ruleName}-failed-invocations`,
        alarmDescription: `EventBridge could not deliver events of rule ${rule.ruleName} to a target (after retries they go to its dead-letter queue).`,
        namespace: "AWS/Events",
        metricName: "FailedInvocations",
        dimensions: { RuleName: rule.ruleName, EventBusName: props.eventBusName },
        statistic: "Sum",
        period: 300,
        evaluationPeriods: 1,
        threshold: 0,
        comparisonOperator: "GreaterThanThreshold",
        treatMissingData: "notBreaching",
        alarmActions: [topicArn],
        okActions: [topicArn],
      });
      for (const target of rule.targets) {
        new CloudwatchMetricAlarm(this, `${rule.node.id}-${target.name}-dlq-visible`, {
          alarmName: `${target.deadLetterQueue.queueName}-visible`,
          alarmDescription: `Events of rule ${rule.ruleName} that never reached target ${target.name} are waiting in its dead-letter queue; inspect and redrive them.`,
          namespace: "AWS/SQS",
          metricName: "ApproximateNumberOfMessagesVisible",
          dimensions: { QueueName: target.deadLetterQueue.queueName },
          statistic: "Maximum",
          period: 300,
          evaluationPeriods: 1,
          threshold: props.deadLetterThreshold,
          comparisonOperator: "GreaterThanOrEqualToThreshold",
          treatMissingData: "notBreaching",
          alarmActions: [topicArn],
          okActions: [topicArn],
        });
      }
    }
  }
}
