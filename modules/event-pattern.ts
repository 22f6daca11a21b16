/**
 * Event patterns for Genesys events on EventBridge. Genesys delivers each notification with
 * `source` = `aws.partner/genesys.com/cloud/<orgId>/<suffix>` and `detail-type` = the topic template
 * (`{id}` placeholders kept literally), so a rule selects topics by exact `detail-type` values.
 */
export const GENESYS_SOURCE_PREFIX = "aws.partner/genesys.com";

export type EventPattern = Record<string, unknown>;

export function topicPattern(topics: readonly string[]): EventPattern {
  if (topics.length === 0) {
    throw new Error("topicPattern: at least one topic is required (an empty detail-type list matches nothing)");
  }
  return {
    source: [{ prefix: GENESYS_SOURCE_PREFIX }],
    "detail-type": [...topics],
  };
}
