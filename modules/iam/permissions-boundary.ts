import { Construct } from "constructs";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamPolicyStatement, iamPolicyJson, MANAGED_POLICY_MAX_CHARS, policySize } from "./policy-document";

export interface PermissionsBoundaryProps {
  /** Policy name, `<project>-<env>-boundary` (see permissionsBoundaryName). */
  readonly policyName: string;
  /** The ARN the policy will have, `arn:<partition>:iam::<account>:policy/<name>`, as the roles' conditions name it. */
  readonly expectedArn: string;
  readonly description: string;
  readonly statements: readonly IamPolicyStatement[];
}

/**
 * A customer managed policy used as a permissions boundary ("Permissions boundaries for IAM entities", IAM User
 * Guide, https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html): it grants nothing, it
 * caps what the identity policies of every role that carries it can grant, and its Deny statements hold whatever
 * those policies say. Attach it through `arn`, so Terraform creates the policy before the roles.
 */
export class PermissionsBoundary extends Construct {
  readonly arn: string;
  readonly policyName: string;
  readonly expectedArn: string;
  readonly document: string;

  constructor(scope: Construct, id: string, props: PermissionsBoundaryProps) {
    super(scope, id);
    if (!/^[\w+=,.@-]{1,128}$/.test(props.policyName)) throw new Error(`PermissionsBoundary: "${props.policyName}" is not a valid IAM policy name`);
    if (!props.expectedArn.endsWith(`:policy/${props.policyName}`) || !/^arn:aws[\w-]*:iam::\d{12}:policy\//.test(props.expectedArn)) {
      throw new Error(`PermissionsBoundary: expectedArn "${props.expectedArn}" is not the ARN of policy ${props.policyName}`);
    }
    this.document = iamPolicyJson(props.statements);
    const size = policySize(this.document);
    if (size > MANAGED_POLICY_MAX_CHARS) {
      throw new Error(`PermissionsBoundary ${props.policyName}: ${size} characters, over IAM's ${MANAGED_POLICY_MAX_CHARS} for a managed policy`);
    }
    const policy = new IamPolicy(this, "policy", { name: props.policyName, description: props.description, policy: this.document });
    this.arn = policy.arn;
    this.policyName = props.policyName;
    this.expectedArn = props.expectedArn;
  }
}
