import { Construct } from "constructs";
import { Token } from "cdktf";
import { validateEventPattern } from "../environments/event-pattern";
import { MAX_TARGETS_PER_RULE } from "../environments/quotas";
import { partitionOf } from "../environments/regions";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { DeadLetterQueue } from "./dead-letter-queue";
import { EventPattern } from "./event-pattern";
import { IRuleTarget } from "./targets/target";

export interface RetryPolicy {
  /** 0-185 (EventBridge default 185). */
  readonly maximumRetryAttempts: number;
  /** 60-86400 seconds (EventBridge default 86400). */
  readonly maximumEventAgeSeconds: number;
}

export interface GenesysEventRuleProps {
  /** The AWS rule name: 1-64 characters of letters, digits, '.', '-', '_'. */
  readonly ruleName: string;
  readonly description?: string;
  readonly eventBusName: string;
  /**
   * Characters of the bus name once resolved, when `eventBusName` is a token (the partner bus name holds the
   * organization id). @default its length, or 256 (EventBridge's maximum bus name) for a token
   */
  readonly eventBusNameLength?: number;
  readonly eventPattern: EventPattern;
  /** @default true */
  readonly enabled?: boolean;
  readonly targets: IRuleTarget[];
  /** Applied to every target that does not set its own. */
  readonly retry: RetryPolicy;
  readonly accountId: string;
  readonly region: string;
  readonly keyArn: string;
}

/** A bound target as other constructs and the stack outputs see it. */
export interface BoundTarget {
  readonly name: string;
  readonly type: string;
  readonly arn: string;
  readonly deadLetterQueue: DeadLetterQueue;
  readonly attributes: Record<string, string>;
}

/**
 * An EventBridge rule on the Genesys bus with its targets. Every target gets a retry policy and its own
 * encrypted dead-letter queue that only this rule may write to; each target grants its own permissions.
 */
export class GenesysEventRule extends Construct {
  readonly ruleName: string;
  readonly ruleArn: string;
  readonly targets: BoundTarget[] = [];

  constructor(scope: Construct, id: string, props: GenesysEventRuleProps) {
    super(scope, id);
    if (!/^[.\-_A-Za-z0-9]{1,64}$/.test(props.ruleName)) {
      throw new Error(`GenesysEventRule: ruleName "${props.ruleName}" must be 1-64 characters of letters, digits, '.', '-' and '_'`);
    }
    if (props.targets.length === 0) {
      throw new Error(`GenesysEventRule "${props.ruleName}": at least one target is required (a rule without targets drops every event)`);
    }
    if (props.targets.length > MAX_TARGETS_PER_RULE) {
      throw new Error(
        `GenesysEventRule "${props.ruleName}": ${props.targets.length} targets, over EventBridge's ${MAX_TARGETS_PER_RULE} per rule; split them over two rules with the same topics`,
      );
    }
    if (Object.keys(props.eventPattern).length === 0) {
      throw new Error(`GenesysEventRule "${props.ruleName}": the event pattern must not be empty`);
    }
    // The same validator as the configuration's raw patterns: topic patterns too (e.g. over the size quota).
    const patternProblems = validateEventPattern(props.eventPattern);
    if (patternProblems.length > 0) {
      throw new Error(`GenesysEventRule "${props.ruleName}": EventBridge would reject the event pattern:\n  - ${patternProblems.join("\n  - ")}`);
    }
    const names = props.targets.map((t) => t.name);
    const duplicate = names.find((n, i) => names.indexOf(n) !== i);
    if (duplicate) {
      throw new Error(`GenesysEventRule "${props.ruleName}": target name "${duplicate}" is used twice`);
    }

    const rule = new CloudwatchEventRule(this, "rule", {
      name: props.ruleName,
      description: props.description,
      eventBusName: props.eventBusName,
      eventPattern: JSON.stringify(props.eventPattern),
      state: props.enabled === false ? "DISABLED" : "ENABLED",
    });
    // Read each attribute once: every read creates a new cdktf token.
    this.ruleName = rule.name;
    this.ruleArn = rule.arn;
    const partition = partitionOf(props.region);
    // A rule on a custom bus: arn:<partition>:events:<region>:<account>:rule/<bus name>/<rule name>.
    const busNameLength = props.eventBusNameLength ?? (Token.isUnresolved(props.eventBusName) ? 256 : props.eventBusName.length);
    const ruleArnLength = `arn:${partition}:events:${props.region}:${props.accountId}:rule/`.length + busNameLength + 1 + props.ruleName.length;

    for (const target of props.targets) {
      const scopeForTarget = new Construct(this, target.name);
      const resourceName = `${props.ruleName}-${target.name}`;
      const retry = { ...props.retry, ...target.retry };
      validateRetry(props.ruleName, target.name, retry);
      const config = target.bind({
        scope: scopeForTarget,
        ruleArn: this.ruleArn,
        resourceName,
        accountId: props.accountId,
        region: props.region,
        partition,
        keyArn: props.keyArn,
        ruleArnLength,
      });
      const dlq = new DeadLetterQueue(scopeForTarget, "dlq", {
        queueName: `${resourceName}-dlq`,
        ruleArn: this.ruleArn,
        retentionDays: target.deadLetterRetentionDays ?? 14,
        keyArn: props.keyArn,
      });
      new CloudwatchEventTarget(scopeForTarget, "target", {
        rule: this.ruleName,
        eventBusName: props.eventBusName,
        targetId: target.name,
        arn: config.arn,
        roleArn: config.roleArn,
        kinesisTarget: config.kinesisTarget,
        retryPolicy: { maximumRetryAttempts: retry.maximumRetryAttempts, maximumEventAgeInSeconds: retry.maximumEventAgeSeconds },
        deadLetterConfig: { arn: dlq.queueArn },
      });
      this.targets.push({ name: target.name, type: target.type, arn: config.arn, deadLetterQueue: dlq, attributes: config.attributes });
    }
  }
}

function validateRetry(rule: string, target: string, retry: RetryPolicy): void {
  if (!Number.isInteger(retry.maximumRetryAttempts) || retry.maximumRetryAttempts < 0 || retry.maximumRetryAttempts > 185) {
    throw new Error(`GenesysEventRule "${rule}", target "${target}": maximumRetryAttempts ${retry.maximumRetryAttempts} must be 0-185`);
  }
  if (!Number.isInteger(retry.maximumEventAgeSeconds) || retry.maximumEventAgeSeconds < 60 || retry.maximumEventAgeSeconds > 86400) {
    throw new Error(`GenesysEventRule "${rule}", target "${target}": maximumEventAgeSeconds ${retry.maximumEventAgeSeconds} must be 60-86400`);
  }
}
