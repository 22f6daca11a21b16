import { Construct } from "constructs";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamPolicyStatement, iamPolicyJson, policySize, ROLE_INLINE_POLICIES_MAX_CHARS } from "./iam/policy-document";
import { policyDocument, PolicyStatement } from "./policy";

export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";
export const GITHUB_OIDC_AUDIENCE = "sts.amazonaws.com";

export interface GithubOidcRoleProps {
  readonly roleName: string;
  readonly description: string;
  /** ARN of the account's IAM OIDC provider for token.actions.githubusercontent.com. */
  readonly providerArn: string;
  /**
   * Accepted `sub` claims, e.g. `repo:owner/name:environment:prod`. Exact values are matched with
   * StringEquals; values containing `*` are matched with StringLike.
   */
  readonly subjects: readonly string[];
  /** Inline policies by name. */
  readonly policies: Readonly<Record<string, readonly IamPolicyStatement[]>>;
  /**
   * ARN of the managed policy set as the role's permissions boundary (the most its policies can grant).
   * Required: every pipeline role of this project is bounded (docs/iam.md).
   */
  readonly permissionsBoundaryArn: string;
  /** @default 3600 */
  readonly maxSessionDurationSeconds?: number;
}

const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

/** An IAM role that GitHub Actions workflows assume with OIDC (`aws-actions/configure-aws-credentials`). */
export class GithubOidcRole extends Construct {
  readonly roleArn: string;
  readonly roleName: string;

  constructor(scope: Construct, id: string, props: GithubOidcRoleProps) {
    super(scope, id);
    if (!ROLE_NAME.test(props.roleName)) throw new Error(`GithubOidcRole: "${props.roleName}" is not a valid IAM role name (1-64 of letters, digits, +=,.@_-)`);
    if (props.subjects.length === 0) throw new Error(`GithubOidcRole ${props.roleName}: at least one subject is required`);
    for (const subject of props.subjects) {
      if (!/^repo:[^:*]+\/[^:*]+:.+$/.test(subject)) {
        throw new Error(`GithubOidcRole ${props.roleName}: subject "${subject}" must start with repo:<owner>/<name>: (no wildcard in the repository)`);
      }
    }
    if (Object.keys(props.policies).length === 0) throw new Error(`GithubOidcRole ${props.roleName}: at least one policy is required`);

    const exact = props.subjects.filter((s) => !s.includes("*"));
    const patterns = props.subjects.filter((s) => s.includes("*"));
    // One statement per match kind: conditions within a statement are ANDed, statements are ORed.
    const audience = { [`${GITHUB_OIDC_HOST}:aud`]: GITHUB_OIDC_AUDIENCE };
    const subject = (values: string[]) => ({ [`${GITHUB_OIDC_HOST}:sub`]: values });
    const trust = (condition: PolicyStatement["Condition"]): PolicyStatement => ({
      Effect: "Allow",
      Principal: { Federated: props.providerArn },
      Action: "sts:AssumeRoleWithWebIdentity",
      Condition: condition,
    });
    const statements: PolicyStatement[] = [];
    if (exact.length > 0) statements.push(trust({ StringEquals: { ...audience, ...subject(exact) } }));
    if (patterns.length > 0) statements.push(trust({ StringEquals: audience, StringLike: subject(patterns) }));

    const role = new IamRole(this, "role", {
      name: props.roleName,
      description: props.description,
      assumeRolePolicy: policyDocument(...statements),
      maxSessionDuration: props.maxSessionDurationSeconds ?? 3600,
      permissionsBoundary: props.permissionsBoundaryArn,
    });
    let size = 0;
    for (const [name, policy] of Object.entries(props.policies)) {
      if (policy.length === 0) throw new Error(`GithubOidcRole ${props.roleName}: policy "${name}" has no statements`);
      const json = iamPolicyJson(policy);
      size += policySize(json);
      new IamRolePolicy(this, `policy-${name}`, { name, role: role.id, policy: json });
    }
    if (size > ROLE_INLINE_POLICIES_MAX_CHARS) {
      throw new Error(`GithubOidcRole ${props.roleName}: inline policies total ${size} characters, over IAM's ${ROLE_INLINE_POLICIES_MAX_CHARS} per role`);
    }
    this.roleArn = role.arn;
    this.roleName = role.name;
  }
}
