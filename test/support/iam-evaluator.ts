/**
 * A small evaluator of AWS IAM identity-based policies and permissions boundaries, for tests that prove what the
 * synthesized bootstrap roles may do. It implements only what this project's policies use, and throws on anything
 * else (an unknown condition operator, an unresolved `${...}`, a statement without Action or Resource), so a policy
 * it does not understand fails the test instead of being judged.
 *
 * Rules implemented, with the IAM User Guide pages they come from:
 * - Decision ("Policy evaluation logic", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html,
 *   and "Permissions boundaries for IAM entities", .../access_policies_boundaries.html): an explicit Deny in any policy
 *   wins; otherwise, with a permissions boundary, the action must be allowed by the boundary AND by an identity-based
 *   policy; otherwise the request is implicitly denied. (Same-account requests by a role; no SCP, RCP, session or
 *   resource-based policy is modelled.)
 * - Action / NotAction (.../reference_policies_elements_action.html, .../reference_policies_elements_notaction.html):
 *   `service:Name` matched case-insensitively, `*` and `?` wildcards; NotAction matches every action not listed.
 * - Resource / NotResource (.../reference_policies_elements_resource.html): ARNs matched case-sensitively, segment by
 *   segment (partition, service, region, account, resource); `*` and `?` never cross a segment's colon except in
 *   the last segment of the pattern, which takes the rest of the ARN. `*` alone matches everything.
 * - Conditions (.../reference_policies_elements_condition_operators.html, .../reference_policies_condition-single-vs-multi-valued-context-keys.html):
 *   operators within a block, and keys within an operator, are ANDed; values of one key are ORed (for the negated
 *   operators `...Not...`: the context value must match none of them). A key missing from the request makes a
 *   positive operator false and a negated operator true; `...IfExists` is true when the key is missing; `Null`
 *   tests presence. `ForAnyValue:` is true when some context value satisfies the operator (false when the key is
 *   missing), `ForAllValues:` when every one does (true when missing or empty). A multivalued context value without
 *   a set operator is an error here.
 *   Operators: StringEquals, StringNotEquals, StringEqualsIgnoreCase, StringNotEqualsIgnoreCase, StringLike,
 *   StringNotLike, ArnEquals, ArnNotEquals, ArnLike, ArnNotLike, Bool, Null.
 * - Resource-based policies of the same account, for an AWS service principal (`evaluateForService`; "Principal",
 *   .../reference_policies_elements_principal.html, "AWS service principals"): a statement applies when its
 *   `Principal` is `{ "Service": ... }` naming that service; any other Principal form throws. Identity policies and
 *   Principal are never mixed: `evaluate` ignores Principal, so pass it identity documents only.
 * - Policy variables (.../reference_policies_variables.html): `${key}` in Resource and condition values is replaced by
 *   the request's value of `key`; a missing key makes that Resource entry or condition value match nothing. The
 *   escapes `${*}`, `${?}`, `${$}` stand for the literal characters. Terraform references (`${aws_x.y.z}`) are not
 *   policy variables: they throw.
 */

export type ConditionValue = string | boolean | ReadonlyArray<string | boolean>;

export interface IamStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Action?: string | readonly string[];
  NotAction?: string | readonly string[];
  Resource?: string | readonly string[];
  NotResource?: string | readonly string[];
  Condition?: Readonly<Record<string, Readonly<Record<string, ConditionValue>>>>;
  Principal?: unknown;
}

export interface IamPolicy {
  Version?: string;
  Statement: IamStatement | readonly IamStatement[];
}

export type ContextValue = string | readonly string[];

export interface IamRequest {
  /** `service:Action` */
  action: string;
  /** The resource ARN the action is authorized against (or `*` for actions without a resource type). */
  resource: string;
  /** Request context keys (`aws:RequestTag/environment`, `iam:PermissionsBoundary`, …). Keys are case-insensitive. */
  context?: Readonly<Record<string, ContextValue | undefined>>;
}

export type Decision = "Allow" | "ExplicitDeny" | "ImplicitDeny";

export interface Evaluation {
  decision: Decision;
  /** Statements that matched the request, as `<policy>#<Sid or index>` (Allow and Deny). */
  matched: string[];
}

export interface PolicySet {
  /** Identity-based policies by name. */
  identity: Readonly<Record<string, IamPolicy>>;
  /** The permissions boundary, if the principal has one. */
  boundary?: IamPolicy;
}

const asList = <T>(value: T | readonly T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? [...(value as T[])] : [value as T]);

const compiled = new Map<string, RegExp>();

function globToRegExp(pattern: string, caseInsensitive: boolean): RegExp {
  const cacheKey = `${caseInsensitive ? "i" : "s"}${pattern}`;
  let re = compiled.get(cacheKey);
  if (re === undefined) {
    const body = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
    re = new RegExp(`^${body}$`, caseInsensitive ? "is" : "s");
    compiled.set(cacheKey, re);
  }
  return re;
}

function glob(pattern: string, value: string, caseInsensitive = false): boolean {
  return globToRegExp(pattern, caseInsensitive).test(value);
}

// Private-use characters stand for the literal `*` and `?` of `${*}` and `${?}` until matching.
const STAR = "\uE000";
const QMARK = "\uE001";
const ESCAPES: Record<string, string> = { "*": STAR, "?": QMARK, $: "$" };

/**
 * Replaces policy variables with request values. Returns undefined when a variable's key is missing from the context
 * (the entry then matches nothing). Literal `*` and `?` from `${*}`/`${?}` are kept out of wildcard matching.
 */
function substitute(value: string, context: Readonly<Record<string, ContextValue | undefined>>): string | undefined {
  if (!value.includes("${")) return value;
  let missing = false;
  const replaced = value.replace(/\$\{([^}]*)\}/g, (whole, key: string) => {
    if (key in ESCAPES) return ESCAPES[key];
    if (!/^[a-z0-9-]+:[A-Za-z0-9/_.:-]+$/i.test(key)) {
      throw new Error(`unresolved reference ${whole}: not a policy variable (resolve Terraform references before evaluating)`);
    }
    const found = lookup(context, key);
    if (found === undefined) {
      missing = true;
      return "";
    }
    if (typeof found !== "string") throw new Error(`policy variable ${whole} has a multivalued context value`);
    return found;
  });
  return missing ? undefined : replaced;
}

/** Glob match where STAR/QMARK (from `${*}`/`${?}`) are literal characters. */
function matchWithEscapes(pattern: string, value: string, caseInsensitive = false): boolean {
  if (!pattern.includes(STAR) && !pattern.includes(QMARK)) return globToRegExp(pattern, caseInsensitive).test(value);
  const parts = pattern.split(/([\uE000\uE001])/);
  const body = parts
    .map((p) => (p === STAR ? "\\*" : p === QMARK ? "\\?" : globToRegExp(p, caseInsensitive).source.slice(1, -1)))
    .join("");
  return new RegExp(`^${body}$`, caseInsensitive ? "is" : "s").test(value);
}

function lookup(context: Readonly<Record<string, ContextValue | undefined>>, key: string): ContextValue | undefined {
  const wanted = key.toLowerCase();
  for (const [k, v] of Object.entries(context)) if (k.toLowerCase() === wanted) return v;
  return undefined;
}

/** Splits an ARN into at most `parts` colon-separated fields, the last one taking the rest. */
function splitArn(arn: string, parts: number): string[] {
  const fields = arn.split(":");
  if (fields.length <= parts) return fields;
  return [...fields.slice(0, parts - 1), fields.slice(parts - 1).join(":")];
}

/** ARN pattern match, segment by segment (see the file comment). */
export function arnMatches(pattern: string, arn: string): boolean {
  if (pattern === "*") return true;
  const patternFields = splitArn(pattern, 6);
  const arnFields = splitArn(arn, patternFields.length);
  if (arnFields.length !== patternFields.length) return false;
  return patternFields.every((p, i) => matchWithEscapes(p, arnFields[i]));
}

export function actionMatches(pattern: string, action: string): boolean {
  return glob(pattern, action, true);
}

function statementMatchesAction(s: IamStatement, action: string): boolean {
  if (s.Action !== undefined && s.NotAction !== undefined) throw new Error(`statement ${s.Sid ?? ""} has both Action and NotAction`);
  if (s.Action !== undefined) return asList(s.Action).some((a) => actionMatches(a, action));
  if (s.NotAction !== undefined) return !asList(s.NotAction).some((a) => actionMatches(a, action));
  throw new Error(`statement ${s.Sid ?? ""} has neither Action nor NotAction`);
}

function statementMatchesResource(s: IamStatement, request: IamRequest): boolean {
  const context = request.context ?? {};
  const matchesAny = (patterns: string[]) =>
    patterns.some((p) => {
      const resolved = substitute(p, context);
      return resolved !== undefined && arnMatches(resolved, request.resource);
    });
  if (s.Resource !== undefined && s.NotResource !== undefined) throw new Error(`statement ${s.Sid ?? ""} has both Resource and NotResource`);
  if (s.Resource !== undefined) return matchesAny(asList(s.Resource));
  if (s.NotResource !== undefined) return !matchesAny(asList(s.NotResource));
  throw new Error(`statement ${s.Sid ?? ""} has neither Resource nor NotResource (identity policies need one)`);
}

type Comparator = (conditionValue: string, contextValue: string) => boolean;

const BASE_OPERATORS: Record<string, { compare: Comparator; negated: boolean }> = {
  StringEquals: { compare: (c, v) => c === v, negated: false },
  StringNotEquals: { compare: (c, v) => c === v, negated: true },
  StringEqualsIgnoreCase: { compare: (c, v) => c.toLowerCase() === v.toLowerCase(), negated: false },
  StringNotEqualsIgnoreCase: { compare: (c, v) => c.toLowerCase() === v.toLowerCase(), negated: true },
  StringLike: { compare: (c, v) => matchWithEscapes(c, v), negated: false },
  StringNotLike: { compare: (c, v) => matchWithEscapes(c, v), negated: true },
  // "ArnEquals" and "ArnLike" both match each ARN segment with wildcards (condition operators page).
  ArnEquals: { compare: (c, v) => arnMatches(c, v), negated: false },
  ArnLike: { compare: (c, v) => arnMatches(c, v), negated: false },
  ArnNotEquals: { compare: (c, v) => arnMatches(c, v), negated: true },
  ArnNotLike: { compare: (c, v) => arnMatches(c, v), negated: true },
  Bool: { compare: (c, v) => c.toLowerCase() === v.toLowerCase(), negated: false },
};

function conditionHolds(operatorName: string, key: string, rawValues: ConditionValue, request: IamRequest): boolean {
  const context = request.context ?? {};
  const contextValue = lookup(context, key);
  const values = asList(rawValues).map(String);

  if (operatorName === "Null") {
    if (values.length !== 1 || !["true", "false"].includes(values[0])) throw new Error(`Null condition on ${key} needs "true" or "false"`);
    const absent = contextValue === undefined || (Array.isArray(contextValue) && contextValue.length === 0);
    return values[0] === "true" ? absent : !absent;
  }

  const setMatch = /^(ForAnyValue|ForAllValues):(.+)$/.exec(operatorName);
  const setOperator = setMatch?.[1];
  let operator = setMatch ? setMatch[2] : operatorName;
  const ifExists = operator.endsWith("IfExists");
  if (ifExists) operator = operator.slice(0, -"IfExists".length);
  const base = BASE_OPERATORS[operator];
  if (!base) throw new Error(`condition operator ${operatorName} is not implemented by this evaluator`);

  // One context value against the condition's values: positive operators need some match, negated ones none.
  const resolvedValues = values.map((v) => substitute(v, context)).filter((v): v is string => v !== undefined);
  const satisfied = (v: string) => {
    const any = resolvedValues.some((c) => base.compare(c, v));
    return base.negated ? !any : any;
  };

  if (setOperator !== undefined) {
    const list = contextValue === undefined ? [] : asList<string>(contextValue);
    if (setOperator === "ForAnyValue") return list.some(satisfied);
    return list.every(satisfied);
  }
  if (contextValue === undefined) return ifExists || base.negated;
  if (Array.isArray(contextValue)) throw new Error(`context key ${key} is multivalued: use ForAnyValue:/ForAllValues: with ${operatorName}`);
  return satisfied(contextValue as string);
}

function statementMatches(s: IamStatement, request: IamRequest): boolean {
  if (!statementMatchesAction(s, request.action) || !statementMatchesResource(s, request)) return false;
  for (const [operator, block] of Object.entries(s.Condition ?? {})) {
    for (const [key, values] of Object.entries(block)) if (!conditionHolds(operator, key, values, request)) return false;
  }
  return true;
}

/** Evaluates one policy on its own: Deny if a Deny statement matches, Allow if an Allow does, else implicit deny. */
export function evaluatePolicy(policy: IamPolicy, request: IamRequest, name = "policy"): Evaluation {
  const matched: string[] = [];
  let allow = false;
  let deny = false;
  asList(policy.Statement).forEach((s, i) => {
    if (s.Effect !== "Allow" && s.Effect !== "Deny") throw new Error(`${name}: statement ${i} has Effect ${String(s.Effect)}`);
    if (statementMatches(s, request)) {
      matched.push(`${name}#${s.Sid ?? i}`);
      if (s.Effect === "Deny") deny = true;
      else allow = true;
    }
  });
  return { decision: deny ? "ExplicitDeny" : allow ? "Allow" : "ImplicitDeny", matched };
}

/**
 * A resource-based policy's answer to an AWS service principal (`events.amazonaws.com`) acting in the same account:
 * only statements whose Principal names that service count. Throws on Principal forms this evaluator does not model.
 */
export function evaluateForService(policy: IamPolicy, service: string, request: IamRequest, name = "resource policy"): Evaluation {
  const statements = asList(policy.Statement).filter((s, i) => {
    const principal = s.Principal as { Service?: string | readonly string[] } | undefined;
    const keys = principal && typeof principal === "object" ? Object.keys(principal) : [];
    if (keys.length !== 1 || keys[0] !== "Service") throw new Error(`${name}: statement ${s.Sid ?? i} has Principal ${JSON.stringify(s.Principal)}; only { "Service": ... } is modelled`);
    return asList(principal?.Service).includes(service);
  });
  return evaluatePolicy({ Statement: statements }, request, name);
}

/** The decision for a principal with identity-based policies and an optional permissions boundary. */
export function evaluate(policies: PolicySet, request: IamRequest): Evaluation {
  const identity = Object.entries(policies.identity).map(([name, p]) => evaluatePolicy(p, request, name));
  const boundary = policies.boundary ? evaluatePolicy(policies.boundary, request, "boundary") : undefined;
  const all = boundary ? [...identity, boundary] : identity;
  const matched = all.flatMap((e) => e.matched);
  if (all.some((e) => e.decision === "ExplicitDeny")) return { decision: "ExplicitDeny", matched };
  if (boundary && boundary.decision !== "Allow") return { decision: "ImplicitDeny", matched };
  return { decision: identity.some((e) => e.decision === "Allow") ? "Allow" : "ImplicitDeny", matched };
}

/** Same answer as `evaluate(...).decision === "Allow"`, stopping at the boundary when it does not allow. */
export function isAllowed(policies: PolicySet, request: IamRequest): boolean {
  if (policies.boundary && evaluatePolicy(policies.boundary, request, "boundary").decision !== "Allow") return false;
  const identity = Object.entries(policies.identity).map(([name, p]) => evaluatePolicy(p, request, name).decision);
  return !identity.includes("ExplicitDeny") && identity.includes("Allow");
}
