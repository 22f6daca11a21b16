import { Construct } from "constructs";
import { Lazy } from "cdktf";
import { CloudwatchLogResourcePolicy } from "@cdktf/provider-aws/lib/cloudwatch-log-resource-policy";
import { MAX_LOGS_RESOURCE_POLICY_CHARS } from "../../environments/quotas";
import { EVENTS_PRINCIPAL, fromRule, policyDocument, PolicyStatement } from "../policy";

const POLICY_NAME = /^([^:*/]+\/?)*[^:*/]+$/;

export interface EventBridgeLogDeliveryPolicyProps {
  /** 1-255 characters, no ':' or '*'. */
  readonly policyName: string;
}

/**
 * The CloudWatch Logs resource policy that lets EventBridge write to log groups: one statement per rule, limited to
 * that rule (`aws:SourceArn`) and to that rule's log groups. Shared by all the log-group targets
 * of an environment, so an environment uses one of the account's 10 policies per region, whatever its number of
 * log targets (quota: environments/quotas.ts). The document is rendered at synth from the statements added; its resolved size is checked as each
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

  /**
   * Lets EventBridge, for `ruleArn` only, write into the log group `logGroupArn` (a literal ARN, no token). Log
   * groups of one rule share that rule's statement, which keeps the document small.
   */
  allow(logGroupArn: string, ruleArn: string, ruleArnLength: number): void {
    const resource = `${logGroupArn}:*`;
    const existing = this.statements.find((st) => st.Condition?.ArnEquals?.["aws:SourceArn"] === ruleArn);
    const statements = existing
      ? this.statements.map((st) => (st === existing ? { ...st, Resource: [...(st.Resource as string[]), resource] } : st))
      : [
          ...this.statements,
          {
            Sid: `Rule${this.statements.length + 1}WritesItsLogGroups`,
            Effect: "Allow" as const,
            Principal: { Service: [EVENTS_PRINCIPAL, "delivery.logs.amazonaws.com"] },
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: [resource],
            Condition: fromRule(ruleArn),
          },
        ];
    const tokenLengths = existing ? this.tokenLengths : [...this.tokenLengths, { token: ruleArn, resolved: ruleArnLength }];
    const length = resolvedLength(statements, tokenLengths);
    if (length > MAX_LOGS_RESOURCE_POLICY_CHARS) {
      throw new Error(
        `EventBridgeLogDeliveryPolicy "${this.props.policyName}": the log-group targets of ${statements.length} rules make a ${length}-character ` +
          `policy, over CloudWatch Logs' ${MAX_LOGS_RESOURCE_POLICY_CHARS}; use fewer cloudwatch-logs targets (or shorter rule and target names)`,
      );
    }
    this.statements.splice(0, this.statements.length, ...statements);
    this.tokenLengths.splice(0, this.tokenLengths.length, ...tokenLengths);
    this.resource ??= new CloudwatchLogResourcePolicy(this, "policy", {
      policyName: this.props.policyName,
      policyDocument: Lazy.stringValue({ produce: () => policyDocument(...this.statements) }),
    });
  }

  /** Rule statements added so far. */
  get statementCount(): number {
    return this.statements.length;
  }

  /** Characters of the document once Terraform has put the rule ARNs in (what CloudWatch Logs measures). */
  get resolvedLength(): number {
    return resolvedLength(this.statements, this.tokenLengths);
  }
}

function resolvedLength(statements: PolicyStatement[], tokens: ReadonlyArray<{ token: string; resolved: number }>): number {
  return tokens.reduce((n, t) => n - t.token.length + t.resolved, policyDocument(...statements).length);
}
