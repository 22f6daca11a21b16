/** Loads and validates the configuration of every environment (environments/<env>.ts). */
import { config as dev } from "./dev";
import { config as prod } from "./prod";
import { config as staging } from "./staging";
import { checkAcrossEnvironments } from "./cross-environment";
import { ENVIRONMENT_NAMES, EnvironmentConfig, EnvironmentConfigInput, EnvironmentName, validateEnvironment } from "./schema";

export * from "./schema";
export { CrossEnvironmentError, checkAcrossEnvironments, crossEnvironmentProblems } from "./cross-environment";

const INPUTS: Record<EnvironmentName, EnvironmentConfigInput> = { dev, staging, prod };

/** The validated configuration of one environment; throws ConfigError naming every problem. */
export function loadEnvironment(name: string): EnvironmentConfig {
  if (!(ENVIRONMENT_NAMES as readonly string[]).includes(name)) {
    throw new Error(`Unknown environment "${name}": expected one of ${ENVIRONMENT_NAMES.join(", ")}.`);
  }
  return validateEnvironment(name, INPUTS[name as EnvironmentName]);
}

/**
 * Every environment, validated on its own and then against each other (shared state, buckets, partner buses,
 * quotas: cross-environment.ts), in promotion order (dev, staging, prod).
 */
export function loadAllEnvironments(): EnvironmentConfig[] {
  const environments = ENVIRONMENT_NAMES.map(loadEnvironment);
  checkAcrossEnvironments(environments);
  return environments;
}
