/**
 * Preflight's check of the environment's CloudWatch Logs resource policy, `genesys-<env>-eventbridge-logs`. The
 * bootstrap stack creates it (EnvironmentLogDeliveryPolicy, modules/targets/log-delivery-policy.ts) and no pipeline
 * role may create, change or delete it (docs/iam.md), so when it is missing or differs, EventBridge cannot write to
 * the environment's log groups and no deploy can repair that: an admin re-applies the bootstrap stack. Read with
 * `logs:DescribeResourcePolicies` (account scope, the API's default), which the plan and apply roles hold.
 */
import { CloudWatchLogsClient, DescribeResourcePoliciesCommand, ResourcePolicy } from "@aws-sdk/client-cloudwatch-logs";

export interface ExpectedLogsPolicy {
  readonly name: string;
  /** The document the bootstrap stack writes (environmentLogDeliveryDocument). */
  readonly document: string;
  readonly region: string;
}

export interface LogsPolicyFinding {
  readonly status: "pass" | "fail";
  readonly detail: string;
}

/** Keys whose value IAM reads as a set: a string and a one-element list mean the same. */
const SET_KEYS = new Set(["Action", "NotAction", "Resource", "NotResource", "Service", "AWS", "Federated"]);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * A canonical form of a policy document for comparison: statements without their Sid, in a stable order; each
 * set-valued element (and each condition value) as a sorted list. Two documents with the same canonical form grant
 * the same (the Version aside, which is kept). Throws when the text is not a JSON policy.
 */
export function canonicalPolicy(document: string): string {
  const parsed = JSON.parse(document) as { Version?: string; Statement?: Json };
  if (parsed === null || typeof parsed !== "object" || parsed.Statement === undefined) throw new Error("not a policy document (no Statement)");
  const asSet = (value: Json): Json => (Array.isArray(value) ? [...value].map(String).sort() : [String(value)]);
  const canonical = (value: Json, key?: string, inCondition = false): Json => {
    if (inCondition) return asSet(value);
    if (key !== undefined && SET_KEYS.has(key)) return asSet(value);
    if (Array.isArray(value)) return value.map((v) => canonical(v));
    if (value !== null && typeof value === "object") {
      return Object.fromEntries(
        Object.keys(value)
          .filter((k) => k !== "Sid")
          .sort()
          .map((k) => [k, k === "Condition" ? conditionOf(value[k]) : canonical(value[k], k)]),
      );
    }
    return value;
  };
  const conditionOf = (block: Json): Json => {
    if (block === null || typeof block !== "object" || Array.isArray(block)) return block;
    return Object.fromEntries(Object.keys(block).sort().map((op) => {
      const keys = block[op];
      if (keys === null || typeof keys !== "object" || Array.isArray(keys)) return [op, keys];
      return [op, Object.fromEntries(Object.keys(keys).sort().map((k) => [k, canonical(keys[k], k, true)]))];
    }));
  };
  const statements = (Array.isArray(parsed.Statement) ? parsed.Statement : [parsed.Statement]).map((s) => JSON.stringify(canonical(s))).sort();
  return JSON.stringify({ Version: parsed.Version ?? null, Statement: statements });
}

/** The account-scoped Logs resource policy named `name`, read page by page; undefined when there is none. */
export async function findLogsResourcePolicy(logs: CloudWatchLogsClient, name: string): Promise<ResourcePolicy | undefined> {
  let nextToken: string | undefined;
  for (let page = 0; page < 20; page++) {
    const listed = await logs.send(new DescribeResourcePoliciesCommand({ nextToken, limit: 50 }));
    const found = (listed.resourcePolicies ?? []).find((p) => p.policyName === name);
    if (found || !listed.nextToken) return found;
    nextToken = listed.nextToken;
  }
  throw new Error(`DescribeResourcePolicies did not end after 20 pages while looking for ${name}`);
}

/** PASS only when the policy exists and grants exactly what the bootstrap stack declares. */
export async function checkLogsPolicy(logs: CloudWatchLogsClient, expected: ExpectedLogsPolicy, bootstrapHint: string): Promise<LogsPolicyFinding> {
  const where = `CloudWatch Logs resource policy ${expected.name} in ${expected.region}`;
  const found = await findLogsResourcePolicy(logs, expected.name);
  if (!found) {
    return {
      status: "fail",
      detail: `${where} does not exist: EventBridge cannot write to this environment's log groups, and no pipeline role may create it. ${bootstrapHint}`,
    };
  }
  let same = false;
  let unreadable = "";
  try {
    same = canonicalPolicy(found.policyDocument ?? "") === canonicalPolicy(expected.document);
  } catch (err) {
    unreadable = ` (its document is not a JSON policy: ${(err as Error).message})`;
  }
  if (same) return { status: "pass", detail: `${where} grants EventBridge this environment's log groups, as the bootstrap stack declares` };
  return {
    status: "fail",
    detail:
      `${where} differs from what the bootstrap stack declares${unreadable}, so some log targets may get no events ` +
      `(an environment stack from before the move, or an older bootstrap, wrote it). ${bootstrapHint} Found: ${found.policyDocument ?? "(no document)"}`,
  };
}
