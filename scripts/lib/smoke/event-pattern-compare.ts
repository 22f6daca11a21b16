/**
 * Structural comparison of EventBridge event patterns: object key order is ignored, and so is the order of
 * values in a list (a pattern's lists are alternatives).
 */

/** A canonical JSON text of a pattern value: keys sorted, list items sorted by their canonical text. */
export function canonicalPattern(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalPattern).sort().join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalPattern(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** True when both patterns select the same events by structure. */
export function samePattern(a: unknown, b: unknown): boolean {
  return canonicalPattern(a) === canonicalPattern(b);
}

/** A short description of where two patterns differ (top-level keys), for a one-line reason. */
export function describePatternDrift(expected: Record<string, unknown>, actual: Record<string, unknown>): string {
  const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
  const parts = keys
    .filter((k) => canonicalPattern(expected[k]) !== canonicalPattern(actual[k]))
    .map((k) =>
      !(k in actual)
        ? `"${k}" missing`
        : !(k in expected)
          ? `unexpected "${k}": ${JSON.stringify(actual[k])}`
          : `"${k}" is ${JSON.stringify(actual[k])}, expected ${JSON.stringify(expected[k])}`,
    );
  return parts.join("; ");
}
