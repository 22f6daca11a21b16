/**
 * The typed, validated configuration of one environment. `environments/<env>.ts` files export a value of
 * `EnvironmentConfigInput`; `loadEnvironment` validates it before anything is synthesized and fails listing the
 * problems, each naming the environment, the field path, the bad value and what is allowed. (Cross-field checks —
 * duplicates, topics, the canary route — run once every field on its own is valid.)
 */
import { distance } from "fastest-levenshtein";
import { z } from "zod";
import { matchesEventPattern } from "./event-pattern";
import { MAX_TARGETS_PER_RULE } from "./quotas";
import { AWS_REGIONS, GENESYS_REGION_NAMES } from "./regions";
import { checkRulesAgainstAws } from "./rule-checks";
import { closestTopic, isKnownTopic } from "./topics";

export const ENVIRONMENT_NAMES = ["dev", "staging", "prod"] as const;
export type EnvironmentName = (typeof ENVIRONMENT_NAMES)[number];

/** Names used in AWS resource names: short, lower-case, dash-separated. */
const resourceName = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,30}[a-z0-9]$/, "must be 2-32 characters of a-z, 0-9 and '-', starting with a letter");

const retentionDays = z
  .number()
  .int()
  .refine((n) => LOG_RETENTION_DAYS.includes(n), {
    message: "must be one of the CloudWatch Logs retention periods",
  });

/** The values CloudWatch Logs accepts for retention_in_days. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

const retryPolicy = z
  .object({
    /** 0-185; EventBridge's default is 185. */
    maximumRetryAttempts: z.number().int().min(0).max(185).default(185),
    /** 60-86400 seconds; EventBridge's default is 86400 (24 h). */
    maximumEventAgeSeconds: z.number().int().min(60).max(86400).default(86400),
  })
  .strict();

const awsArn = (service: string) =>
  z.string().regex(new RegExp(`^arn:aws(-us-gov|-cn)?:${service}:[a-z0-9-]+:\\d{12}:.+$`), `must be an AWS ${service} ARN (arn:aws:${service}:<region>:<account id>:…)`);

const targetBase = {
  /** Unique within the rule; used in resource names and outputs. */
  name: resourceName,
  /** Overrides the environment's retry policy for this target. */
  retry: retryPolicy.partial().optional(),
  /** Days failed events stay in this target's dead-letter queue (1-14, default 14). */
  deadLetterRetentionDays: z.number().int().min(1).max(14).default(14),
};

export const targetSchema = z.discriminatedUnion("type", [
  z
    .object({
      type: z.literal("cloudwatch-logs"),
      ...targetBase,
      /** Log group retention; default 30 days. */
      retentionDays: retentionDays.default(30),
    })
    .strict(),
  z
    .object({
      type: z.literal("sqs"),
      ...targetBase,
      /** Seconds a message stays in the queue (60-1209600, default 4 days). */
      messageRetentionSeconds: z.number().int().min(60).max(1209600).default(345600),
    })
    .strict(),
  z
    .object({
      type: z.literal("lambda"),
      ...targetBase,
      /** The function that receives events; it is not managed by this stack. */
      functionArn: awsArn("lambda"),
    })
    .strict(),
  z
    .object({
      type: z.literal("kinesis"),
      ...targetBase,
      /** An existing stream; when absent the stack creates an encrypted on-demand stream. */
      streamArn: awsArn("kinesis").optional(),
      /** JSONPath into the event used as partition key (default: the EventBridge event id). */
      partitionKeyPath: z.string().startsWith("$.").default("$.id"),
    })
    .strict(),
  z
    .object({
      type: z.literal("sns"),
      ...targetBase,
    })
    .strict(),
  z
    .object({
      type: z.literal("firehose"),
      ...targetBase,
      /** An existing Kinesis Data Firehose delivery stream. */
      deliveryStreamArn: awsArn("firehose"),
    })
    .strict(),
]);

export const ruleSchema = z
  .object({
    /** Unique within the environment; the AWS rule is named `<prefix>-<name>`. */
    name: resourceName,
    description: z.string().max(512).optional(),
    /** Topics (templates) this rule forwards; each must be in `integration.topicFilters`. */
    topics: z.array(z.string()).min(1).optional(),
    /** Escape hatch: a raw EventBridge event pattern, used verbatim instead of `topics`. */
    eventPattern: z.record(z.string(), z.unknown()).optional(),
    enabled: z.boolean().default(true),
    targets: z
      .array(targetSchema)
      .min(1, "must have at least one target: a rule without targets drops every event")
      .max(MAX_TARGETS_PER_RULE, `must have at most ${MAX_TARGETS_PER_RULE} targets (EventBridge's limit per rule); split them over two rules with the same topics`),
  })
  .strict();

const permissionPolicy = z
  .object({
    domain: z.string().regex(/^[a-zA-Z]+$/, "must be a permission domain such as 'oauth'"),
    entityName: z.string().regex(/^([a-zA-Z]+|\*)$/, "must be an entity name such as 'client', or '*'"),
    actionSet: z.array(z.string().regex(/^([a-zA-Z]+|\*)$/, "must be an action such as 'view', or '*'")).min(1),
  })
  .strict();

export const serviceSchema = z
  .object({
    /** Unique within the environment; names the role, the clients ("<name>-a", "<name>-b") and the secret. */
    name: resourceName,
    description: z.string().max(200).optional(),
    /** Least-privilege permission policies of the service's role. */
    permissionPolicies: z.array(permissionPolicy).min(1),
    /**
     * 2 (default): an "a" and a "b" client share the role; rotation regenerates the idle one, so consumers never
     * hold a dead secret. 1: a single client whose old secret dies at rotation (the rotation job warns).
     */
    clients: z.union([z.literal(1), z.literal(2)]).default(2),
    /** Token lifetime of the clients, 300-172800 s (Genesys documents 48 h as the maximum). */
    accessTokenValiditySeconds: z.number().int().min(300).max(172800).default(86400),
  })
  .strict();

// ------------------------------------------------------------------------------ smoke canary (owned by smoke)
const genesysId = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, "must be a Genesys id (a UUID)");

/** The topic each canary trigger's event travels on (modules/genesys/canary.ts CANARY_TRIGGER_SPECS). */
export const CANARY_TRIGGER_TOPICS = {
  "wrapup-code": "v2.audits.entitytype.{id}.entityid.{id}",
  "user-presence": "v2.users.{id}.presence",
} as const;

export const canarySchema = z
  .object({
    /** Rule and target (cloudwatch-logs or sqs) where the canary's event must arrive. */
    rule: resourceName,
    target: resourceName,
    /** The service whose OAuth clients get the canary role, granted in the canary division only. */
    service: resourceName.default("smoke-tests"),
    trigger: z
      .discriminatedUnion("type", [
        /** The stack creates a wrap-up code in the canary division; the canary edits its description (audited). */
        z.object({ type: z.literal("wrapup-code") }).strict(),
        /** A dedicated licensed user (moved into the canary division by hand), toggled between two presences. */
        z
          .object({
            type: z.literal("user-presence"),
            userId: genesysId,
            presenceDefinitionIds: z.tuple([genesysId, genesysId]),
            /**
             * Must be `true`: the canary role then holds `presence:userPresence:edit`, and that Genesys limits it to
             * the canary division (where the user must be) is not verified, so the smoke clients may be able to set
             * any user's presence. Setting this records that you verified it in your org (docs/smoke-tests.md).
             */
            acknowledgeUnverifiedDivisionScope: z.literal(true, {
              message:
                "must be true to use the user-presence trigger: its permission presence:userPresence:edit is not verified to be limited to the canary division, so the smoke clients may be able to set any user's presence; verify it in your org first (docs/smoke-tests.md), or use the wrapup-code trigger",
            }),
          })
          .strict(),
      ])
      .default({ type: "wrapup-code" }),
  })
  .strict();

/** Stands for the ids a sample canary event carries that the configuration does not know (org, wrap-up code). */
const SAMPLE_ID = "00000000-0000-4000-8000-000000000000";

/**
 * A sample of the EventBridge event the canary's trigger provokes, to check a raw canary rule pattern against:
 * the envelope Genesys delivers (`source` = `aws.partner/genesys.com/cloud/<org>/<suffix>`, `detail-type` = the
 * topic template, `detail.topicName` the concrete topic; /work/shared/research/eventbridge-envelope.md) with the
 * body scripts/lib/smoke/canary-trigger.ts recognises (audit values left out: Genesys may omit them). The org id is
 * `genesys.organizationId` when pinned, else a placeholder.
 */
export function canarySampleEvent(
  env: { aws: { accountId: string; region: string }; genesys: { organizationId?: string }; integration: { eventSourceSuffix: string } },
  trigger: z.output<typeof canarySchema>["trigger"],
): Record<string, unknown> {
  const time = "2026-01-01T00:00:00Z";
  const detail =
    trigger.type === "wrapup-code"
      ? {
          topicName: `v2.audits.entitytype.WrapupCode.entityid.${SAMPLE_ID}`,
          eventBody: { action: "Update", entityType: "WrapupCode", serviceName: "Routing", entity: { id: SAMPLE_ID }, eventTime: time, propertyChanges: [{ property: "description" }] },
        }
      : {
          topicName: `v2.users.${trigger.userId}.presence`,
          eventBody: { source: "PURECLOUD", presenceDefinition: { id: trigger.presenceDefinitionIds[1] }, modifiedDate: time },
        };
  return {
    version: "0",
    id: SAMPLE_ID,
    "detail-type": CANARY_TRIGGER_TOPICS[trigger.type],
    source: `aws.partner/genesys.com/cloud/${env.genesys.organizationId ?? SAMPLE_ID}/${env.integration.eventSourceSuffix}`,
    account: env.aws.accountId,
    time,
    region: env.aws.region,
    resources: [],
    detail: { ...detail, version: "2", metadata: { CorrelationId: SAMPLE_ID }, timestamp: time },
  };
}
// ------------------------------------------------------------------------------------------ end smoke canary

const tagKey = z.string().regex(/^[\w.:/=+@ -]{1,128}$/, "must be a valid AWS tag key");

export const environmentSchema = z
  .object({
    name: z.enum(ENVIRONMENT_NAMES),
    aws: z
      .object({
        accountId: z.string().regex(/^\d{12}$/, "must be a 12-digit AWS account id"),
        region: z.enum(AWS_REGIONS),
      })
      .strict(),
    genesys: z
      .object({
        region: z.enum(GENESYS_REGION_NAMES as [string, ...string[]]),
        /**
         * The Genesys organization id. Optional: when absent it is read at plan time with
         * `data.genesyscloud_organizations_me`. Pin it to make the partner event source name reviewable.
         */
        organizationId: z
          .string()
          .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, "must be a Genesys organization id (a UUID)")
          .optional(),
      })
      .strict(),
    integration: z
      .object({
        name: z.string().min(1).max(100).default("Amazon EventBridge Source"),
        eventSourceSuffix: z
          .string()
          .regex(/^[A-Za-z0-9._-]{1,64}$/, "must be 1-64 characters of letters, digits, '.', '-' and '_'"),
        topicFilters: z.array(z.string()).min(1),
      })
      .strict(),
    rules: z.array(ruleSchema).min(1),
    /** Default retry policy of every target. */
    retry: retryPolicy.default({ maximumRetryAttempts: 185, maximumEventAgeSeconds: 86400 }),
    archive: z
      .object({
        /** Days the archive keeps events for replay; 0 keeps them forever. */
        retentionDays: z.number().int().min(0).max(3653),
      })
      .strict(),
    alarms: z
      .object({
        /** Addresses subscribed to the alarm topic (each must confirm the subscription). */
        emails: z.array(z.string().email()).default([]),
        /** Visible messages in a dead-letter queue that raise its alarm. */
        deadLetterThreshold: z.number().int().min(1).default(1),
      })
      .strict(),
    services: z.array(serviceSchema).default([]),
    /**
     * The smoke tests' end-to-end canary (optional): what it changes in Genesys (`trigger`, in a dedicated
     * division), the service whose clients get the canary role there, and the route its event must reach.
     */
    canary: canarySchema.optional(),
    stateBackend: z
      .object({
        bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be a valid S3 bucket name"),
        /** Default: `genesys-eventbridge/<env>.tfstate`. Must differ between environments. */
        key: z.string().min(1).optional(),
        region: z.enum(AWS_REGIONS),
        /** A KMS key (ARN) for state encryption; default: the bucket's encryption (SSE-S3). */
        // A key ARN, not an alias ARN: the bootstrap boundary denies administration of exactly this ARN, and an
        // alias would leave the key behind it unprotected.
        kmsKeyId: awsArn("kms")
          .regex(/:key\/[A-Za-z0-9-]+$/, "must be a KMS key ARN (…:key/<key id>), not an alias ARN: the bootstrap roles protect exactly this key")
          .optional(),
      })
      .strict(),
    tags: z.record(tagKey, z.string().max(256)).default({}),
    /** When true (prod), the bus, archive, integration, OAuth clients and secrets carry prevent_destroy. */
    protectFromDestroy: z.boolean(),
  })
  .strict()
  .superRefine((env, ctx) => {
    const topicFilters = new Set(env.integration.topicFilters);
    env.integration.topicFilters.forEach((topic, i) => {
      if (!isKnownTopic(topic)) {
        const hint = closestTopic(topic);
        ctx.addIssue({
          code: "custom",
          path: ["integration", "topicFilters", i],
          params: { value: topic },
          message:
            `is not a known Genesys topic that EventBridge can carry` +
            (hint ? `; did you mean "${hint}"?` : "") +
            ` (topics are templates with {id} placeholders; the catalog is environments/topics.ts)`,
        });
      }
    });
    duplicates(env.integration.topicFilters).forEach((i) =>
      ctx.addIssue({ code: "custom", path: ["integration", "topicFilters", i], params: { value: env.integration.topicFilters[i] }, message: "is listed twice" }),
    );
    duplicates(env.rules.map((r) => r.name)).forEach((i) =>
      ctx.addIssue({ code: "custom", path: ["rules", i, "name"], params: { value: env.rules[i].name }, message: "is used by another rule; rule names must be unique" }),
    );
    duplicates(env.services.map((s) => s.name)).forEach((i) =>
      ctx.addIssue({ code: "custom", path: ["services", i, "name"], params: { value: env.services[i].name }, message: "is used by another service; service (OAuth client) names must be unique" }),
    );
    // Rules and targets against AWS's rules: raw patterns, target ARNs, resource names (rule-checks.ts).
    checkRulesAgainstAws(env, ctx);
    env.rules.forEach((rule, r) => {
      if (!rule.topics === !rule.eventPattern) {
        ctx.addIssue({ code: "custom", path: ["rules", r], params: { value: rule.name }, message: "must set exactly one of `topics` or `eventPattern`" });
      }
      if (rule.eventPattern && Object.keys(rule.eventPattern).length === 0) {
        ctx.addIssue({ code: "custom", path: ["rules", r, "eventPattern"], params: { value: rule.eventPattern }, message: "must not be empty: an empty pattern is rejected by EventBridge" });
      }
      (rule.topics ?? []).forEach((topic, t) => {
        if (!topicFilters.has(topic)) {
          ctx.addIssue({
            code: "custom",
            path: ["rules", r, "topics", t],
            params: { value: topic },
            message: `is not in integration.topicFilters, so Genesys never sends it; add it there or remove it here (filters: ${[...topicFilters].join(", ")})`,
          });
        }
      });
      duplicates(rule.targets.map((t) => t.name)).forEach((i) =>
        ctx.addIssue({ code: "custom", path: ["rules", r, "targets", i, "name"], params: { value: rule.targets[i].name }, message: "is used by another target of this rule" }),
      );
    });
    if (env.canary) {
      const rule = env.rules.find((r) => r.name === env.canary?.rule);
      if (!rule) {
        ctx.addIssue({ code: "custom", path: ["canary", "rule"], params: { value: env.canary.rule }, message: `is not a rule of this environment (rules: ${env.rules.map((r) => r.name).join(", ")})` });
      } else {
        const target = rule.targets.find((t) => t.name === env.canary?.target);
        if (!target) {
          ctx.addIssue({ code: "custom", path: ["canary", "target"], params: { value: env.canary.target }, message: `is not a target of rule "${rule.name}"` });
        } else if (target.type !== "cloudwatch-logs" && target.type !== "sqs") {
          ctx.addIssue({ code: "custom", path: ["canary", "target"], params: { value: env.canary.target }, message: `is a ${target.type} target; the canary can watch only cloudwatch-logs or sqs targets` });
        }
        const topic = CANARY_TRIGGER_TOPICS[env.canary.trigger.type];
        if (!topicFilters.has(topic) || (rule.topics && !rule.topics.includes(topic))) {
          ctx.addIssue({ code: "custom", path: ["canary", "trigger", "type"], params: { value: env.canary.trigger.type }, message: `publishes on ${topic}, which must be in integration.topicFilters and in the topics of rule "${rule.name}"` });
        } else if (rule.eventPattern && !matchesEventPattern(rule.eventPattern, canarySampleEvent(env, env.canary.trigger))) {
          // A raw pattern is checked against the canary's event itself (smoke owns this check).
          ctx.addIssue({
            code: "custom",
            path: ["canary", "rule"],
            params: { value: env.canary.rule },
            message: `rule "${rule.name}" has a raw eventPattern that does not match the ${env.canary.trigger.type} canary's event (an Update of ${topic}), so the canary could never pass: route the canary through a rule that forwards it`,
          });
        }
      }
      if (!env.services.some((s) => s.name === env.canary?.service)) {
        ctx.addIssue({ code: "custom", path: ["canary", "service"], params: { value: env.canary.service }, message: `is not a service of this environment (services: ${env.services.map((s) => s.name).join(", ") || "none"})` });
      }
    }
  });

export type EnvironmentConfigInput = z.input<typeof environmentSchema>;
export type EnvironmentConfig = z.output<typeof environmentSchema>;
export type RuleConfig = z.output<typeof ruleSchema>;
export type TargetConfig = z.output<typeof targetSchema>;
export type ServiceConfig = z.output<typeof serviceSchema>;

function duplicates(values: readonly string[]): number[] {
  const seen = new Set<string>();
  return values.flatMap((value, i) => {
    if (seen.has(value)) return [i];
    seen.add(value);
    return [];
  });
}

/** Raised when a configuration is invalid; `problems` holds one line per problem. */
export class ConfigError extends Error {
  constructor(
    readonly environment: string,
    readonly problems: string[],
  ) {
    super(
      `Invalid configuration for environment "${environment}" (environments/${environment}.ts):\n` +
        problems.map((p) => `  - ${p}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

/** The value at `path` in the validated input (what the user wrote), or undefined when absent. */
function valueAtPath(input: unknown, path: readonly (string | number)[]): unknown {
  let value: unknown = input;
  for (const key of path) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<string | number, unknown>)[key];
  }
  return value;
}

function describeValue(value: unknown): string {
  if (value === undefined) return "missing";
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function describeIssue(issue: z.ZodIssue): string {
  if (issue.code === "invalid_enum_value") {
    const allowed = issue.options.map((v) => String(v));
    const hint = typeof issue.received === "string" ? closest(issue.received, allowed) : undefined;
    return `is not allowed${hint ? `; did you mean "${hint}"?` : ""} (allowed: ${allowed.join(", ")})`;
  }
  if (issue.code === "invalid_union_discriminator") {
    return `is not allowed (allowed: ${issue.options.map((v) => String(v)).join(", ")})`;
  }
  return issue.message;
}

function closest(value: string, candidates: string[]): string | undefined {
  const [best] = candidates
    .map((candidate) => ({ candidate, d: distance(value.toLowerCase(), candidate.toLowerCase()) }))
    .sort((a, b) => a.d - b.d);
  return best && best.d <= 2 ? best.candidate : undefined;
}

function formatPath(path: readonly (string | number)[]): string {
  return path.reduce<string>((acc, key) => (typeof key === "number" ? `${acc}[${key}]` : acc ? `${acc}.${key}` : key), "") || "(root)";
}

/**
 * Validates one environment's configuration. Throws ConfigError listing every problem:
 * `<field path>: <bad value> <what is wrong and what is allowed>`.
 */
export function validateEnvironment(environment: string, input: unknown): EnvironmentConfig {
  const result = environmentSchema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      // The offending value: what a cross-field check names, else what the user wrote at that path
      // (not for unknown keys, whose path is the enclosing object).
      const params = issue.code === "custom" ? (issue.params as { value?: unknown; omitValue?: boolean } | undefined) : undefined;
      const value =
        issue.code === "unrecognized_keys" || params?.omitValue
          ? ""
          : describeValue(params && "value" in params ? params.value : valueAtPath(input, issue.path));
      return `${formatPath(issue.path)}: ${value ? `${value} ` : ""}${describeIssue(issue)}`;
    });
    throw new ConfigError(environment, problems);
  }
  if (result.data.name !== environment) {
    throw new ConfigError(environment, [`name: ${describeValue(result.data.name)} must be "${environment}", the file's environment`]);
  }
  return result.data;
}
