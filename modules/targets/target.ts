import { Construct } from "constructs";
import type { AwsPartition } from "../../environments/regions";

/** What a target needs from the rule it is bound to. */
export interface RuleTargetContext {
  /** Where the target creates its resources (one construct per target). */
  readonly scope: Construct;
  readonly ruleArn: string;
  /** `<env prefix>-<rule>-<target>`: a unique base for resource names. */
  readonly resourceName: string;
  readonly accountId: string;
  readonly region: string;
  /** The partition of `region` (first field of every ARN a target builds). */
  readonly partition: AwsPartition;
  /** The environment's KMS key, for targets that encrypt with it. */
  readonly keyArn: string;
  /** Characters of `ruleArn` once resolved (for policy size quotas, where the ARN is still a token). */
  readonly ruleArnLength: number;
}

/** What the rule needs from a bound target to declare its `aws_cloudwatch_event_target`. */
export interface RuleTargetConfig {
  readonly arn: string;
  /** An IAM role EventBridge assumes to deliver (Kinesis, Firehose). */
  readonly roleArn?: string;
  readonly kinesisTarget?: { readonly partitionKeyPath: string };
  /** Attributes other tools need (queue URL, log group name …), exported in the stack outputs. */
  readonly attributes: Record<string, string>;
}

export interface TargetRetryPolicy {
  /** 0-185. */
  readonly maximumRetryAttempts?: number;
  /** 60-86400 seconds. */
  readonly maximumEventAgeSeconds?: number;
}

/**
 * A rule target, in the style of AWS CDK's `IRuleTarget`: the rule knows nothing about SQS, Lambda or Kinesis;
 * each target creates what it needs and grants EventBridge (scoped to the rule's ARN) permission to deliver.
 */
export interface IRuleTarget {
  /** Unique within the rule. */
  readonly name: string;
  /** e.g. "sqs", "lambda". */
  readonly type: string;
  readonly retry?: TargetRetryPolicy;
  /** Days failed events stay in the target's dead-letter queue (default 14). */
  readonly deadLetterRetentionDays?: number;
  bind(context: RuleTargetContext): RuleTargetConfig;
}

/** Props every target takes (as AWS CDK's `TargetBaseProps`). */
export interface TargetBaseProps {
  /** Unique within the rule; names the target's resources. */
  readonly name: string;
  /** Overrides the rule's retry policy for this target. */
  readonly retry?: TargetRetryPolicy;
  /** Days failed events stay in the dead-letter queue. @default 14 */
  readonly deadLetterRetentionDays?: number;
}

/** Holds the common props; a target class adds its type and how it binds. */
export abstract class TargetBase implements IRuleTarget {
  abstract readonly type: string;
  readonly name: string;
  readonly retry?: TargetRetryPolicy;
  readonly deadLetterRetentionDays?: number;

  constructor(props: TargetBaseProps) {
    this.name = props.name;
    this.retry = props.retry;
    this.deadLetterRetentionDays = props.deadLetterRetentionDays;
  }

  abstract bind(context: RuleTargetContext): RuleTargetConfig;
}
