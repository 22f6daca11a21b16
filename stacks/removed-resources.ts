/**
 * Resources an environment stack no longer declares and must not destroy. Each gets a Terraform `removed` block with
 * `lifecycle { destroy = false }` (Terraform ≥ 1.7, https://developer.hashicorp.com/terraform/language/block/removed):
 * the next plan shows it as `forget` and the apply drops it from state without touching the object. A `removed`
 * block for an address that is not in state plans nothing (checked with Terraform 1.11 on a `terraform_data`
 * resource: no change planned), so new deployments are unaffected.
 *
 * - `aws_cloudwatch_log_resource_policy.log_delivery`: the environment's CloudWatch Logs resource policy now belongs
 *   to the bootstrap stack, under the same name (EnvironmentLogDeliveryPolicy, modules/targets/log-delivery-policy.ts).
 *   Forgetting it keeps delivery working through the handover whichever stack is applied first: the provider creates
 *   the policy with `PutResourcePolicy`, which replaces a policy of that name, and the apply role may no longer call
 *   `logs:DeleteResourcePolicy` at all (docs/iam.md).
 */
import { TerraformStack } from "cdktf";

/** Addresses every environment stack forgets (never destroys). */
export const FORGOTTEN_ADDRESSES: readonly string[] = Object.freeze(["aws_cloudwatch_log_resource_policy.log_delivery"]);

/** Emits the stack's top-level `removed` list (JSON form of `removed { from = …; lifecycle { destroy = false } }`). */
export function forgetRemovedResources(stack: TerraformStack): void {
  stack.addOverride(
    "removed",
    FORGOTTEN_ADDRESSES.map((from) => ({ from, lifecycle: { destroy: false } })),
  );
}
