/** Reads the IAM roles of a synthesized stack (Terraform JSON) as policy sets the evaluator can judge. */
import { IamPolicy, IamStatement, PolicySet } from "./iam-evaluator";

type Block = Record<string, unknown>;
export interface SynthesizedIam {
  resource: Record<string, Record<string, Block>>;
}

export interface SynthesizedRole extends PolicySet {
  readonly name: string;
  readonly trust: IamPolicy;
  /** The boundary policy's name, when the role has one. */
  readonly boundaryName?: string;
}

const parse = (value: unknown): IamPolicy => JSON.parse(String(value)) as IamPolicy;

/** The role named `roleName`: its inline policies by name, its trust policy and its permissions boundary document. */
export function synthesizedRole(synth: SynthesizedIam, roleName: string): SynthesizedRole {
  const roles = synth.resource.aws_iam_role ?? {};
  const entry = Object.entries(roles).find(([, r]) => r.name === roleName);
  if (!entry) throw new Error(`no aws_iam_role named ${roleName} (have: ${Object.values(roles).map((r) => String(r.name)).join(", ")})`);
  const [id, role] = entry;
  const identity: Record<string, IamPolicy> = {};
  for (const p of Object.values(synth.resource.aws_iam_role_policy ?? {})) {
    if (p.role === `\${aws_iam_role.${id}.id}` || p.role === roleName) identity[String(p.name)] = parse(p.policy);
  }
  for (const inline of (role.inline_policy as Block[] | undefined) ?? []) identity[String(inline.name)] = parse(inline.policy);
  const boundaryRef = role.permissions_boundary as string | undefined;
  let boundary: IamPolicy | undefined;
  let boundaryName: string | undefined;
  if (boundaryRef !== undefined) {
    const policies = synth.resource.aws_iam_policy ?? {};
    const ref = /^\$\{aws_iam_policy\.([^.}]+)\.arn\}$/.exec(boundaryRef);
    const policy = ref ? policies[ref[1]] : Object.values(policies).find((p) => boundaryRef.endsWith(`:policy/${String(p.name)}`));
    if (!policy) throw new Error(`role ${roleName}: permissions boundary ${boundaryRef} is not a policy of this stack`);
    boundary = parse(policy.policy);
    boundaryName = String(policy.name);
  }
  return { name: roleName, identity, boundary, boundaryName, trust: parse(role.assume_role_policy) };
}

/** Every statement of a role's identity policies and boundary, labelled by where it comes from. */
export function statementsOf(role: PolicySet): Array<{ policy: string; statement: IamStatement }> {
  const list = (p: IamPolicy) => (Array.isArray(p.Statement) ? (p.Statement as IamStatement[]) : [p.Statement as IamStatement]);
  return [
    ...Object.entries(role.identity).flatMap(([policy, doc]) => list(doc).map((statement) => ({ policy, statement }))),
    ...(role.boundary ? list(role.boundary).map((statement) => ({ policy: "boundary", statement })) : []),
  ];
}

/** A copy of a policy set with one identity policy added (to show what the boundary still holds). */
export function withIdentity(role: PolicySet, name: string, ...statements: IamStatement[]): PolicySet {
  return { ...role, identity: { ...role.identity, [name]: { Version: "2012-10-17", Statement: statements } } };
}
