/** What preflight checks, derived from the environment's configuration and the stack it synthesizes. */
import { App, TerraformDataSource, TerraformResource } from "cdktf";
import { AuthRole } from "../../../.gen/providers/genesyscloud/auth-role";
import type { EnvironmentConfig } from "../../../environments/schema";
import { requiredPermissions } from "../../../environments/genesys-terraform-permissions";
import { defaultStateKey, EnvironmentStack, PROJECT } from "../../../stacks/environment-stack";
import { partitionOf } from "../../../environments/regions";
import { environmentLogDeliveryDocument, environmentLogDeliveryProps } from "../../../modules/targets/log-delivery-policy";
import { resourcePrefix } from "../../../stacks/environment-stack";
import type { PreflightTarget } from "./checks";

/** Builds (does not synthesize) the environment's stack and reads what it declares. */
export function preflightTarget(config: EnvironmentConfig): PreflightTarget {
  const stack = new EnvironmentStack(new App({ stackTraces: false }), config);
  const declared: string[] = [];
  const serviceRoleNames: string[] = [];
  for (const construct of stack.node.findAll()) {
    if (construct instanceof TerraformResource) declared.push(`resource ${construct.terraformResourceType}`);
    if (construct instanceof TerraformDataSource) declared.push(`data ${construct.terraformResourceType}`);
    if (construct instanceof AuthRole && construct.nameInput) serviceRoleNames.push(construct.nameInput); // the configured name, not the attribute token
  }
  return {
    environment: config.name,
    awsAccountId: config.aws.accountId,
    awsRegion: config.aws.region,
    organizationId: config.genesys.organizationId,
    eventSourceSuffix: config.integration.eventSourceSuffix,
    stateBucket: config.stateBackend.bucket,
    stateKey: config.stateBackend.key ?? defaultStateKey(config.name),
    stateRegion: config.stateBackend.region,
    requiredPermissions: requiredPermissions(declared),
    serviceRoleNames: serviceRoleNames.sort(),
    tags: { project: PROJECT, environment: config.name },
    logsPolicy: expectedLogsPolicy(config),
  };
}

/** The Logs resource policy main.ts's bootstrap stack declares for this environment (the same derivation). */
function expectedLogsPolicy(config: EnvironmentConfig): PreflightTarget["logsPolicy"] {
  const props = environmentLogDeliveryProps({
    resourcePrefix: `${resourcePrefix(config.name)}-`,
    partition: partitionOf(config.aws.region),
    accountId: config.aws.accountId,
    region: config.aws.region,
    eventSourceSuffix: config.integration.eventSourceSuffix,
  });
  return { name: props.policyName, document: environmentLogDeliveryDocument(props), region: config.aws.region };
}
