/**
 * EventBridge event-pattern matching, for testing synthesized rule patterns against real event samples offline.
 * Implements the documented content-filter semantics: every pattern field must match; a leaf is an array of
 * alternatives (exact value, prefix, suffix, anything-but, exists, numeric, equals-ignore-case, wildcard); an event
 * array matches when any element matches. (AWS's TestEventPattern API needs credentials, so it cannot run here.)
 */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function matchesLeaf(condition: Json, value: Json | undefined): boolean {
  if (condition === null || typeof condition !== "object" || Array.isArray(condition)) {
    return value !== undefined && value === condition;
  }
  const [operator, operand] = Object.entries(condition)[0] ?? [];
  switch (operator) {
    case "exists":
      return (value !== undefined) === operand;
    case "prefix":
      return typeof value === "string" && typeof operand === "string" && value.startsWith(operand);
    case "suffix":
      return typeof value === "string" && typeof operand === "string" && value.endsWith(operand);
    case "equals-ignore-case":
      return typeof value === "string" && typeof operand === "string" && value.toLowerCase() === operand.toLowerCase();
    case "wildcard": {
      if (typeof value !== "string" || typeof operand !== "string") return false;
      const regex = new RegExp(`^${operand.split("*").map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
      return regex.test(value);
    }
    case "anything-but": {
      if (value === undefined) return false;
      if (Array.isArray(operand)) return !operand.some((o) => matchesLeaf(o, value));
      if (operand !== null && typeof operand === "object") return !matchesLeaf(operand, value);
      return !matchesLeaf(operand, value);
    }
    case "numeric": {
      if (typeof value !== "number" || !Array.isArray(operand)) return false;
      for (let i = 0; i < operand.length; i += 2) {
        const op = operand[i];
        const bound = operand[i + 1] as number;
        const ok = op === "=" ? value === bound : op === "<" ? value < bound : op === "<=" ? value <= bound : op === ">" ? value > bound : op === ">=" ? value >= bound : false;
        if (!ok) return false;
      }
      return true;
    }
    default:
      throw new Error(`event-pattern-matcher: unsupported operator ${JSON.stringify(condition)}`);
  }
}

function matchesField(alternatives: Json, value: Json | undefined): boolean {
  if (!Array.isArray(alternatives)) {
    throw new Error(`event-pattern-matcher: a pattern leaf must be an array, got ${JSON.stringify(alternatives)}`);
  }
  const values = Array.isArray(value) ? value : [value];
  return alternatives.some((condition) => values.some((v) => matchesLeaf(condition, v)));
}

export function matchesPattern(pattern: Record<string, Json>, event: Record<string, Json>): boolean {
  return Object.entries(pattern).every(([key, condition]) => {
    const value = event[key];
    if (condition !== null && typeof condition === "object" && !Array.isArray(condition)) {
      if (value === null || typeof value !== "object" || Array.isArray(value)) {
        // Only {exists: false} children can match an absent object.
        return Object.values(condition).every((c) => Array.isArray(c) && matchesField(c, undefined));
      }
      return matchesPattern(condition, value);
    }
    return matchesField(condition, value);
  });
}
