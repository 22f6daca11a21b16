/**
 * Checks across environments, run once every environment is valid on its own (`loadAllEnvironments`): what two
 * environments can each declare correctly but not both, because it would collide at apply or, worse, apply
 * cleanly and let one environment overwrite another's state or bus.
 *
 * - State: each environment's state object (bucket + key) is its own, across accounts too (bucket names are global).
 * - Bootstrap: a state bucket belongs to one account and one region, because that account's bootstrap stack
 *   creates it (two bootstrap stacks cannot both create one bucket).
 * - Partner bus: account + region + event source suffix is one environment's (the bus and the integration's
 *   partner source are named by it), and in one account and region no suffix is a prefix of another: the bus
 *   waits for its source with `data.aws_cloudwatch_event_source`, which looks sources up by name prefix and "will
 *   only return one partner event source. An error will be returned if multiple sources match the same name prefix"
 *   (Terraform AWS provider, Data Source: aws_cloudwatch_event_source,
 *   https://registry.terraform.io/providers/hashicorp/aws/latest/docs/data-sources/cloudwatch_event_source), so
 *   `…/genesys-dev` would fail once `…/genesys-dev2` exists. This holds even when the environments pin different
 *   Genesys organization ids: the bootstrap stack scopes each pipeline role to `cloud/<any org>/<suffix>` (the org is not
 *   always known at synth), so a shared suffix in one account and region would let each pipeline reach the other's
 *   bus. Across accounts and regions, the partner source name `aws.partner/genesys.com/cloud/<org>/<suffix>` is
 *   unique among all AWS customers ("CreatePartnerEventSource", Amazon EventBridge API Reference), so two
 *   environments that may share an organization (unpinned, or pinned to the same id) must not share a suffix.
 * - Names: in one account, no environment's name prefix (`genesys-<env>-`, which every grant of its pipeline roles
 *   uses) starts another's.
 * - Quota: CloudWatch Logs resource policies per account and region (one per environment, from its bootstrap stack).
 *
 * Names AWS requires to be unique per account (IAM roles) or per account and region (queues, topics, log groups,
 * alarms, …) are checked on the built stacks (stacks/resource-names.ts), where the names are the ones synthesized.
 */
import { defaultStateKey, resourcePrefix } from "./defaults";
import { MAX_LOGS_RESOURCE_POLICIES_PER_REGION } from "./quotas";
import type { EnvironmentConfig } from "./schema";

/** Raised when environments collide; `problems` holds one line per collision, naming both environments and files. */
export class CrossEnvironmentError extends Error {
  constructor(readonly problems: string[]) {
    super(`Environments collide:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "CrossEnvironmentError";
  }
}

/** `"dev" (environments/dev.ts)` */
export function describeEnvironment(name: string): string {
  return `"${name}" (environments/${name}.ts)`;
}

function both(a: EnvironmentConfig, b: EnvironmentConfig): string {
  return `environments ${describeEnvironment(a.name)} and ${describeEnvironment(b.name)}`;
}

/** Every pair (a, b) of `items` with a before b. */
function pairs<T>(items: readonly T[]): Array<[T, T]> {
  return items.flatMap((a, i) => items.slice(i + 1).map((b): [T, T] => [a, b]));
}

export function stateObjectOf(env: EnvironmentConfig): string {
  return `s3://${env.stateBackend.bucket}/${env.stateBackend.key ?? defaultStateKey(env.name)}`;
}

/** Same AWS account and region: one bootstrap scope (`cloud/<any org>/<suffix>`) and one partner-source lookup namespace. */
function sameAccountAndRegion(a: EnvironmentConfig, b: EnvironmentConfig): boolean {
  return a.aws.accountId === b.aws.accountId && a.aws.region === b.aws.region;
}

/** Possibly the same Genesys organization: unless both pin different organization ids. */
function maySharePartnerSourceName(a: EnvironmentConfig, b: EnvironmentConfig): boolean {
  const [oa, ob] = [a.genesys.organizationId, b.genesys.organizationId];
  return oa === undefined || ob === undefined || oa === ob;
}

/** The collisions between environments; empty when there are none. */
export function crossEnvironmentProblems(environments: readonly EnvironmentConfig[]): string[] {
  const problems: string[] = [];
  for (const [a, b] of pairs(environments)) {
    if (stateObjectOf(a) === stateObjectOf(b)) {
      problems.push(
        `${both(a, b)} both keep their state in ${stateObjectOf(a)}: each apply would overwrite the other's state; ` +
          `give one a different stateBackend.key (or bucket)`,
      );
    }
    if (a.stateBackend.bucket === b.stateBackend.bucket) {
      if (a.aws.accountId !== b.aws.accountId) {
        problems.push(
          `${both(a, b)} use state bucket ${a.stateBackend.bucket} from accounts ${a.aws.accountId} and ${b.aws.accountId}: ` +
            `each account's bootstrap stack would create that bucket, and a bucket name exists once; use one bucket per account`,
        );
      }
      if (a.stateBackend.region !== b.stateBackend.region) {
        problems.push(
          `${both(a, b)} declare state bucket ${a.stateBackend.bucket} in regions ${a.stateBackend.region} and ${b.stateBackend.region}: ` +
            `a bucket lives in one region; use the same stateBackend.region`,
        );
      }
    }
    // Every grant of an environment's pipeline roles (and its Logs resource policy) is `genesys-<env>-*`: in one
    // account, a prefix that starts another's would reach the other's queues, log groups and roles. The bootstrap
    // stack checks this among its own environments; environments with different state buckets get different
    // bootstrap stacks, so it is checked here, across all of them (attacker review of issue #10).
    const [pa, pb] = [`${resourcePrefix(a.name)}-`, `${resourcePrefix(b.name)}-`];
    if (a.aws.accountId === b.aws.accountId && (pa.startsWith(pb) || pb.startsWith(pa))) {
      problems.push(
        `${both(a, b)} are both in account ${a.aws.accountId} with name prefixes "${pa}" and "${pb}", one of which starts the other: ` +
          `every IAM grant of the shorter one ("${pa.length < pb.length ? pa : pb}*") would reach the other's resources and roles; ` +
          `rename one environment, or move it to another account`,
      );
    }
    const [sa, sb] = [a.integration.eventSourceSuffix, b.integration.eventSourceSuffix];
    if (sameAccountAndRegion(a, b)) {
      const where = `account ${a.aws.accountId}, region ${a.aws.region}`;
      if (sa === sb) {
        problems.push(
          `${both(a, b)} both declare the partner bus aws.partner/genesys.com/cloud/<org>/${sa} in ${where}: ` +
            `both stacks would own one bus and one Genesys event source (and each pipeline's role would reach the other's); ` +
            `give one a different integration.eventSourceSuffix`,
        );
      } else if (sa.startsWith(sb) || sb.startsWith(sa)) {
        const [short, long] = sa.length < sb.length ? [sa, sb] : [sb, sa];
        problems.push(
          `${both(a, b)} use event source suffixes "${short}" and "${long}" in ${where}: the partner-source lookup of ` +
            `".../${short}" is by name prefix and would also match ".../${long}", and fails on two matches; ` +
            `choose suffixes where neither starts with the other`,
        );
      }
    } else if (sa === sb && maySharePartnerSourceName(a, b)) {
      problems.push(
        `${both(a, b)} both use event source suffix "${sa}" and may share a Genesys organization: the partner event ` +
          `source aws.partner/genesys.com/cloud/<org>/${sa} exists once across all AWS accounts, so the second ` +
          `integration would collide at apply; give one a different integration.eventSourceSuffix (or pin different ` +
          `genesys.organizationId values if the environments use different Genesys orgs)`,
      );
    }
  }
  problems.push(...logsPolicyQuotaProblems(environments));
  problems.push(...sharedExternalTargetProblems(environments));
  return problems;
}

/** ARNs of resources an environment targets but does not own: Lambda functions and existing streams. */
function externalTargetArns(env: EnvironmentConfig): string[] {
  return env.rules.flatMap((r) =>
    r.targets.flatMap((t) =>
      t.type === "lambda" ? [t.functionArn] : t.type === "firehose" ? [t.deliveryStreamArn] : t.type === "kinesis" && t.streamArn ? [t.streamArn] : [],
    ),
  );
}

/**
 * One external target in two environments: each environment's apply role may manage that function's EventBridge
 * permissions (lambda:RemovePermission) or put records on that stream, so one pipeline could cut the other's
 * delivery (attacker review of issue #10). Give each environment its own function or stream.
 */
function sharedExternalTargetProblems(environments: readonly EnvironmentConfig[]): string[] {
  const problems: string[] = [];
  for (const [a, b] of pairs(environments)) {
    const theirs = new Set(externalTargetArns(b));
    for (const arn of new Set(externalTargetArns(a))) {
      if (!theirs.has(arn)) continue;
      problems.push(
        `${both(a, b)} both target ${arn}: each environment's pipeline role may change that target's permissions, so ` +
          `one environment could cut the other's delivery; give each environment its own function or stream`,
      );
    }
  }
  return problems;
}

/**
 * More environments in one account and region than CloudWatch Logs has resource policies for: the bootstrap stack
 * creates one per environment (EnvironmentLogDeliveryPolicy), log-group targets or not, so that adding one later
 * needs no bootstrap re-apply.
 */
function logsPolicyQuotaProblems(environments: readonly EnvironmentConfig[]): string[] {
  const byPlace = new Map<string, EnvironmentConfig[]>();
  for (const env of environments) {
    const place = `account ${env.aws.accountId}, region ${env.aws.region}`;
    byPlace.set(place, [...(byPlace.get(place) ?? []), env]);
  }
  return [...byPlace.entries()]
    .filter(([, envs]) => envs.length > MAX_LOGS_RESOURCE_POLICIES_PER_REGION)
    .map(
      ([place, envs]) =>
        `environments ${envs.map((e) => describeEnvironment(e.name)).join(", ")} each need a CloudWatch Logs resource policy in ${place} (the bootstrap stack creates one per environment), ` +
        `over the ${MAX_LOGS_RESOURCE_POLICIES_PER_REGION} an account has per region; move some to another account or region`,
    );
}

/** Throws CrossEnvironmentError listing every collision. */
export function checkAcrossEnvironments(environments: readonly EnvironmentConfig[]): void {
  const problems = crossEnvironmentProblems(environments);
  if (problems.length > 0) throw new CrossEnvironmentError(problems);
}
