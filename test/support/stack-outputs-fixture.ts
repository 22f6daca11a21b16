/**
 * Builds the outputs an applied environment stack would have (same names and shapes as
 * stacks/environment-stack.ts), with made-up ids, for script tests. `writeOutputsFile` writes them in
 * `terraform output -json` form, as the pipelines do.
 */
import * as fs from "fs";
import * as path from "path";
import { loadEnvironment } from "../../environments";
import type { StackOutputs } from "../../scripts/lib/aws/stack-outputs";

export const FAKE_ORG_ID = "0b1e6c9e-5d0a-4c44-9a57-7f3e2d1c0b9a";

function fakeId(seed: string): string {
  let h = 0;
  for (const ch of seed) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  const hex = (h.toString(16) + "0".repeat(32)).slice(0, 32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function buildStackOutputs(environment: string): StackOutputs {
  const config = loadEnvironment(environment);
  const { accountId, region } = config.aws;
  const prefix = `genesys-${environment}`;
  const source = `aws.partner/genesys.com/cloud/${FAKE_ORG_ID}/${config.integration.eventSourceSuffix}`;
  const arn = (service: string, resource: string) => `arn:aws:${service}:${region}:${accountId}:${resource}`;
  const queueUrl = (name: string) => `https://sqs.${region}.amazonaws.com/${accountId}/${name}`;
  return {
    environment,
    aws_account_id: accountId,
    aws_region: region,
    genesys_region: config.genesys.region,
    integration_id: fakeId(`${environment}-integration`),
    partner_event_source_name: source,
    event_bus_name: source,
    event_bus_arn: arn("events", `event-bus/${source}`),
    archive_name: `${prefix}-events`,
    archive_arn: arn("events", `archive/${prefix}-events`),
    alarm_topic_arn: arn("sns", `${prefix}-alarms`),
    kms_key_arn: arn("kms", `key/${fakeId(`${environment}-key`)}`),
    rules: Object.fromEntries(
      config.rules.map((rule) => {
        const ruleName = `${prefix}-${rule.name}`;
        return [
          rule.name,
          {
            name: ruleName,
            arn: arn("events", `rule/${source}/${ruleName}`),
            targets: Object.fromEntries(
              rule.targets.map((t) => {
                const base = `${ruleName}-${t.name}`;
                const extra: Record<string, string> =
                  t.type === "cloudwatch-logs"
                    ? { log_group_name: `/aws/events/genesys/${base}` }
                    : t.type === "sqs"
                      ? { queue_url: queueUrl(base), queue_name: base }
                      : {};
                const targetArn =
                  t.type === "cloudwatch-logs"
                    ? arn("logs", `log-group:/aws/events/genesys/${base}`)
                    : t.type === "sqs"
                      ? arn("sqs", base)
                      : t.type === "lambda"
                        ? t.functionArn
                        : arn(t.type, base);
                return [
                  t.name,
                  {
                    type: t.type,
                    arn: targetArn,
                    dead_letter_queue_arn: arn("sqs", `${base}-dlq`),
                    dead_letter_queue_url: queueUrl(`${base}-dlq`),
                    ...extra,
                  },
                ];
              }),
            ),
          },
        ];
      }),
    ),
    services: Object.fromEntries(
      config.services.map((s) => [
        s.name,
        {
          role_id: fakeId(`${environment}-${s.name}-role`),
          client_ids: (s.clients === 2 ? ["a", "b"] : ["a"]).map((x) => fakeId(`${environment}-${s.name}-${x}`)),
          secret_arn: arn("secretsmanager", `secret:genesys/${environment}/${s.name}-AbCdEf`),
          secret_name: `genesys/${environment}/${s.name}`,
        },
      ]),
    ),
    canary: config.canary
      ? {
          rule: config.canary.rule,
          target: config.canary.target,
          service: config.canary.service,
          trigger: config.canary.trigger.type,
          division_id: fakeId(`${environment}-canary-division`),
          role_id: fakeId(`${environment}-canary-role`),
          entity_id: config.canary.trigger.type === "user-presence" ? config.canary.trigger.userId : fakeId(`${environment}-canary-wrapup-code`),
        }
      : null,
  };
}

/** Writes `outputs` in `terraform output -json` form to `<dir>/<env>.json` and returns the path. */
export function writeOutputsFile(dir: string, outputs: StackOutputs): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${outputs.environment}.json`);
  const json = Object.fromEntries(
    Object.entries(outputs).map(([k, value]) => [k, { sensitive: false, type: typeof value === "string" ? "string" : ["object", {}], value }]),
  );
  fs.writeFileSync(file, JSON.stringify(json, null, 2));
  return file;
}
