/**
 * Genesys Cloud notification topics that the Amazon EventBridge integration can carry, as topic templates with
 * `{id}` placeholders: the integration's `eventFilter` takes them in this form and EventBridge delivers each event
 * with `detail-type` set to the template (see shared research: eventbridge-envelope.md, genesys-api.md §5).
 *
 * Each entry is listed in the Genesys SDK's notification mappings and used with EventBridge in Genesys or partner
 * material. The authority is `GET /api/v2/notifications/availabletopics?expand=transports` (an entry whose
 * `transports` include "EventBridge" or "All"): add a topic here after checking it there.
 */
import { distance } from "fastest-levenshtein";

export const EVENTBRIDGE_TOPICS = [
  "v2.audits.entitytype.{id}.entityid.{id}",
  "v2.users.{id}.presence",
  "v2.users.{id}.routingStatus",
  "v2.users.{id}.activity",
  "v2.users.{id}.conversations",
  "v2.users.{id}.persistentconnection",
  "v2.users.{id}.geolocation",
  "v2.routing.queues.{id}.conversations",
  "v2.routing.queues.{id}.users",
  "v2.detail.events.conversation.{id}.customer.start",
  "v2.detail.events.conversation.{id}.customer.end",
  "v2.detail.events.conversation.{id}.acd.start",
  "v2.detail.events.conversation.{id}.acd.end",
  "v2.detail.events.conversation.{id}.user.start",
  "v2.detail.events.conversation.{id}.user.end",
  "v2.detail.events.conversation.{id}.acw",
  "v2.detail.events.conversation.{id}.wrapup",
  "v2.detail.events.conversation.{id}.flow.start",
  "v2.detail.events.conversation.{id}.flow.end",
  "v2.detail.events.conversation.{id}.flow.outcome",
  "v2.detail.events.conversation.{id}.voicemail.start",
  "v2.detail.events.conversation.{id}.voicemail.end",
  "v2.detail.events.conversation.{id}.attributes",
  "v2.detail.events.conversation.{id}.contact",
  "v2.detail.events.conversation.{id}.outbound",
  "v2.conversations.{id}.transcription",
  "v2.analytics.conversation.{id}.metrics",
  "v2.analytics.queues.{id}.observations",
  "v2.operations.events.{id}",
] as const;

export type EventBridgeTopic = (typeof EVENTBRIDGE_TOPICS)[number];

const KNOWN = new Set<string>(EVENTBRIDGE_TOPICS);

export function isKnownTopic(topic: string): topic is EventBridgeTopic {
  return KNOWN.has(topic);
}

/**
 * The known topic closest to `topic` (edit distance on the template, with concrete ids folded back to `{id}`),
 * or undefined when nothing is reasonably close.
 */
export function closestTopic(topic: string): EventBridgeTopic | undefined {
  const folded = topic.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, "{id}");
  let best: EventBridgeTopic | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of EVENTBRIDGE_TOPICS) {
    const d = distance(folded, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(3, Math.ceil(folded.length / 3)) ? best : undefined;
}
