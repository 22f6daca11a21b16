/**
 * Reads an environment's stack outputs, as written after apply by either
 *   terraform -chdir=cdktf.out/stacks/<env> output -json > outputs/<env>.json      ({ name: { value, type, sensitive } })
 * or
 *   npx cdktf output <env> --outputs-file outputs/<env>.json                        ({ "<env>": { name: value } })
 * and validates the parts the scripts rely on. The output names are those of stacks/environment-stack.ts.
 */
import * as fs from "fs";
import * as path from "path";
import { z } from "zod";
import { BadInputError } from "../cli";

/** The outputs file is missing, unreadable or not the environment's outputs: bad input (exit 2 in rotate and smoke). */
export class StackOutputsError extends BadInputError {}

const target = z
  .object({
    type: z.string(),
    arn: z.string(),
    dead_letter_queue_arn: z.string(),
    dead_letter_queue_url: z.string(),
  })
  .catchall(z.string());

export const stackOutputsSchema = z.object({
  environment: z.string(),
  aws_account_id: z.string(),
  aws_region: z.string(),
  genesys_region: z.string(),
  integration_id: z.string(),
  partner_event_source_name: z.string(),
  event_bus_name: z.string(),
  event_bus_arn: z.string(),
  archive_name: z.string(),
  archive_arn: z.string().optional(),
  alarm_topic_arn: z.string(),
  kms_key_arn: z.string().optional(),
  rules: z.record(z.string(), z.object({ name: z.string(), arn: z.string(), targets: z.record(z.string(), target) })),
  services: z.record(
    z.string(),
    z.object({
      role_id: z.string(),
      client_ids: z.array(z.string()).min(1).max(2),
      secret_arn: z.string(),
      secret_name: z.string(),
    }),
  ),
  // The smoke canary (stacks/environment-stack.ts, modules/genesys/canary.ts); older stacks output only rule/target.
  canary: z
    .object({
      rule: z.string(),
      target: z.string(),
      service: z.string().optional(),
      trigger: z.enum(["wrapup-code", "user-presence"]).optional(),
      division_id: z.string().optional(),
      role_id: z.string().optional(),
      entity_id: z.string().optional(),
    })
    .nullable()
    .optional(),
});

export type StackOutputs = z.infer<typeof stackOutputsSchema>;
export type ServiceOutputs = StackOutputs["services"][string];
export type RuleOutputs = StackOutputs["rules"][string];

/** The default location of an environment's outputs file. */
export function defaultOutputsPath(environment: string, cwd = process.cwd()): string {
  return path.join(cwd, "outputs", `${environment}.json`);
}

function isTerraformOutputJson(value: Record<string, unknown>): boolean {
  const entries = Object.values(value);
  return entries.length > 0 && entries.every((v) => typeof v === "object" && v !== null && "value" in v && "type" in v);
}

/** Normalises either file format to `{ name: value }`. */
export function unwrapOutputs(raw: unknown, environment: string): Record<string, unknown> {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new Error("expected a JSON object");
  }
  const object = raw as Record<string, unknown>;
  if (isTerraformOutputJson(object)) {
    return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, (v as { value: unknown }).value]));
  }
  const nested = object[environment];
  if (typeof nested === "object" && nested !== null && !Array.isArray(nested)) {
    return nested as Record<string, unknown>;
  }
  return object;
}

/**
 * Loads and validates the outputs of `environment`. Errors name the file, what is missing and how to produce it.
 */
export function loadStackOutputs(environment: string, file = defaultOutputsPath(environment)): StackOutputs {
  const howTo =
    `Write it after apply with: mkdir -p ${path.relative(process.cwd(), path.dirname(file)) || "."} && terraform -chdir=cdktf.out/stacks/${environment} output -json > ${path.relative(process.cwd(), file) || file}` +
    ` (or pass --outputs FILE).`;
  if (!fs.existsSync(file)) {
    throw new StackOutputsError(`No stack outputs for environment "${environment}": ${file} does not exist. ${howTo}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new StackOutputsError(`Stack outputs file ${file} is not valid JSON (${err instanceof Error ? err.message : String(err)}). ${howTo}`, { cause: err });
  }
  let values: Record<string, unknown>;
  try {
    values = unwrapOutputs(raw, environment);
  } catch (err) {
    throw new StackOutputsError(`Stack outputs file ${file}: ${err instanceof Error ? err.message : String(err)}. ${howTo}`, { cause: err });
  }
  const parsed = stackOutputsSchema.safeParse(values);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    throw new StackOutputsError(`Stack outputs file ${file} is missing or has unexpected outputs: ${problems}. ${howTo}`);
  }
  if (parsed.data.environment !== environment) {
    throw new StackOutputsError(`Stack outputs file ${file} belongs to environment "${parsed.data.environment}", not "${environment}".`);
  }
  return parsed.data;
}
