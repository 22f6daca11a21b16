import { IConstruct } from "constructs";
import { Aspects, IAspect } from "cdktf";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { partitionOf } from "../../environments/regions";
import { permissionsBoundaryArn } from "./environment-names";

/**
 * Sets the environment's permissions boundary on every IAM role of a stack (the EventBridge delivery roles), and
 * fails synth on a role that names another boundary. The apply role may create or change a role only when it
 * carries this boundary (docs/iam.md), so a role without it would fail at apply time instead.
 */
export class RequirePermissionsBoundary implements IAspect {
  constructor(readonly boundaryArn: string) {}

  visit(node: IConstruct): void {
    if (!(node instanceof IamRole)) return;
    const current = node.permissionsBoundaryInput;
    if (current === undefined) {
      node.permissionsBoundary = this.boundaryArn;
    } else if (current !== this.boundaryArn) {
      throw new Error(`IAM role ${node.node.path} has permissions boundary ${current}; the environment's apply role may only create roles with ${this.boundaryArn}`);
    }
  }
}

/** Applies RequirePermissionsBoundary with the boundary the bootstrap stack creates for this environment. */
export function requireEnvironmentBoundary(stack: IConstruct, project: string, environment: { name: string; aws: { accountId: string; region: string } }): string {
  const arn = permissionsBoundaryArn(partitionOf(environment.aws.region), environment.aws.accountId, project, environment.name);
  Aspects.of(stack).add(new RequirePermissionsBoundary(arn));
  return arn;
}
