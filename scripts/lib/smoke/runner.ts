/**
 * Runs smoke cases one after the other: each is timed, bounded by the run's deadline, and turned into a
 * one-line, redacted result. A case never stops the run: every error becomes that case's failure.
 */
import { Redactor, safeErrorMessage } from "../redact";
import { CaseContext, CheckFailed, CheckSkipped, SmokeCase, SmokeResult } from "./types";

export interface RunCasesOptions {
  readonly redactor: Redactor;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** When the run must be over (ms since epoch, by `now`). */
  readonly deadline: number;
  /** The --timeout value in seconds, for messages. */
  readonly timeoutSeconds: number;
  /** Called after each case (progress lines on stderr). */
  readonly onResult?: (result: SmokeResult) => void;
}

/** Sentinel of the deadline race. */
const TIMED_OUT = Symbol("timed out");

/** A case-selection filter for `--only`: PREFIX matches ids starting with it, with or without the area. */
export function matchesOnly(id: string, prefixes: readonly string[]): boolean {
  if (prefixes.length === 0) return true;
  const withoutArea = id.slice(id.indexOf(".") + 1);
  return prefixes.some((p) => id.startsWith(p) || withoutArea.startsWith(p));
}

/** One line, at most `max` characters. */
export function oneLine(text: string, max = 600): string {
  const flat = text.replace(/\s*\r?\n\s*/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 3)}...` : flat;
}

/** Runs `cases` in order and returns their results (same order). */
export async function runCases(cases: readonly SmokeCase[], options: RunCasesOptions): Promise<SmokeResult[]> {
  const results: SmokeResult[] = [];
  const byId = new Map<string, SmokeResult>();
  const context: CaseContext = { now: options.now, deadline: options.deadline, sleep: options.sleep };
  for (const smokeCase of cases) {
    const started = options.now();
    const base = { id: smokeCase.id, area: smokeCase.area, title: smokeCase.title };
    let result: SmokeResult;
    const blocker = (smokeCase.dependsOn ?? []).map((d) => byId.get(d)).find((r) => r !== undefined && r.status !== "pass");
    if (blocker) {
      // Blocked: the cause is reported once, by the case that failed; `data.blockedBy` names it for machines.
      const root = blocker.data?.blockedBy ?? blocker.id;
      result = {
        ...base,
        status: "skip",
        durationMs: 0,
        reason: `not run: it needs ${blocker.id}, which ${blocker.status === "fail" ? "failed" : "was skipped"}`,
        data: { blockedBy: blocker.status === "fail" ? blocker.id : root },
      };
    } else if (started >= options.deadline) {
      result = { ...base, status: "fail", durationMs: 0, reason: `not run: the run's --timeout of ${options.timeoutSeconds} s had passed` };
    } else {
      result = await runOne(smokeCase, context, options, started);
    }
    results.push(result);
    byId.set(result.id, result);
    options.onResult?.(result);
  }
  return results;
}

async function runOne(smokeCase: SmokeCase, context: CaseContext, options: RunCasesOptions, started: number): Promise<SmokeResult> {
  const base = { id: smokeCase.id, area: smokeCase.area, title: smokeCase.title };
  const redact = (text: string): string => oneLine(options.redactor.redact(text));
  let timer: NodeJS.Timeout | undefined;
  // A little grace after the deadline lets a case that watches the deadline itself (the canary) finish cleanly.
  const grace = smokeCase.area === "canary" ? 30_000 : 0;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), Math.max(0, options.deadline + grace - options.now()));
  });
  try {
    const outcome = await Promise.race([smokeCase.run(context), timeout]);
    const durationMs = options.now() - started;
    if (outcome === TIMED_OUT) {
      return { ...base, status: "fail", durationMs, reason: `timed out: no answer before the run's --timeout of ${options.timeoutSeconds} s` };
    }
    return { ...base, status: "pass", durationMs, reason: redact(outcome.reason), data: redactData(outcome.data, options.redactor) };
  } catch (err) {
    const durationMs = options.now() - started;
    if (err instanceof CheckSkipped) return { ...base, status: "skip", durationMs, reason: redact(err.message) };
    if (err instanceof CheckFailed) {
      return { ...base, status: "fail", durationMs, reason: redact(err.message), data: redactData(err.data, options.redactor) };
    }
    return { ...base, status: "fail", durationMs, reason: redact(safeErrorMessage(err, options.redactor)) };
  } finally {
    clearTimeout(timer);
  }
}

function redactData(data: Readonly<Record<string, unknown>> | undefined, redactor: Redactor): Record<string, unknown> | undefined {
  return data === undefined ? undefined : (redactor.redactValue(data) as Record<string, unknown>);
}
