/**
 * Names AWS requires to be unique, checked on the built environment stacks (the names that will be synthesized,
 * not a copy of how they are made): IAM role names per account (IAM is global), the other names per account and
 * region, EventBridge rule names per bus, Lambda permission statement ids per function. Two resources with one
 * name would fail at apply ("already exists"), or one environment would adopt or overwrite the other's.
 */
import { TerraformResource, TerraformStack } from "cdktf";
// The resolver TerraformStack.toTerraform() itself uses (not re-exported by the package root).
import { resolve } from "cdktf/lib/_tokens";
import { describeEnvironment } from "../environments/cross-environment";
import type { EnvironmentConfig } from "../environments/schema";

interface NameRule {
  /** The attribute holding the name. */
  readonly attribute: string;
  /** Where the name must be unique, besides the resource type. */
  readonly scope: "account" | "region" | "stack" | "function";
}

/** Named AWS resource types the environment stacks create, with the attribute and scope of their unique name. */
export const UNIQUE_NAMES: Readonly<Record<string, NameRule>> = {
  aws_iam_role: { attribute: "name", scope: "account" },
  aws_sqs_queue: { attribute: "name", scope: "region" },
  aws_sns_topic: { attribute: "name", scope: "region" },
  aws_kinesis_stream: { attribute: "name", scope: "region" },
  aws_cloudwatch_log_group: { attribute: "name", scope: "region" },
  aws_cloudwatch_log_resource_policy: { attribute: "policy_name", scope: "region" },
  aws_cloudwatch_metric_alarm: { attribute: "alarm_name", scope: "region" },
  aws_cloudwatch_event_archive: { attribute: "name", scope: "region" },
  aws_cloudwatch_event_bus: { attribute: "name", scope: "region" },
  aws_kms_alias: { attribute: "name", scope: "region" },
  aws_secretsmanager_secret: { attribute: "name", scope: "region" },
  // Unique per bus; each environment stack has its own bus (cross-environment.ts keeps buses apart).
  aws_cloudwatch_event_rule: { attribute: "name", scope: "stack" },
  aws_lambda_permission: { attribute: "statement_id", scope: "function" },
};

/** A built environment stack (EnvironmentStack) and its configuration. */
export type StackWithConfig = TerraformStack & { readonly config: EnvironmentConfig };

interface Named {
  readonly key: string;
  readonly name: string;
  readonly environment: string;
  readonly path: string;
}

/** `${aws_x.id.attr}`: a reference to another resource's attribute, as the synthesized JSON writes it. */
const REFERENCE = /\$\{([a-z0-9_]+)\.([^.}]+)\.([a-z0-9_]+)\}/g;

/** The configured (not yet resolved) value of a resource attribute: the generated `<attribute>Input` getter. */
function input(resource: TerraformResource, attribute: string): unknown {
  const getter = `${attribute.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())}Input`;
  return (resource as unknown as Record<string, unknown>)[getter];
}

function namesOf(stack: TerraformStack, config: EnvironmentConfig): Named[] {
  const resources = stack.node.findAll().filter((c): c is TerraformResource => c instanceof TerraformResource);
  const byAddress = new Map(resources.map((r) => [`${r.terraformResourceType}.${r.friendlyUniqueId}`, r]));
  // A name built from another resource's literal name (an alarm named after its queue) is that literal; a name that
  // stays unknown until apply (the bus name holds the organization id) is left to the cross-environment check.
  const literal = (value: unknown, depth = 0): string | undefined => {
    if (typeof value !== "string" || depth > 2) return undefined;
    const resolved = String(resolve(stack, value));
    const replaced = resolved.replace(REFERENCE, (ref: string, type: string, id: string, attr: string) => {
      const target = byAddress.get(`${type}.${id}`);
      return (target && literal(input(target, attr), depth + 1)) ?? ref;
    });
    return replaced.includes("${") ? undefined : replaced;
  };
  const named: Named[] = [];
  for (const resource of resources) {
    const type = resource.terraformResourceType;
    const rule = UNIQUE_NAMES[type];
    if (!rule) continue;
    const name = literal(input(resource, rule.attribute));
    if (name === undefined) continue;
    const where = {
      account: config.aws.accountId,
      region: `${config.aws.accountId}/${config.aws.region}`,
      stack: `${config.aws.accountId}/${config.aws.region}/${stack.node.id}`,
      function: `${config.aws.accountId}/${config.aws.region}/${literal(input(resource, "function_name")) ?? "?"}`,
    }[rule.scope];
    named.push({ key: `${type} ${where} ${name}`, name, environment: config.name, path: resource.node.path });
  }
  return named;
}

/** Pairs of resources that would carry the same name where AWS wants it unique; one line each. */
export function resourceNameCollisions(stacks: readonly StackWithConfig[]): string[] {
  const seen = new Map<string, Named>();
  const problems: string[] = [];
  for (const stack of stacks) {
    for (const named of namesOf(stack, stack.config)) {
      const first = seen.get(named.key);
      if (!first) {
        seen.set(named.key, named);
        continue;
      }
      const [type] = named.key.split(" ");
      const who =
        first.environment === named.environment
          ? `environment ${describeEnvironment(named.environment)}`
          : `environments ${describeEnvironment(first.environment)} and ${describeEnvironment(named.environment)}`;
      problems.push(`${who}: ${type} "${named.name}" is declared twice (${first.path} and ${named.path}); rename a rule or target`);
    }
  }
  return problems;
}

/** Throws listing every name collision across the given environment stacks. */
export function checkResourceNames(stacks: readonly StackWithConfig[]): void {
  const problems = resourceNameCollisions(stacks);
  if (problems.length > 0) throw new Error(`Resource names collide:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
}
