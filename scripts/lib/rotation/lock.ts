/**
 * One rotator at a time per secret, whoever starts it (schedule, manual run, the deploy's --bootstrap-only, a
 * second machine), arbitrated by AWS Secrets Manager itself, on the service's own secret (docs/rotation.md "The lock").
 *
 * The lock is the custom staging label ROTATION_LOCK on a marker version whose value is
 * `{ "rotationLock": { owner, runId, service, acquiredAt, expiresAt, note? } }` (no secret in it).
 *
 * acquire:
 *   1. DescribeSecret: who holds ROTATION_LOCK (version H, or nobody); RotationEnabled refuses the secret here,
 *      before a marker is written (RotationEnabledError).
 *   2. If H: GetSecretValue of H. A lease that has not expired stops the run (LockHeldError names owner, run and
 *      expiry), unless --break-lock. An expired lease, or one of an earlier attempt of the same CI run (same run id,
 *      not "local"), is taken over (said in the log and audit).
 *   3. PutSecretValue of a new marker M with the label LOCK_CLAIM (a label is required; LOCK_CLAIM only parks it).
 *   4. UpdateSecretVersionStage(ROTATION_LOCK, MoveToVersionId M, RemoveFromVersionId H or none): the
 *      compare-and-swap. AWS fails it when H no longer holds the label, or when someone attached it while we
 *      passed none: "If the label is attached and you either do not specify this parameter, or the version ID
 *      does not match, then the operation fails" (API_UpdateSecretVersionStage, RemoveFromVersionId). Of two
 *      runs that raced through 1-3, exactly one wins; the other gets LockHeldError naming the winner.
 * release: UpdateSecretVersionStage(ROTATION_LOCK, RemoveFromVersionId M) — also a CAS: it fails when the lock
 *   was broken or taken over meanwhile (LockLostError: the run reports it loudly).
 * Lost answers: the SDK v3 retries a 5xx or timeout by itself, so a claim or release AWS applied can come back as
 *   an error (the retry's InvalidParameterException, or the last 5xx). After any error of the claim or the release
 *   one DescribeSecret decides: ROTATION_LOCK on this run's (fresh UUID) marker → the claim won; ROTATION_LOCK on no
 *   version and LOCK_CLAIM still on this run's marker (no later claim) → the release happened.
 * renew: steps 3-4 with H = M (a longer lease, e.g. after a reset whose outcome is unknown).
 * ensureHeld: the fence before the reset and before the move of AWSCURRENT (one DescribeSecret each): a run whose
 *   lock was broken meanwhile stops there instead of resetting or promoting next to the run that broke it.
 * ensureHeldFor: the fence before the reset also requires the lease to outlast the reset's worst case (lazy login
 *   and reset with their retries, plus the settle time), renewing it with the CAS when it would not: a reset is
 *   never sent after the lease ran out and another run took the lock over.
 *
 * Versions: each acquire adds one marker version; released markers have no label (deprecated) and AWS removes
 * them (when a secret has more than 100 versions, those older than 24 hours). LOCK_CLAIM keeps at most one
 * marker labelled. Cost: 3 calls to take a free lock (+1 GetSecretValue when a holder is found), 1 per fence, 1 to release.
 */
import { randomUUID } from "node:crypto";
import { SecretStages, SecretStore, SecretStoreError, holderOf, LOCK_MARKER_KEY } from "../aws/secret-store";

export const ROTATION_LOCK = "ROTATION_LOCK";
export const LOCK_CLAIM = "LOCK_CLAIM";
/** Longer than the worst case of one service (three Genesys calls of at most 15 minutes each, plus AWS). */
export const DEFAULT_LEASE_MS = 60 * 60 * 1000;

/** What a marker records. */
export interface LockLease {
  readonly owner: string;
  readonly runId: string;
  readonly service: string;
  readonly acquiredAt: string;
  readonly expiresAt: string;
  /** Why a lease was extended (e.g. a reset whose outcome is unknown). */
  readonly note?: string;
}

/** The lock is held by another run whose lease has not expired. Nothing was changed. */
export class LockHeldError extends Error {
  constructor(
    message: string,
    readonly holderVersionId: string,
    readonly lease: LockLease | undefined,
  ) {
    super(message);
    this.name = "LockHeldError";
  }
}

/** The secret has RotationEnabled (a Secrets Manager rotation Lambda rotates it): refused before anything is written. */
export class RotationEnabledError extends Error {
  constructor(readonly secretId: string) {
    super(
      `secret ${secretId} has RotationEnabled: a Secrets Manager rotation Lambda also rotates it, and two rotators must not ` +
        "share a secret. Nothing was changed (not even a lock marker was written; its AWSPENDING, if any, belongs to that rotation " +
        `and was left alone). Turn AWS rotation off (aws secretsmanager cancel-rotate-secret --secret-id ${secretId}) or take the service out of this job.`,
    );
    this.name = "RotationEnabledError";
  }
}

/** This run's lock was broken or taken over while it ran. */
export class LockLostError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LockLostError";
  }
}

/** Parses a marker's text; undefined when it is not a lease. */
export function parseLease(text: string): LockLease | undefined {
  try {
    const v = (JSON.parse(text) as Record<string, unknown>)[LOCK_MARKER_KEY] as Record<string, unknown> | undefined;
    const str = (k: string) => (v && typeof v[k] === "string" ? (v[k] as string) : undefined);
    const [owner, runId, service, acquiredAt, expiresAt] = ["owner", "runId", "service", "acquiredAt", "expiresAt"].map(str);
    if (!owner || !runId || !service || !acquiredAt || !expiresAt || Number.isNaN(Date.parse(expiresAt))) return undefined;
    return { owner, runId, service, acquiredAt, expiresAt, note: str("note") };
  } catch {
    return undefined;
  }
}

export function describeLease(lease: LockLease): string {
  return `${lease.owner} (run ${lease.runId}), taken ${lease.acquiredAt}, lease until ${lease.expiresAt}${lease.note ? `; note: ${lease.note}` : ""}`;
}

export interface LockOptions {
  readonly store: SecretStore;
  readonly secretId: string;
  readonly service: string;
  readonly owner: string;
  readonly runId: string;
  readonly now: () => Date;
  readonly leaseMs: number;
  /** The command that breaks a stale lock, for messages. */
  readonly breakCommand: string;
}

/** The rotation lock of one secret, for one run. */
export class RotationLock {
  private markerId: string | undefined;
  private leaseValue: LockLease | undefined;

  constructor(private readonly o: LockOptions) {}

  /** The marker version this run holds, if any. */
  get versionId(): string | undefined {
    return this.markerId;
  }

  get lease(): LockLease | undefined {
    return this.leaseValue;
  }

  /**
   * Takes the lock. @returns a sentence about a lease taken over (expired, or broken with `breakLock`), or undefined.
   * @throws LockHeldError when another run holds it (or won the race); SecretStoreError for AWS failures.
   */
  async acquire(breakLock: boolean): Promise<string | undefined> {
    const { store, secretId } = this.o;
    const stages = await store.stages(secretId);
    // Before anything is written: on a secret with no version yet, the marker would become its AWSCURRENT.
    if (stages.rotationEnabled) throw new RotationEnabledError(secretId);
    const holder = holderOf(stages, ROTATION_LOCK);
    let tookOver: string | undefined;
    if (holder) {
      const text = (await store.readMarkerText(secretId, ROTATION_LOCK, holder))?.text;
      const lease = text === undefined ? undefined : parseLease(text);
      const expired = lease !== undefined && Date.parse(lease.expiresAt) <= this.o.now().getTime();
      // A CI re-run keeps its run id (GITHUB_RUN_ID) and starts only after the earlier attempt ended.
      const sameRun = lease !== undefined && this.o.runId !== "local" && lease.runId === this.o.runId;
      const who = lease ? describeLease(lease) : `an unreadable marker (version ${holder})`;
      if (!expired && !sameRun && !breakLock) {
        throw new LockHeldError(
          `the rotation lock of this secret is held by ${who}. Another rotation of this service is running (or died ` +
            `without releasing it). Wait for it${lease ? ` or until ${lease.expiresAt}` : ""}; if you are sure no run is active, ` +
            `break it: ${this.o.breakCommand}`,
          holder,
          lease,
        );
      }
      tookOver = `${expired ? "took over the expired lock" : sameRun ? "took over the lock of an earlier attempt of this run" : "BROKE the lock (--break-lock)"} of ${who}`;
    }
    await this.claim(holder, undefined);
    return tookOver;
  }

  /** Extends this run's lease to `untilMs` with a note. @throws LockLostError when the lock is no longer ours. */
  async renew(untilMs: number, note: string): Promise<void> {
    if (!this.markerId) throw new LockLostError("renew: this run holds no lock");
    await this.claim(this.markerId, { until: untilMs, note });
  }

  /** Releases the lock. @throws LockLostError when another run took it meanwhile (nothing is changed then). */
  async release(): Promise<void> {
    const id = this.markerId;
    if (!id) return;
    try {
      await this.o.store.moveLabel(this.o.secretId, ROTATION_LOCK, undefined, id);
    } catch (err) {
      // The call may have been applied with its answer lost (the SDK retries 5xx and timeouts by itself, and the
      // retry then fails): decide by where the labels are. No ROTATION_LOCK, and LOCK_CLAIM still on this run's
      // marker (every claim after it would have moved LOCK_CLAIM to a newer marker): released.
      const seen = await this.o.store.stages(this.o.secretId).catch(() => undefined);
      if (seen && holderOf(seen, ROTATION_LOCK) === undefined && holderOf(seen, LOCK_CLAIM) === id) {
        this.markerId = undefined;
        return;
      }
      if (seen && holderOf(seen, ROTATION_LOCK) === id) throw err; // really not released
      if ((seen && holderOf(seen, ROTATION_LOCK) !== id) || (err instanceof SecretStoreError && err.awsError === "InvalidParameterException")) {
        throw new LockLostError(
          `this run's rotation lock (marker ${id}) was no longer held when it finished: another run broke it or took it ` +
            "over after the lease expired, and may have acted on this service at the same time. Check the audit logs of both runs.",
        );
      }
      throw err;
    }
    this.markerId = undefined;
  }

  /**
   * The fence before an irreversible step (the reset, the move of AWSCURRENT): one DescribeSecret; throws when
   * the lock was broken or taken over since (an operator's --break-lock while this run was alive).
   * @throws LockLostError
   */
  async ensureHeld(before: string): Promise<void> {
    if (!this.heldIn(await this.o.store.stages(this.o.secretId))) {
      this.markerId = undefined; // not ours any more: nothing to release
      throw new LockLostError(`this run no longer holds the rotation lock (broken or expired), so it stopped before ${before}`);
    }
  }

  /**
   * The fence before the reset: like ensureHeld, and the lease must still run for at least `needMs` (the worst
   * case of what follows: the rotator's lazy login and the reset with their retry budgets, plus the settle time
   * of a late reset). When it does not, the lease is renewed first with the compare-and-swap (2 more calls), to
   * now + max(lease, needMs). @returns a sentence when it renewed. @throws LockLostError
   */
  async ensureHeldFor(needMs: number, before: string): Promise<string | undefined> {
    await this.ensureHeld(before);
    const now = this.o.now().getTime();
    const left = Date.parse(this.leaseValue?.expiresAt ?? "") - now;
    if (left >= needMs) return undefined;
    const until = now + Math.max(this.o.leaseMs, needMs);
    await this.renew(until, `renewed before ${before}: ${Math.round(left / 1000)} s of lease left, ${Math.round(needMs / 1000)} s needed`);
    return `renewed the rotation lock before ${before} (${Math.round(left / 1000)} s left, the worst case needs ${Math.round(needMs / 1000)} s): lease until ${this.leaseValue?.expiresAt}`;
  }

  /** True when `stages` (a fresh DescribeSecret) shows this run's marker holding the lock and its lease is running. */
  heldIn(stages: Pick<SecretStages, "versions">): boolean {
    return (
      this.markerId !== undefined &&
      holderOf(stages, ROTATION_LOCK) === this.markerId &&
      this.leaseValue !== undefined &&
      Date.parse(this.leaseValue.expiresAt) > this.o.now().getTime()
    );
  }

  private async claim(from: string | undefined, extend: { until: number; note: string } | undefined): Promise<void> {
    const { store, secretId } = this.o;
    const now = this.o.now();
    const lease: LockLease = {
      owner: this.o.owner,
      runId: this.o.runId,
      service: this.o.service,
      acquiredAt: this.leaseValue?.acquiredAt ?? now.toISOString(),
      expiresAt: new Date(extend ? extend.until : now.getTime() + this.o.leaseMs).toISOString(),
      ...(extend ? { note: extend.note } : {}),
    };
    const marker = randomUUID();
    try {
      await store.putVersion(secretId, marker, JSON.stringify({ [LOCK_MARKER_KEY]: lease }), LOCK_CLAIM);
    } catch (err) {
      if (!(err instanceof SecretStoreError && err.awsError === "LimitExceededException")) throw err;
      // Say how full the secret is (ListSecretVersionIds), so the operator knows how long to wait.
      const count = await store.versionCount(secretId, now).catch(() => undefined);
      const detail = count ? ` It has ${count.total} versions, ${count.lastDay} of them created in the last 24 hours (AWS removes only older unlabelled ones).` : "";
      throw new SecretStoreError(`${err.message}${detail}`, err.awsError);
    }
    try {
      await store.moveLabel(secretId, ROTATION_LOCK, marker, from);
    } catch (err) {
      // Applied with the answer lost (the SDK retried a 5xx or timeout, and the retry failed)? The marker is a
      // fresh UUID: ROTATION_LOCK on it means this claim won, whatever the answer said.
      const seen = await store.stages(secretId).catch(() => undefined);
      if (seen && holderOf(seen, ROTATION_LOCK) === marker) {
        this.markerId = marker;
        this.leaseValue = lease;
        return;
      }
      if (!(err instanceof SecretStoreError && err.awsError === "InvalidParameterException")) throw err;
      if (extend) {
        this.markerId = undefined; // not ours any more: nothing to release
        throw new LockLostError(`could not extend this run's lock: it is no longer held by marker ${from}`);
      }
      const winner = (seen ? holderOf(seen, ROTATION_LOCK) : holderOf(await store.stages(secretId), ROTATION_LOCK)) ?? "(released again)";
      const text = winner.startsWith("(") ? undefined : (await store.readMarkerText(secretId, ROTATION_LOCK, winner))?.text;
      const lease2 = text ? parseLease(text) : undefined;
      throw new LockHeldError(
        `another run took the rotation lock of this secret a moment before this one: ${lease2 ? describeLease(lease2) : `marker ${winner}`}. ` +
          "Nothing was changed; run again once it has finished.",
        winner,
        lease2,
      );
    }
    this.markerId = marker;
    this.leaseValue = lease;
  }
}
