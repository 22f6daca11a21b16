import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { MAX_IAM_ROLE_NAME } from "../../environments/quotas";
import { EVENTS_PRINCIPAL, policyDocument, PolicyStatement } from "../policy";
import { RuleTargetContext } from "./target";

/**
 * An IAM role that only EventBridge, acting for this rule in this account, can assume, allowed `actions` on
 * `resourceArn` and nothing else (Kinesis and Firehose targets deliver through a role), plus `extra` statements
 * (e.g. `kms:GenerateDataKey` on the key of a stream this stack encrypts).
 */
export function deliveryRole(ctx: RuleTargetContext, actions: string[], resourceArn: string, extra: PolicyStatement[] = []): IamRole {
  const name = `${ctx.resourceName}-delivery`;
  if (name.length > MAX_IAM_ROLE_NAME) {
    // Cutting it would let two targets of one rule end up with the same role name, which fails only at apply.
    throw new Error(`delivery role name "${name}" is ${name.length} characters, over IAM's ${MAX_IAM_ROLE_NAME}: shorten the rule or target name`);
  }
  return new IamRole(ctx.scope, "delivery-role", {
    name,
    description: `EventBridge delivers rule ${ctx.resourceName}'s events`,
    assumeRolePolicy: policyDocument({
      Effect: "Allow",
      Principal: { Service: EVENTS_PRINCIPAL },
      Action: "sts:AssumeRole",
      Condition: {
        StringEquals: { "aws:SourceAccount": ctx.accountId },
        ArnEquals: { "aws:SourceArn": ctx.ruleArn },
      },
    }),
    inlinePolicy: [
      {
        name: "deliver",
        policy: policyDocument({ Effect: "Allow", Action: actions, Resource: resourceArn }, ...extra),
      },
    ],
  });
}
