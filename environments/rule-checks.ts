/**
 * Checks of an environment's rules and targets against what AWS accepts, run with the other cross-field checks
 * (schema.ts) once every field is valid on its own: raw event patterns (the shared validator, event-pattern.ts),
 * target ARNs outside the environment's partition, account or region, and the names a target's resources get.
 */
import type { z } from "zod";
import { targetResourceName } from "./defaults";
import { validateEventPattern } from "./event-pattern";
import { MAX_IAM_ROLE_NAME, MAX_SQS_QUEUE_NAME } from "./quotas";
import { partitionOf } from "./regions";
import type { EnvironmentConfig, TargetConfig } from "./schema";

export function checkRulesAgainstAws(env: EnvironmentConfig, ctx: z.RefinementCtx): void {
  // Where each `<rule>-<target>` base name was first used: rule "a-b" with target "c" and rule "a" with target "b-c"
  // would both create `genesys-<env>-a-b-c` (queues, streams, roles, alarms).
  const firstUse = new Map<string, { rule: string; target: string }>();
  env.rules.forEach((rule, r) => {
    if (rule.eventPattern && Object.keys(rule.eventPattern).length > 0) {
      // Structure, operators and size, as EventBridge checks them at apply; the path inside the pattern is named.
      for (const problem of validateEventPattern(rule.eventPattern)) {
        const [where, ...rest] = problem.split(": ");
        const inside = where === "(pattern)" ? [] : [where];
        ctx.addIssue({ code: "custom", path: ["rules", r, "eventPattern", ...inside], params: { omitValue: true }, message: rest.join(": ") });
      }
    }
    rule.targets.forEach((target, t) => {
      const at = ["rules", r, "targets", t];
      const foreign = foreignTargetArn(target, env.aws.accountId, env.aws.region);
      if (foreign) ctx.addIssue({ code: "custom", path: [...at, foreign.field], params: { value: foreign.arn }, message: foreign.message });

      const joined = `${rule.name}-${target.name}`;
      const first = firstUse.get(joined);
      if (first) {
        ctx.addIssue({
          code: "custom",
          path: [...at, "name"],
          params: { value: target.name },
          message: `names its resources "${joined}" like target "${first.target}" of rule "${first.rule}"; rename one (rule and target names are joined with '-')`,
        });
      } else {
        firstUse.set(joined, { rule: rule.name, target: target.name });
      }

      // The longest names a target makes (quotas.ts): its dead-letter queue, and the delivery role of Kinesis/Firehose.
      const base = targetResourceName(env.name, rule.name, target.name);
      const names: Array<[string, number, string]> = [[`${base}-dlq`, MAX_SQS_QUEUE_NAME, "dead-letter queue (SQS)"]];
      if (target.type === "kinesis" || target.type === "firehose") names.push([`${base}-delivery`, MAX_IAM_ROLE_NAME, "delivery role (IAM)"]);
      for (const [name, max, what] of names.filter(([n, m]) => n.length > m)) {
        ctx.addIssue({
          code: "custom",
          path: [...at, "name"],
          params: { value: target.name },
          message: `makes the ${what} name "${name}" ${name.length} characters, over the ${max} AWS allows; shorten the rule or target name`,
        });
      }
    });
  });
}

/**
 * A Lambda, Kinesis or Firehose target ARN in another partition, account or region than the environment. Those
 * need grants this stack does not create (a Lambda permission in the other account, a delivery role the other
 * account trusts, or a bus-to-bus route for another region), so they are refused rather than failing at delivery.
 */
function foreignTargetArn(target: TargetConfig, accountId: string, region: string): { field: string; arn: string; message: string } | undefined {
  const field = target.type === "lambda" ? "functionArn" : target.type === "kinesis" ? "streamArn" : target.type === "firehose" ? "deliveryStreamArn" : undefined;
  const arn = field ? (target as Record<string, unknown>)[field] : undefined;
  if (!field || typeof arn !== "string") return undefined;
  const [, partition, , arnRegion, arnAccount] = arn.split(":");
  const expected = partitionOf(region);
  const where: string[] = [];
  if (partition !== expected) where.push(`partition ${partition} (the environment's region ${region} is in ${expected})`);
  if (arnAccount !== accountId) where.push(`account ${arnAccount}`);
  if (arnRegion !== region) where.push(`region ${arnRegion}`);
  if (where.length === 0) return undefined;
  return {
    field,
    arn,
    message:
      `is in ${where.join(", ")}, not the environment's account ${accountId} and region ${region}: cross-account and ` +
      `cross-region targets need different permissions (a grant in the other account, or a bus-to-bus route), which this stack does not create; ` +
      `use a ${target.type} target in ${accountId}/${region}`,
  };
}
