/**
 * Shared types of the post-deploy smoke tests (scripts/smoke.ts): a smoke case is a named, read-only check
 * with a one-line outcome.
 */

/** The area a case belongs to; one JUnit test suite per area. */
export type SmokeArea = "genesys" | "aws" | "canary";

export type SmokeStatus = "pass" | "fail" | "skip";

/** A check to run. `run` resolves with a pass reason, or throws CheckFailed / CheckSkipped (any other error fails). */
export interface SmokeCase {
  /** Stable id, e.g. `genesys.integration.config`, `aws.dlq.audit-log.audit`. */
  readonly id: string;
  readonly area: SmokeArea;
  /** What the check verifies, for the table and the docs. */
  readonly title: string;
  /**
   * Cases this one needs. When one of them ran in this run and failed or was skipped for a dependency, this
   * case is skipped naming it (its failure is already reported). Ignored when the dependency is not selected.
   */
  readonly dependsOn?: readonly string[];
  /** A precondition (e.g. AWS credentials): run whenever a selected case depends on it, even outside --only. */
  readonly precondition?: boolean;
  run(context: CaseContext): Promise<CaseOutcome>;
}

/** What a case's `run` gets. */
export interface CaseContext {
  /** Milliseconds since epoch by the run's clock. */
  now(): number;
  /** When the run must be over (ms since epoch). */
  readonly deadline: number;
  sleep(ms: number): Promise<void>;
}

/** A passing outcome: a one-line reason and optional machine-readable data for the JSON report. */
export interface CaseOutcome {
  readonly reason: string;
  readonly data?: Readonly<Record<string, unknown>>;
}

/** The result of one case. */
export interface SmokeResult {
  readonly id: string;
  readonly area: SmokeArea;
  readonly title: string;
  readonly status: SmokeStatus;
  readonly durationMs: number;
  /** One line, redacted. */
  readonly reason: string;
  readonly data?: Readonly<Record<string, unknown>>;
}

/** The whole run. */
export interface SmokeReport {
  readonly environment: string;
  readonly startedAt: string;
  readonly durationMs: number;
  /** True when no case failed. */
  readonly ok: boolean;
  readonly counts: { readonly total: number; readonly passed: number; readonly failed: number; readonly skipped: number };
  readonly results: readonly SmokeResult[];
}

/** Throw from a case to fail it with `message` as its reason. */
export class CheckFailed extends Error {
  constructor(
    message: string,
    readonly data?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
    this.name = "CheckFailed";
  }
}

/** Throw from a case to skip it with `message` as its reason. */
export class CheckSkipped extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CheckSkipped";
  }
}

/** Collects problems and throws one CheckFailed listing them all (joined by "; "), or returns. */
export class Problems {
  private readonly items: string[] = [];

  add(problem: string): void {
    this.items.push(problem);
  }

  check(condition: boolean, problem: string): void {
    if (!condition) this.items.push(problem);
  }

  get count(): number {
    return this.items.length;
  }

  throwIfAny(data?: Readonly<Record<string, unknown>>): void {
    if (this.items.length > 0) throw new CheckFailed(this.items.join("; "), data);
  }
}
