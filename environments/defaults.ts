/** Names the configuration defaults to, shared by validation (cross-environment checks) and the stacks. */

export const PROJECT = "genesys-eventbridge";

/** The state key of an environment unless its config names one (`stateBackend.key`). */
export function defaultStateKey(environment: string): string {
  return `${PROJECT}/${environment}.tfstate`;
}
