/** Configuration tests: the message a changed copy of an environment's committed config is rejected with. */
import { ConfigError, EnvironmentConfigInput, validateEnvironment } from "../../environments";
import { config as dev } from "../../environments/dev";

/** Validates `environments/dev.ts` after `change`; returns the ConfigError's message, fails when nothing is rejected. */
export function rejectionOf(change: (c: EnvironmentConfigInput) => void): string {
  const input = structuredClone(dev);
  change(input);
  try {
    validateEnvironment("dev", input);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.message;
  }
  throw new Error("expected the configuration to be rejected");
}
