/** Names the configuration defaults to, shared by validation (cross-environment checks) and the stacks. */

export const PROJECT = "genesys-eventbridge";

/** The state key of an environment unless its config names one (`stateBackend.key`). */
export function defaultStateKey(environment: string): string {
  return `${PROJECT}/${environment}.tfstate`;
}

/** Prefix of every AWS resource name of an environment (queues, topics, streams, rules, archive, alarms, roles). */
export function resourcePrefix(environment: string): string {
  return `genesys-${environment}`;
}

/** Base name of a target's resources: `<prefix>-<rule>-<target>` (queue, stream, topic, log group, role). */
export function targetResourceName(environment: string, rule: string, target: string): string {
  return `${resourcePrefix(environment)}-${rule}-${target}`;
}
