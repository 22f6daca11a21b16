import { Construct } from "constructs";
import { Lazy } from "cdktf";
import { CloudwatchLogResourcePolicy } from "@cdktf/provider-aws/lib/cloudwatch-log-resource-policy";
import { EVENTS_PRINCIPAL, fromRule, policyDocument, PolicyStatement } from "../policy";

/**
 * CloudWatch Logs resource policies per account and region: "An account can have up to 10 resource policies per
 * AWS Region" (PutResourcePolicy, Amazon CloudWatch Logs API Reference,
 * https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutResourcePolicy.html); not adjustable.
 * This is why an environment writes ONE policy for all its log-group targets instead of one per target.
 */
export const MAX_LOGS_RESOURCE_POLICIES_PER_REGION = 10;

/**
 * Characters of one CloudWatch Logs resource policy document: `PolicyDocument` "Maximum: 5120"
 * (AWS::Logs::ResourcePolicy, AWS CloudFormation Template Reference,
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-logs-resourcepolicy.html).
 */
export const MAX_LOGS_RESOURCE_POLICY_CHARS = 5120;

const POLICY_NAME = /^([^:*/]+\/?)*[^:*/]+$/;

export interface EventBridgeLogDeliveryPolicyProps {
  /** 1-255 characters, no ':' or '*'. */
  readonly policyName: string;
}

/**
 * The CloudWatch Logs resource policy that lets EventBridge write to log groups: one statement per (rule, log
 * group), each limited to that log group and to that rule (`aws:SourceArn`). Shared by all the log-group targets
 * of an environment, so an environment uses one of the account's 10 policies per region, whatever its number of
 * log targets. The document is rendered at synth from the statements added; its resolved size is checked as each
 * statement is added.
 */
export class EventBridgeLogDeliveryPolicy extends Construct {
  private readonly statements: PolicyStatement[] = [];
  /** Resolved length of each rule ARN token, for the size check. */
  private readonly tokenLengths: Array<{ token: string; resolved: number }> = [];
  private resource?: CloudwatchLogResourcePolicy;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: EventBridgeLogDeliveryPolicyProps,
  ) {
    super(scope, id);
    if (props.policyName.length > 255 || !POLICY_NAME.test(props.policyName)) {
      throw new Error(`EventBridgeLogDeliveryPolicy: policyName "${props.policyName}" must be 1-255 characters without ':' or '*'`);
    }
  }

  /** Lets EventBridge, for `ruleArn` only, write into the log group `logGroupArn` (a literal ARN, no token). */
  allow(logGroupArn: string, ruleArn: string, ruleArnLength: number): void {
    this.statements.push({
      Sid: `RuleWritesLogGroup${this.statements.length + 1}`,
      Effect: "Allow",
      Principal: { Service: [EVENTS_PRINCIPAL, "delivery.logs.amazonaws.com"] },
      Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: `${logGroupArn}:*`,
      Condition: fromRule(ruleArn),
    });
    this.tokenLengths.push({ token: ruleArn, resolved: ruleArnLength });
    const length = this.resolvedLength();
    if (length > MAX_LOGS_RESOURCE_POLICY_CHARS) {
      throw new Error(
        `EventBridgeLogDeliveryPolicy "${this.props.policyName}": ${this.statements.length} log-group targets make a ${length}-character ` +
          `policy, over CloudWatch Logs' ${MAX_LOGS_RESOURCE_POLICY_CHARS}; use fewer cloudwatch-logs targets (or shorter rule and target names)`,
      );
    }
    this.resource ??= new CloudwatchLogResourcePolicy(this, "policy", {
      policyName: this.props.policyName,
      policyDocument: Lazy.stringValue({ produce: () => this.document() }),
    });
  }

  /** Statements added so far. */
  get statementCount(): number {
    return this.statements.length;
  }

  private document(): string {
    return policyDocument(...this.statements);
  }

  /** The document's length once Terraform has put the rule ARNs in. */
  private resolvedLength(): number {
    return this.tokenLengths.reduce((n, t) => n - t.token.length + t.resolved, this.document().length);
  }
}
