/** Builds one stack per environment (dev, staging, prod) from environments/<env>.ts. */
import { App } from "cdktf";
import { loadAllEnvironments } from "./environments";
import { EnvironmentStack } from "./stacks/environment-stack";

export function buildApp(app: App = new App()): App {
  // Validate every environment before any stack is built, so a bad value fails synth before anything is written.
  const environments = loadAllEnvironments();
  for (const config of environments) {
    new EnvironmentStack(app, config);
  }
  return app;
}

if (require.main === module) {
  try {
    buildApp().synth();
  } catch (err) {
    process.stderr.write(`synth failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}
