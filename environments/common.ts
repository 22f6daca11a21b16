/**
 * Values every example environment shares. Each `environments/<env>.ts` spreads these and states what differs,
 * so a reviewer sees an environment's whole shape in one file. Replace the example values with your own.
 */
import { partitionOf } from "./regions";
import type { EnvironmentConfigInput } from "./schema";

type Rules = EnvironmentConfigInput["rules"];
type Services = NonNullable<EnvironmentConfigInput["services"]>;

/** Topics Genesys sends to EventBridge (the integration's `eventFilter`). */
export const TOPIC_FILTERS = [
  "v2.audits.entitytype.{id}.entityid.{id}",
  "v2.detail.events.conversation.{id}.customer.start",
  "v2.detail.events.conversation.{id}.customer.end",
  "v2.users.{id}.presence",
  "v2.conversations.{id}.transcription",
];

/** One rule per consumer; each target gets a retry policy and its own dead-letter queue. */
export function exampleRules(accountId: string, region: string): Rules {
  return [
    {
      name: "audit-log",
      description: "Genesys audit events to CloudWatch Logs (also the smoke tests' canary route).",
      topics: ["v2.audits.entitytype.{id}.entityid.{id}"],
      targets: [{ type: "cloudwatch-logs", name: "audit", retentionDays: 90 }],
    },
    {
      name: "conversations",
      description: "Conversation start/end detail events to an SQS queue for the CRM sync worker.",
      topics: ["v2.detail.events.conversation.{id}.customer.start", "v2.detail.events.conversation.{id}.customer.end"],
      targets: [{ type: "sqs", name: "crm-sync" }],
    },
    {
      name: "presence",
      description: "Agent presence changes to the workforce Lambda.",
      topics: ["v2.users.{id}.presence"],
      targets: [
        {
          type: "lambda",
          name: "workforce",
          functionArn: `arn:${partitionOf(region)}:lambda:${region}:${accountId}:function:genesys-presence-handler`,
        },
      ],
    },
    {
      name: "transcripts",
      description: "Conversation transcriptions to a Kinesis stream for analytics.",
      topics: ["v2.conversations.{id}.transcription"],
      targets: [{ type: "kinesis", name: "transcripts" }],
    },
    {
      name: "oauth-client-deleted",
      description: "Security alert when any OAuth client is deleted (raw pattern on the audit event body).",
      eventPattern: {
        source: [{ prefix: "aws.partner/genesys.com" }],
        "detail-type": ["v2.audits.entitytype.{id}.entityid.{id}"],
        detail: { eventBody: { entityType: ["OAuthClient"], action: ["Delete"] } },
      },
      targets: [{ type: "sns", name: "security-alerts" }],
    },
  ];
}

/**
 * OAuth clients for the scripts, each with a least-privilege role:
 * - `rotation` regenerates secrets (oauth:client:view/edit);
 * - `smoke-tests` reads the integration, clients, roles and topics; it writes nothing with this role (the canary's
 *   one write needs the canary role, granted in the canary division only: modules/genesys/canary.ts).
 */
export const SERVICES: Services = [
  {
    name: "rotation",
    description: "Monthly OAuth secret rotation job (scripts/rotate.ts)",
    permissionPolicies: [{ domain: "oauth", entityName: "client", actionSet: ["view", "edit"] }],
  },
  {
    name: "smoke-tests",
    description: "Post-deploy smoke tests and canary (scripts/smoke.ts)",
    permissionPolicies: [
      { domain: "integrations", entityName: "integration", actionSet: ["view"] },
      { domain: "oauth", entityName: "client", actionSet: ["view"] },
      { domain: "authorization", entityName: "role", actionSet: ["view"] },
    ],
  },
];

/** The smoke tests' canary: edits a wrap-up code of its own division; its audit event must reach audit-log/audit. */
export const CANARY = { rule: "audit-log", target: "audit", service: "smoke-tests", trigger: { type: "wrapup-code" } } as const;
