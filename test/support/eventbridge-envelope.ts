/**
 * Wraps a Genesys notification in the envelope EventBridge delivers (research: eventbridge-envelope.md):
 * `detail-type` is the topic template, `detail.topicName` the concrete topic, `source` the partner source.
 */
import { randomUUID } from "node:crypto";

export interface GenesysEventBridgeEvent {
  version: "0";
  id: string;
  "detail-type": string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: { topicName: string; version: "2"; eventBody: unknown; metadata: { CorrelationId: string }; timestamp: string };
}

/** `v2.audits.entitytype.OAuthClient.entityid.<uuid>` -> `v2.audits.entitytype.{id}.entityid.{id}`. */
export function topicTemplate(topicName: string): string {
  if (topicName.startsWith("v2.audits.entitytype.")) return "v2.audits.entitytype.{id}.entityid.{id}";
  return topicName.replace(/\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?=\.|$)/g, ".{id}");
}

export function eventBridgeEnvelope(
  notification: { topicName: string; eventBody: unknown },
  where: { source: string; account: string; region: string },
  at = new Date(),
): GenesysEventBridgeEvent {
  return {
    version: "0",
    id: randomUUID(),
    "detail-type": topicTemplate(notification.topicName),
    source: where.source,
    account: where.account,
    time: at.toISOString().replace(/\.\d+Z$/, "Z"),
    region: where.region,
    resources: [],
    detail: {
      topicName: notification.topicName,
      version: "2",
      eventBody: notification.eventBody,
      metadata: { CorrelationId: randomUUID() },
      timestamp: at.toISOString(),
    },
  };
}
