/** IAM identity-policy statements with the elements the bootstrap roles use (NotAction/NotResource included). */

export type IamConditionBlock = Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;

export interface IamPolicyStatement {
  readonly Sid: string;
  readonly Effect: "Allow" | "Deny";
  readonly Action?: string | readonly string[];
  readonly NotAction?: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly NotResource?: string | readonly string[];
  readonly Condition?: IamConditionBlock;
}

/**
 * Size limits of IAM policies, counted without whitespace ("IAM and AWS STS quotas", IAM User Guide,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html): a managed policy (the permissions
 * boundary) 6,144 characters; all inline policies of one role together 10,240.
 */
export const MANAGED_POLICY_MAX_CHARS = 6144;
export const ROLE_INLINE_POLICIES_MAX_CHARS = 10240;

export function iamPolicyJson(statements: readonly IamPolicyStatement[]): string {
  for (const s of statements) {
    if ((s.Action === undefined) === (s.NotAction === undefined)) throw new Error(`policy statement ${s.Sid}: exactly one of Action and NotAction is required`);
    if ((s.Resource === undefined) === (s.NotResource === undefined)) throw new Error(`policy statement ${s.Sid}: exactly one of Resource and NotResource is required`);
  }
  const sids = statements.map((s) => s.Sid);
  const duplicate = sids.find((sid, i) => sids.indexOf(sid) !== i);
  if (duplicate !== undefined) throw new Error(`policy statement Sid "${duplicate}" is used twice`);
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

/** Characters IAM counts against its size quotas (whitespace outside strings excluded; JSON.stringify has none). */
export function policySize(json: string): number {
  return json.length;
}
