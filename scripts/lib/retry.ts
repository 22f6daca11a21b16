/**
 * The shared HTTP retry policy for Genesys calls (rotation and smoke tests use the same one).
 *
 * - 429: wait what `Retry-After` says (seconds, or an HTTP date); without the header, use the backoff below.
 * - 5xx, timeouts and network errors: back off 3 s, 9 s, 27 s, then 5-minute steps.
 * - Bounded by a number of attempts and by the total time one call may take, waits and attempts included.
 */

/** Bounds and delays of the retry loop. All times in milliseconds. */
export interface RetryPolicy {
  /** Attempts per call, the first one included. @default 6 */
  readonly maxAttempts: number;
  /** The most time one call may take, attempts and waits included. @default 900_000 (15 min) */
  readonly maxElapsedMs: number;
  /** Waits before the first retries, in order. @default [3000, 9000, 27000] */
  readonly backoffMs: readonly number[];
  /** Wait before every retry after those of `backoffMs`. @default 300_000 (5 min) */
  readonly stepMs: number;
}

/** 3 s, 9 s, 27 s, then 5-minute steps; 6 attempts; 15 minutes per call. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  maxAttempts: 6,
  maxElapsedMs: 15 * 60 * 1000,
  backoffMs: Object.freeze([3000, 9000, 27000]),
  stepMs: 5 * 60 * 1000,
});

/** The default policy with `overrides` applied; throws on nonsensical values. */
export function resolveRetryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  const policy = { ...DEFAULT_RETRY_POLICY, ...overrides };
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) {
    throw new Error(`retry.maxAttempts must be an integer >= 1, got ${String(policy.maxAttempts)}`);
  }
  if (!(policy.maxElapsedMs > 0)) throw new Error(`retry.maxElapsedMs must be > 0, got ${String(policy.maxElapsedMs)}`);
  if (!(policy.stepMs >= 0) || policy.backoffMs.some((d) => !(d >= 0))) {
    throw new Error("retry delays must be >= 0");
  }
  return policy;
}

/** The wait before retry number `retryIndex` (0 = first retry) when the server gave no `Retry-After`. */
export function backoffDelayMs(policy: RetryPolicy, retryIndex: number): number {
  return retryIndex < policy.backoffMs.length ? policy.backoffMs[retryIndex] : policy.stepMs;
}

/**
 * Parses a `Retry-After` header: delta-seconds (Genesys sends these) or an HTTP date.
 * @returns milliseconds to wait, or undefined when absent or unreadable.
 */
export function parseRetryAfterMs(value: unknown, nowMs: number): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (typeof raw === "number" && raw >= 0) return raw * 1000;
  if (typeof raw !== "string" || raw.trim() === "") return undefined;
  const text = raw.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/** A `sleep` that really waits. Tests inject their own. */
export function realSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
