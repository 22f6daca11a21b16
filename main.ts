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
import { buildEnvironmentStacks, PROJECT } from "./stacks/environment-stack";
import { requireEnvironmentBoundary } from "./modules/iam/require-boundary";
import { checkResourceNames } from "./stacks/resource-names";

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
        ...externalTargets(e),
      })),
    });
    accountsWithOidcProvider.add(first.aws.accountId);
  }
}

// createApp: construct and token stack traces off unless SYNTH_DEBUG=1 (stacks/app.ts); the JSON is identical.
export function buildApp(app: App = createApp()): App {
  // Validate every environment (alone, then against each other) before any stack is built, so a bad value fails
  // synth before anything is written; then the names the stacks will create must not collide.
  const environments = loadAllEnvironments();
  const stacks = buildEnvironmentStacks(app, environments);
  // Every IAM role of an environment stack carries the boundary its apply role requires (docs/iam.md).
  for (const stack of stacks) requireEnvironmentBoundary(stack, PROJECT, stack.config);
  checkResourceNames(stacks);
  buildBootstrapStacks(app, environments);
  return app;
}

/** Targets outside an environment's names (existing functions and streams) its bootstrap roles must reach. */
function externalTargets(env: EnvironmentConfig): { lambdaFunctionArns: string[]; firehoseStreamArns: string[]; kinesisStreamArns: string[] } {
  const targets = env.rules.flatMap((rule) => rule.targets);
  const unique = (arns: Array<string | undefined>) => [...new Set(arns.filter((a): a is string => a !== undefined))].sort();
  return {
    lambdaFunctionArns: unique(targets.map((t) => (t.type === "lambda" ? t.functionArn : undefined))),
    firehoseStreamArns: unique(targets.map((t) => (t.type === "firehose" ? t.deliveryStreamArn : undefined))),
    kinesisStreamArns: unique(targets.map((t) => (t.type === "kinesis" ? t.streamArn : undefined))),
  };
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
