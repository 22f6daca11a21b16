/**
 * The shapes shared by the rotation protocol's parts (docs/rotation.md): what a run is given (RotationContext),
 * what it writes to the audit log (AuditEntry) and what it reports per service (ServiceResult).
 */
import type { GenesysClient, GenesysClientEvent, Redactor } from "../genesys/client";
import type { SecretStore } from "../aws/secret-store";

/** The service whose secret the rotator itself logs in with. */
export const ROTATOR_SERVICE = "rotation";

/** Steps written to the audit log, in protocol order. Every one is a boundary where `pause` is awaited. */
export type RotationStep =
  | "authenticate"
  | "lock"
  | "inspect"
  | "bootstrap"
  | "resume"
  | "createSecret"
  | "setSecret"
  | "testSecret"
  | "finishSecret"
  | "verifySecret"
  | "rollback"
  | "removePending"
  | "unlock"
  | "plan"
  | "skip";

/** One line of the audit log (JSON lines). Never contains a secret. */
export interface AuditEntry {
  readonly time: string;
  readonly environment: string;
  readonly service: string;
  readonly clientId?: string;
  readonly step: RotationStep;
  readonly result: "ok" | "failed" | "skipped" | "planned";
  readonly durationMs: number;
  /** Genesys HTTP requests made by this step (logins and retries included). */
  readonly genesysRequests: number;
  /** Secrets Manager calls made by this step. */
  readonly awsCalls?: number;
  readonly versionId?: string;
  readonly message?: string;
}

/** How a service ended. */
export type ServiceStatus = "rotated" | "resumed" | "skipped" | "planned" | "failed";

export interface ServiceResult {
  readonly service: string;
  readonly status: ServiceStatus;
  /** The client that is active (AWSCURRENT) at the end, or that would be rotated in a dry run. */
  readonly client?: "a" | "b";
  readonly clientId?: string;
  /** Version holding AWSCURRENT at the end. */
  readonly versionId?: string;
  /** Genesys requests for this service, logins of the tested credentials included (the rotator's own login is counted once, in the report). */
  readonly genesysRequests: number;
  /** Secrets Manager calls for this service (the lock's included). */
  readonly awsCalls: number;
  /** True when this run reset (or may have reset) a Genesys secret of this service. */
  readonly regenerated: boolean;
  /** True when this run wrote to the service's secret (lock markers aside). */
  readonly storeChanged: boolean;
  readonly message?: string;
  readonly warnings: readonly string[];
  /** Exact recovery steps after a failure, true in the state the store was found in at the end (empty when nothing is needed). */
  readonly recovery: readonly string[];
}

/** A service to rotate, from the stack outputs. */
export interface ServiceTarget {
  readonly name: string;
  /** [a] or [a, b]. */
  readonly clientIds: readonly string[];
  readonly secretId: string;
  readonly secretName: string;
}

/** A Genesys credential. */
export interface Credential {
  readonly clientId: string;
  readonly clientSecret: string;
}

/** Counts Genesys requests; pass `meter.observe` as `onEvent` of every client. */
export class RequestMeter {
  total = 0;
  readonly observe = (event: GenesysClientEvent): void => {
    if (event.type === "request") this.total += 1;
  };
}

/** Everything the protocol needs, injected by the CLI (and by tests). */
export interface RotationContext {
  readonly environment: string;
  readonly genesysRegion: string;
  readonly store: SecretStore;
  /** Counts Secrets Manager calls (the CLI wraps the SDK client's `send`). */
  readonly awsCalls: () => number;
  readonly redactor: Redactor;
  readonly meter: RequestMeter;
  /** Builds a Genesys session for a credential (region, gateway, retry, sleep, redactor, meter set). */
  readonly newSession: (credential: Credential) => GenesysClient;
  readonly dryRun: boolean;
  /** Only fill secrets that have no credential yet (first deploy); leave every other service as it is. */
  readonly bootstrapOnly?: boolean;
  /** CI run id (e.g. GITHUB_RUN_ID): version ids derive from it, so a re-run of the same run does not rotate twice. */
  readonly runId?: string;
  /** Who runs this (written into the lock: "ci:<repo> run <id>" or "<user>@<host> pid <n>"). */
  readonly owner: string;
  /** Take the lock even when another run holds a lease that has not expired (operator's decision). */
  readonly breakLock?: boolean;
  /** The most time one Genesys call may take with its retries (retry.maxElapsedMs). @default DEFAULT_RETRY_POLICY.maxElapsedMs */
  readonly genesysMaxElapsedMs?: number;
  /** Lock lease. @default DEFAULT_LEASE_MS */
  readonly leaseMs?: number;
  /**
   * A service whose AWSCURRENT became current less than this long ago is skipped: a new rotation would reset the
   * client that was active before it, which consumers may still hold. 0 (or unset) rotates regardless.
   */
  readonly minAgeDays?: number;
  readonly now: () => Date;
  readonly sleep: (ms: number) => Promise<void>;
  /** Progress and warnings (already redacted by the caller's writer). */
  readonly log: (line: string) => void;
  readonly audit: (entry: AuditEntry) => void;
  /**
   * Called after each successful step; a throw is a crash at that point: the run stops there, as a killed
   * process would (its lock is NOT released), and reports what it left.
   */
  readonly afterStep?: (step: RotationStep, service: string) => void | Promise<void>;
  /** Awaited at every protocol boundary ("start", then after every step): the interleaving harness steps runs with it. */
  readonly pause?: (point: string, service: string) => Promise<void>;
  /** The command that re-runs the job, for recovery steps. */
  readonly rerunCommand: (service: string) => string;
}

/** The rotator's Genesys session; replaced when the rotator rotates its own credential. */
export interface RotatorSession {
  session: GenesysClient;
  readonly source: "secret" | "environment";
}

/** Thrown inside a rotation to end it with a message (already safe to print). */
export class StepFailure extends Error {}

/** Thrown by `afterStep` hooks (and only there): the process "died" at that point. */
export class Interrupted extends Error {}
