/** Synthesizes environment stacks once per test file and gives typed access to the Terraform JSON. */
import { Testing } from "cdktf";
import { loadEnvironment } from "../../environments";
import type { EnvironmentConfig, EnvironmentConfigInput } from "../../environments/schema";
import { validateEnvironment } from "../../environments/schema";
import { EnvironmentStack } from "../../stacks/environment-stack";

export type Block = Record<string, unknown>;

export interface Synthesized {
  json: string;
  parsed: {
    terraform: Block & { backend: { s3: Block } };
    provider: Record<string, Block[]>;
    resource: Record<string, Record<string, Block>>;
    data?: Record<string, Record<string, Block>>;
    output: Record<string, { value: unknown }>;
  };
  config: EnvironmentConfig;
}

export function synthConfig(config: EnvironmentConfig): Synthesized {
  const stack = new EnvironmentStack(Testing.app(), config);
  const json = Testing.synth(stack);
  return { json, parsed: JSON.parse(json) as Synthesized["parsed"], config };
}

export function synthEnvironment(name: string): Synthesized {
  return synthConfig(loadEnvironment(name));
}

/** Synthesizes an environment from a modified copy of a committed configuration. */
export function synthWith(name: string, change: (input: EnvironmentConfigInput) => EnvironmentConfigInput): Synthesized {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const input = structuredClone((require(`../../environments/${name}`) as { config: EnvironmentConfigInput }).config);
  return synthConfig(validateEnvironment(name, change(input)));
}

/** All resources of one type, keyed by their Terraform name. */
export function resources(s: Synthesized, type: string): Record<string, Block> {
  return s.parsed.resource[type] ?? {};
}

/** `${aws_x.name.attr}` → the referenced resource's Terraform name (or undefined for a literal). */
export function referencedName(value: unknown, type: string): string | undefined {
  const match = typeof value === "string" ? value.match(new RegExp(`^\\$\\{${type}\\.([^.}]+)\\.`)) : null;
  return match?.[1];
}

export function policyOf(block: Block, key = "policy"): { Statement: Array<Record<string, unknown>> } {
  return JSON.parse(block[key] as string) as { Statement: Array<Record<string, unknown>> };
}
