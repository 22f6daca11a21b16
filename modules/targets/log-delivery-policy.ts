import { Construct } from "constructs";
import { Lazy, TerraformProvider } from "cdktf";
import { CloudwatchLogResourcePolicy } from "@cdktf/provider-aws/lib/cloudwatch-log-resource-policy";
import { MAX_LOGS_RESOURCE_POLICY_CHARS } from "../../environments/quotas";
import { partnerBusPattern } from "../event-bus";
import { EVENTS_PRINCIPAL, fromRule, policyDocument, PolicyStatement } from "../policy";

/** Path of the log groups that log-group targets create (the bootstrap's apply role and Logs policy are scoped to it). */
export const LOG_GROUP_PATH = "/aws/events/genesys/";

const POLICY_NAME = /^([^:*/]+\/?)*[^:*/]+$/;

/** The principals that write events into a log group for EventBridge (both are in the EventBridge guide's example). */
const LOG_WRITERS = [EVENTS_PRINCIPAL, "delivery.logs.amazonaws.com"];

export interface EnvironmentLogDeliveryPolicyProps {
  /** 1-255 characters, no ':' or '*'. */
  readonly policyName: string;
  readonly partition: string;
  readonly accountId: string;
  readonly region: string;
  /** Literal start of the environment's log group names, e.g. `/aws/events/genesys/genesys-dev-`. */
  readonly logGroupNamePrefix: string;
  /** The environment's partner bus name; `*` may stand for the organization id. */
  readonly eventBusName: string;
  /** Literal start of the environment's rule names, e.g. `genesys-dev-`. */
  readonly ruleNamePrefix: string;
  /** The AWS provider of the environment's region. @default the stack's default provider */
  readonly provider?: TerraformProvider;
}

/**
 * The document of an environment's CloudWatch Logs resource policy (see EnvironmentLogDeliveryPolicy), validated;
 * pure, so preflight can compare it with the policy found in the account. Two statements, both limited to the
 * environment's log groups (names under `logGroupNamePrefix`) and to the services that write for EventBridge:
 * - `PutLogEvents` only on behalf of the environment's rules (`aws:SourceArn`: rule names under `ruleNamePrefix` on
 *   the environment's bus, in its account and region), the confused-deputy condition of "CloudWatch Logs
 *   permissions" in "Using resource-based policies for Amazon EventBridge" (EventBridge User Guide,
 *   https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html), with prefixes instead of one rule;
 * - `CreateLogStream` without that condition, so delivery cannot hang on a key the call might not carry: a fix in
 *   an AWS-authored sample (aws-samples/serverless-patterns commit e4578689d, "The conditional ARN for the Rule only
 *   applies to logs:PutLogEvents", as reported in review; not found in the stored docs), and the policy the
 *   EventBridge console writes, `TrustEventsToStoreLogEvents`, has no condition at all. An empty stream in the
 *   environment's own groups carries no event. The smoke canary, whose route is a log-group target, shows after each
 *   dev and staging deploy that delivery works (docs/iam.md).
 * No aws:SourceAccount: the guide's example has none, and a key the service might not send would stop delivery.
 */
export function environmentLogDeliveryDocument(props: Omit<EnvironmentLogDeliveryPolicyProps, "provider">): string {
  const fail = (message: string): never => {
    throw new Error(`EnvironmentLogDeliveryPolicy "${props.policyName}": ${message}`);
  };
  if (props.policyName.length > 255 || !POLICY_NAME.test(props.policyName)) fail("policyName must be 1-255 characters without ':' or '*'");
  // The prefixes are literal: a wildcard or a short prefix would reach other environments' groups and rules.
  for (const [field, value] of [["logGroupNamePrefix", props.logGroupNamePrefix], ["ruleNamePrefix", props.ruleNamePrefix]] as const) {
    if (/[*?$]/.test(value) || value.length < 3) fail(`${field} "${value}" must be a literal prefix of at least 3 characters (no '*', '?' or '$')`);
  }
  if (!props.logGroupNamePrefix.startsWith("/")) fail(`logGroupNamePrefix "${props.logGroupNamePrefix}" must be a log group path starting with '/'`);
  if (!/^[A-Za-z0-9._\-/*]+$/.test(props.eventBusName)) fail(`eventBusName "${props.eventBusName}" is not an event bus name`);
  const groups = `arn:${props.partition}:logs:${props.region}:${props.accountId}:log-group:${props.logGroupNamePrefix}*:*`;
  const rules = `arn:${props.partition}:events:${props.region}:${props.accountId}:rule/${props.eventBusName}/${props.ruleNamePrefix}*`;
  const document = policyDocument(
    { Sid: "EnvironmentRulesWriteTheirLogGroups", Effect: "Allow", Principal: { Service: LOG_WRITERS }, Action: "logs:PutLogEvents", Resource: groups, Condition: { ArnLike: { "aws:SourceArn": rules } } },
    { Sid: "EventBridgeCreatesStreamsInTheEnvironmentsLogGroups", Effect: "Allow", Principal: { Service: LOG_WRITERS }, Action: "logs:CreateLogStream", Resource: groups },
  );
  if (document.length > MAX_LOGS_RESOURCE_POLICY_CHARS) fail(`the document is ${document.length} characters, over CloudWatch Logs' ${MAX_LOGS_RESOURCE_POLICY_CHARS}`);
  return document;
}

/**
 * The policy of the environment whose names start with `resourcePrefix` (`genesys-dev-`): named
 * `<prefix>eventbridge-logs`, its log groups under LOG_GROUP_PATH + prefix, its rules named with the prefix on its
 * partner bus (any suffix when unset). The one derivation, for the bootstrap stack that creates the policy and for
 * preflight, which checks it is in place.
 */
export function environmentLogDeliveryProps(p: {
  readonly resourcePrefix: string;
  readonly partition: string;
  readonly accountId: string;
  readonly region: string;
  readonly eventSourceSuffix?: string;
}): Omit<EnvironmentLogDeliveryPolicyProps, "provider"> {
  return {
    policyName: `${p.resourcePrefix}eventbridge-logs`,
    partition: p.partition,
    accountId: p.accountId,
    region: p.region,
    logGroupNamePrefix: `${LOG_GROUP_PATH}${p.resourcePrefix}`,
    eventBusName: partnerBusPattern(p.eventSourceSuffix),
    ruleNamePrefix: p.resourcePrefix,
  };
}

/**
 * The CloudWatch Logs resource policy of one environment (document: environmentLogDeliveryDocument), created by the
 * bootstrap stack (applied by an account admin) so that no pipeline role needs `logs:PutResourcePolicy`/
 * `DeleteResourcePolicy`: those actions have no resource type (Service Authorization Reference, Amazon CloudWatch
 * Logs), so whoever holds them can replace or delete every Logs resource policy of the region, another
 * environment's included. Log-group targets of the environment stacks create no policy of their own
 * (`deliveryPolicy: "external"`); `npm run preflight` checks this one is in place before every apply.
 */
export class EnvironmentLogDeliveryPolicy extends Construct {
  readonly policyName: string;
  /** The policy document as synthesized (literal: no Terraform reference inside). */
  readonly document: string;
  readonly resource: CloudwatchLogResourcePolicy;

  constructor(scope: Construct, id: string, props: EnvironmentLogDeliveryPolicyProps) {
    super(scope, id);
    this.policyName = props.policyName;
    this.document = environmentLogDeliveryDocument(props);
    this.resource = new CloudwatchLogResourcePolicy(this, "policy", { policyName: props.policyName, policyDocument: this.document, provider: props.provider });
  }
}

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
            Principal: { Service: LOG_WRITERS },
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
