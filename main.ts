/**
 * Builds the App: one stack per environment (dev, staging, prod) from environments/<env>.ts, and one bootstrap
 * stack per AWS account and state bucket (applied once by an admin; see README "Promotion").
 */
// First: switches read when cdktf libraries load (no checkpoint calls; scripts/lib/offline.ts).
import "./scripts/lib/offline";
import { App } from "cdktf";
import { EnvironmentConfig, loadAllEnvironments } from "./environments";
import { GITHUB_REPOSITORY } from "./environments/ci";
import { createApp } from "./stacks/app";
import { BootstrapStack } from "./stacks/bootstrap-stack";
import { buildEnvironmentStacks } from "./stacks/environment-stack";

/** One bootstrap stack per AWS account and state bucket; the account's GitHub OIDC provider is created once. */
export function buildBootstrapStacks(app: App, environments: EnvironmentConfig[]): void {
  const accountsWithOidcProvider = new Set<string>();
  for (const group of groupByAccountAndBucket(environments)) {
    const [first] = group;
    const stateKmsKeyArn = first.stateBackend.kmsKeyId;
    const otherKey = group.find((e) => e.stateBackend.kmsKeyId !== stateKmsKeyArn);
    if (otherKey) {
      throw new Error(
        `environments "${first.name}" and "${otherKey.name}" share state bucket ${first.stateBackend.bucket} but not stateBackend.kmsKeyId ` +
          `(${stateKmsKeyArn ?? "none"} vs ${otherKey.stateBackend.kmsKeyId ?? "none"}): use one key per bucket, or separate buckets`,
      );
    }
    new BootstrapStack(app, `bootstrap-${first.name}`, {
      accountId: first.aws.accountId,
      region: first.stateBackend.region,
      stateBucket: first.stateBackend.bucket,
      stateKmsKeyArn,
      repository: GITHUB_REPOSITORY,
      createOidcProvider: !accountsWithOidcProvider.has(first.aws.accountId),
      environments: group.map((e) => ({
        name: e.name,
        stateKey: e.stateBackend.key,
        region: e.aws.region,
        eventSourceSuffix: e.integration.eventSourceSuffix,
      })),
    });
    accountsWithOidcProvider.add(first.aws.accountId);
  }
}

// createApp: construct and token stack traces off unless SYNTH_DEBUG=1 (stacks/app.ts); the JSON is identical.
export function buildApp(app: App = createApp()): App {
  // Validate every environment before any stack is built, so a bad value fails synth before anything is written.
  const environments = loadAllEnvironments();
  buildEnvironmentStacks(app, environments);
  buildBootstrapStacks(app, environments);
  return app;
}

function groupByAccountAndBucket(environments: EnvironmentConfig[]): EnvironmentConfig[][] {
  const groups = new Map<string, EnvironmentConfig[]>();
  for (const env of environments) {
    const key = `${env.aws.accountId}/${env.stateBackend.bucket}`;
    groups.set(key, [...(groups.get(key) ?? []), env]);
  }
  return [...groups.values()];
}

if (require.main === module) {
  try {
    buildApp().synth();
  } catch (err) {
    process.stderr.write(`synth failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}
