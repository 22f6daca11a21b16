/**
 * Every optional field of the configuration is really optional (issue #12 item 1: omitting `canary` crashed synth):
 * each environment synthesizes with every optional field removed, and with every optional field set. The optional
 * fields are read from the zod schema itself, so a new optional field is covered as soon as it exists (and this
 * test asks for a sample value for it).
 */
import { z } from "zod";
import { ENVIRONMENT_NAMES, EnvironmentConfigInput, environmentSchema, validateEnvironment } from "../environments";
import { partitionOf } from "../environments/regions";
import { resources, synthConfig } from "./support/synth";

type Path = Array<string | number>;

/** Schema nodes of the optional fields found, by path pattern (for their defaults). */
const schemaAt = new Map<string, z.ZodTypeAny>();

/** Optional keys (`.optional()` or `.default()`) of every object the schema and `value` have in common. */
function optionalPaths(schema: z.ZodTypeAny, value: unknown, path: Path = []): Path[] {
  const inner = unwrap(schema);
  if (inner instanceof z.ZodObject) {
    const shape = inner.shape as Record<string, z.ZodTypeAny>;
    const object = (value ?? {}) as Record<string, unknown>;
    return Object.entries(shape).flatMap(([key, child]) => {
      if (child.isOptional()) schemaAt.set(pattern([...path, key]), child);
      return [
        ...(child.isOptional() ? [[...path, key]] : []),
        ...(object[key] === undefined ? [] : optionalPaths(child, object[key], [...path, key])),
      ];
    });
  }
  if (inner instanceof z.ZodArray && Array.isArray(value)) {
    return value.flatMap((element, i) => optionalPaths(inner.element as z.ZodTypeAny, element, [...path, i]));
  }
  if (inner instanceof z.ZodDiscriminatedUnion && value && typeof value === "object") {
    const option = inner.optionsMap.get((value as Record<string, unknown>)[inner.discriminator] as string);
    return option ? optionalPaths(option, value, path) : [];
  }
  return [];
}

function unwrap(schema: z.ZodTypeAny): z.ZodTypeAny {
  if (schema instanceof z.ZodEffects) return unwrap(schema.innerType());
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable) return unwrap(schema.unwrap());
  if (schema instanceof z.ZodDefault) return unwrap(schema.removeDefault());
  return schema;
}

/** `rules.0.targets.1.retry` → `rules[].targets[].retry` */
const pattern = (path: Path) => path.map((k) => (typeof k === "number" ? "[]" : `.${k}`)).join("").replace(/^\./, "").replace(/\.\[\]/g, "[]");

/** Optional, but exactly one of them is required (a cross-field rule): never both removed nor both set. */
const ONE_OF = new Set(["rules[].topics", "rules[].eventPattern"]);

/** The value of a field with a default, written out explicitly (a `.default()` field with no entry in SAMPLES). */
function defaultOf(schema: z.ZodTypeAny | undefined): (() => unknown) | undefined {
  let node = schema;
  while (node instanceof z.ZodOptional || node instanceof z.ZodNullable || node instanceof z.ZodEffects) {
    node = node instanceof z.ZodEffects ? node.innerType() : node.unwrap();
  }
  return node instanceof z.ZodDefault ? () => (node as z.ZodDefault<z.ZodTypeAny>)._def.defaultValue() : undefined;
}

/** A value for an optional field: its sample, else its default; undefined when the test needs a sample for it. */
function sampleFor(path: string): ((env: EnvironmentConfigInput, at: Path) => unknown) | undefined {
  return SAMPLES[path] ?? defaultOf(schemaAt.get(path));
}

/** A value for optional fields, by path, where the default would not do; `env` is the input being changed. */
const SAMPLES: Record<string, (env: EnvironmentConfigInput, path: Path) => unknown> = {
  "genesys.organizationId": () => "0b1e6c9e-5d0a-4c44-9a57-7f3e2d1c0b9a",
  "integration.name": (env) => `Genesys events (${env.name})`,
  "rules[].description": () => "every optional field set",
  "rules[].enabled": () => true,
  "rules[].targets[].retry": () => ({ maximumRetryAttempts: 3, maximumEventAgeSeconds: 3600 }),
  "rules[].targets[].deadLetterRetentionDays": () => 7,
  "rules[].targets[].retentionDays": () => 14,
  "rules[].targets[].messageRetentionSeconds": () => 86400,
  "rules[].targets[].streamArn": (env, path) =>
    `arn:${partitionOf(env.aws.region)}:kinesis:${env.aws.region}:${env.aws.accountId}:stream/existing-${path.join("-")}`,
  "rules[].targets[].partitionKeyPath": () => "$.detail.eventBody.id",
  retry: () => ({ maximumRetryAttempts: 10, maximumEventAgeSeconds: 7200 }),
  "alarms.emails": () => ["oncall@example.com"],
  "alarms.deadLetterThreshold": () => 3,
  services: (env) => env.services ?? [],
  "services[].description": () => "every optional field set",
  "services[].clients": () => 1,
  "services[].accessTokenValiditySeconds": () => 3600,
  canary: () => ({ rule: "audit-log", target: "audit" }),
  "stateBackend.key": (env) => `custom/${env.name}.tfstate`,
  "stateBackend.kmsKeyId": (env) => `arn:${partitionOf(env.stateBackend.region)}:kms:${env.stateBackend.region}:${env.aws.accountId}:key/state`,
  tags: () => ({ owner: "platform" }),
};

function input(env: string): EnvironmentConfigInput {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return structuredClone((require(`../environments/${env}`) as { config: EnvironmentConfigInput }).config);
}

function parentOf(root: unknown, path: Path): Record<string | number, unknown> | undefined {
  let node = root as Record<string | number, unknown> | undefined;
  for (const key of path.slice(0, -1)) node = node?.[key] as Record<string | number, unknown> | undefined;
  return node;
}

describe.each(ENVIRONMENT_NAMES)("%s: every optional field is optional", (env) => {
  const paths = optionalPaths(environmentSchema, input(env)).filter((p) => !ONE_OF.has(pattern(p)));

  it("finds the optional fields in the schema, and has a sample value for each", () => {
    const found = new Set(paths.map(pattern));
    expect(found.size).toBeGreaterThan(15);
    // An optional field without a default needs an entry in SAMPLES.
    expect([...found].filter((p) => sampleFor(p) === undefined)).toEqual([]);
    for (const known of ["canary", "genesys.organizationId", "stateBackend.key", "rules[].targets[].retry", "services[].clients"]) {
      expect(found).toContain(known);
    }
  });

  it("synthesizes with every optional field removed (no canary: the canary output is null)", () => {
    const changed = input(env);
    // Deepest first, so removing a child never looks into a removed parent.
    for (const path of [...paths].sort((a, b) => b.length - a.length)) {
      const parent = parentOf(changed, path);
      if (parent) delete parent[path[path.length - 1]];
    }
    expect(changed.canary).toBeUndefined();
    expect(changed.services).toBeUndefined();
    const s = synthConfig(validateEnvironment(env, changed));
    expect(s.parsed.output.canary.value).toBeNull();
    expect(s.parsed.terraform.backend.s3.key).toBe(`genesys-eventbridge/${env}.tfstate`);
    expect(resources(s, "genesyscloud_oauth_client")).toEqual({});
  });

  it("synthesizes with every optional field set", () => {
    const changed = input(env);
    for (const path of [...paths].sort((a, b) => a.length - b.length)) {
      const parent = parentOf(changed, path);
      const key = path[path.length - 1];
      if (parent && parent[key] === undefined) parent[key] = sampleFor(pattern(path))?.(changed, path);
    }
    const config = validateEnvironment(env, changed);
    const s = synthConfig(config);
    expect(s.parsed.terraform.backend.s3).toMatchObject({ key: `custom/${env}.tfstate`, kms_key_id: config.stateBackend.kmsKeyId });
    const [bus] = Object.values(resources(s, "aws_cloudwatch_event_bus"));
    expect(bus.name).toContain("0b1e6c9e-5d0a-4c44-9a57-7f3e2d1c0b9a");
    // Existing streams are used, none created; the per-target retry wins over the environment's.
    expect(resources(s, "aws_kinesis_stream")).toEqual({});
    for (const target of Object.values(resources(s, "aws_cloudwatch_event_target"))) {
      expect(target.retry_policy).toEqual({ maximum_retry_attempts: 3, maximum_event_age_in_seconds: 3600 });
    }
  });
});
