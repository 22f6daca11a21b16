/**
 * The rotation protocol of one service, as named steps (docs/rotation.md "How rotation works"):
 *
 *   lock → inspect → [resume | removePending (leftover) | skip] → createSecret → setSecret → testSecret
 *        → finishSecret → verifySecret [→ rollback] → removePending → unlock
 *
 * The lock (./lock) makes this the only rotator of the secret; the store (../aws/secret-store) and Genesys
 * (./genesys-ops) are called only from the steps; moving AWSCURRENT (and back) is ./promotion; what is printed
 * after a failure comes from ./recovery.
 * Invariants: the active client is never reset; AWSCURRENT moves only to a credential that logged in right
 * before, and is moved back when it fails right after; a reset is sent at most once per run.
 */
import { randomUUID, createHash } from "node:crypto";
import { AWSCURRENT, LockMarkerValueError, SecretStages, SecretVersion, StoredCredential } from "../aws/secret-store";
import { GenesysClient, safeErrorMessage } from "../genesys/client";
import { DEFAULT_RETRY_POLICY } from "../retry";
import { FRESH_TEST_ATTEMPTS, RESET_SETTLE_MS, resetSecret, testCredential } from "./genesys-ops";
import { ServiceJournal, letter } from "./journal";
import { checkValue, currentSinceOf, describeState, planService, tooYoung } from "./checks";
import { DEFAULT_LEASE_MS, LockHeldError, LockLostError, RotationEnabledError, RotationLock } from "./lock";
import { Promotion } from "./promotion";
import { MutableRunFacts, recoverySteps } from "./recovery";
import { Interrupted, RotationContext, RotatorSession, ServiceResult, ServiceTarget, StepFailure } from "./types";

/** Lease left beyond the reset's worst case when it is sent. */
const RESET_MARGIN_MS = 60 * 1000;

/** A tested AWSPENDING older than this is re-written with a fresh currentSince before promotion (min-age guard). */
const STALE_PENDING_MS = 60 * 60 * 1000;

/** Version id of a new credential version: with a run id, a prefix derived from it (a re-run of the run sees its own AWSCURRENT). */
export function newVersionId(environment: string, service: string, runId: string | undefined): string {
  return runId ? `${runPrefix(environment, service, runId)}${randomUUID()}` : randomUUID();
}

/** The version-id prefix of run `runId` ("r" + 16 hex + "-"). */
export function runPrefix(environment: string, service: string, runId: string): string {
  return `r${createHash("sha256").update(`genesys-rotation/${environment}/${service}/${runId}`).digest("hex").slice(0, 16)}-`;
}

/** Runs the protocol for one service. Never throws: failures are in the result, with recovery steps. */
export function rotateService(ctx: RotationContext, rotator: RotatorSession, target: ServiceTarget): Promise<ServiceResult> {
  return new ServiceRotation(ctx, rotator, target).run();
}

interface Inspection {
  readonly stages: SecretStages;
  /** The AWSCURRENT credential (undefined: none, or a lock marker = never filled). */
  readonly current?: SecretVersion;
  /** AWSPENDING on another version than AWSCURRENT, read (or why it could not be). */
  readonly pending?: SecretVersion;
  readonly pendingProblem?: string;
}

class ServiceRotation {
  private readonly j: ServiceJournal;
  private readonly lock: RotationLock;
  /** What this run did, for the recovery texts; shared with the promotion steps, which add to it. */
  private readonly facts: MutableRunFacts = { reset: "none", tested: false };
  private readonly promotion: Promotion;
  private keepLock: { until: number; why: string } | undefined;

  constructor(
    private readonly ctx: RotationContext,
    private readonly rotator: RotatorSession,
    private readonly t: ServiceTarget,
  ) {
    this.j = new ServiceJournal(ctx, t);
    this.lock = new RotationLock({
      store: ctx.store,
      secretId: t.secretId,
      service: t.name,
      owner: ctx.owner,
      runId: ctx.runId ?? "local",
      now: ctx.now,
      leaseMs: ctx.leaseMs ?? DEFAULT_LEASE_MS,
      breakCommand: `${ctx.rerunCommand(t.name)} --break-lock`,
    });
    this.promotion = new Promotion(ctx, t, this.j, this.lock, this.facts);
  }

  async run(): Promise<ServiceResult> {
    if (this.t.clientIds.length === 1) {
      this.j.warn(`service ${this.t.name} has a single OAuth client: rotation resets its secret, and the old secret dies at once. Consumers fail until they re-read AWSCURRENT. Use clients: 2 to rotate without that gap.`);
    }
    let result: ServiceResult;
    try {
      await this.j.boundary("start");
      if (this.ctx.dryRun) return await this.dryRun();
      await this.j.step("lock", undefined, async () => {
        const took = await this.lock.acquire(this.ctx.breakLock === true);
        if (took) this.j.warn(`${this.t.name}: ${took}`);
        return { value: undefined, versionId: this.lock.versionId, message: took ?? `took the rotation lock (lease until ${this.lock.lease?.expiresAt})` };
      });
      result = await this.protocol();
    } catch (err) {
      result = await this.failed(err);
    }
    return this.unlock(result);
  }

  private async protocol(): Promise<ServiceResult> {
    const s = await this.j.step("inspect", undefined, async () => {
      const found = await this.inspect();
      return { value: found, message: this.describe(found) };
    });
    const { current, stages } = s;
    if (this.ctx.bootstrapOnly && (current || stages.pending)) {
      return this.j.skipped(current ? "has a credential (AWSCURRENT); --bootstrap-only leaves it for the monthly rotation" : "has an unfinished rotation (AWSPENDING); --bootstrap-only leaves it: run the rotation to resume it", current?.value.clientId, current?.versionId);
    }
    if (this.ctx.runId && current && current.versionId.startsWith(runPrefix(this.ctx.environment, this.t.name, this.ctx.runId)) && !stages.pending) {
      return this.j.skipped(`already rotated in run ${this.ctx.runId} (AWSCURRENT is version ${current.versionId}); nothing to do`, current.value.clientId, current.versionId);
    }
    if (current && stages.pending === current.versionId) return this.promotion.finishPendingOnCurrent(current);
    if (stages.pending) {
      const resumed = await this.resume(s);
      if (resumed) return resumed;
    }
    const young = current && this.tooYoung(current);
    if (young) return this.j.skipped(young, current.value.clientId, current.versionId);
    return this.rotate(s);
  }

  private async inspect(): Promise<Inspection> {
    const { store } = this.ctx;
    const stages = await store.stages(this.t.secretId);
    if (stages.rotationEnabled) {
      throw new StepFailure(
        `secret ${this.t.secretName} (${this.t.secretId}) has RotationEnabled: a Secrets Manager rotation Lambda also rotates it, and two ` +
          "rotators must not share a secret. Nothing was changed (its AWSPENDING, if any, belongs to that rotation and was left alone). " +
          `Turn AWS rotation off (aws secretsmanager cancel-rotate-secret --secret-id ${this.t.secretId}) or take the service out of this job.`,
      );
    }
    if (!this.lock.heldIn(stages)) throw new StepFailure("this run no longer holds the rotation lock (broken or expired); nothing was changed");
    let current: SecretVersion | undefined;
    try {
      current = stages.current ? await store.read(this.t.secretId, AWSCURRENT) : undefined;
    } catch (err) {
      if (!(err instanceof LockMarkerValueError)) throw err;
    }
    if (current) this.checkValue(current, "AWSCURRENT");
    if (!stages.pending || stages.pending === stages.current) return { stages, current };
    try {
      const pending = await store.read(this.t.secretId, "AWSPENDING", stages.pending);
      if (pending) this.checkValue(pending, "AWSPENDING");
      return { stages, current, pending };
    } catch (err) {
      return { stages, current, pendingProblem: err instanceof StepFailure ? err.message : safeErrorMessage(err, this.ctx.redactor) };
    }
  }

  /** An AWSPENDING left by an earlier run: promoted when it logs in, replaced when Genesys rejects it, kept when Genesys does not answer. */
  private async resume(s: Inspection): Promise<ServiceResult | undefined> {
    const pendingId = s.stages.pending as string;
    const pending = s.pending;
    const verdict = await this.j.step("resume", pending?.value.clientId, async () => {
      if (!pending) return { value: "rejected" as const, versionId: pendingId, message: `AWSPENDING version ${pendingId} is not a usable credential (${s.pendingProblem}); resetting` };
      const test = await testCredential(this.ctx, pending.value);
      if (test.verdict === "unknown") {
        throw new StepFailure(`AWSPENDING version ${pendingId} from an interrupted run could not be tested, Genesys did not answer (${test.reason}). It was kept, nothing was changed: re-run later.`);
      }
      if (test.verdict === "works") this.adoptIfRotator(pending.value.clientId, test.session);
      const message = test.verdict === "works" ? `AWSPENDING version ${pendingId} from an interrupted run works` : `AWSPENDING version ${pendingId} is rejected by Genesys (${test.reason}); resetting`;
      return { value: test.verdict, versionId: pendingId, message };
    });
    if (verdict === "rejected" || !pending) return undefined;
    Object.assign(this.facts, { resetClientId: pending.value.clientId, newVersionId: pendingId, tested: true });
    let versionId = pendingId;
    if (this.ctx.now().getTime() - Date.parse(currentSinceOf(pending.value)) > STALE_PENDING_MS) {
      // Written long ago: promote a copy that says when it became current, or the min-age guard would read a month-old date.
      versionId = newVersionId(this.ctx.environment, this.t.name, this.ctx.runId);
      await this.ctx.store.putPending(this.t.secretId, { ...pending.value, currentSince: this.ctx.now().toISOString() }, versionId);
      this.j.storeChanged = true;
      this.facts.newVersionId = versionId;
    }
    await this.promotion.promoteAndVerify(versionId, pending.value, s.stages.current, s.current);
    return this.j.result("resumed", { clientId: pending.value.clientId, versionId, message: `finished the interrupted rotation: AWSCURRENT is now client ${pending.value.client} (version ${versionId})` });
  }

  private async rotate(s: Inspection): Promise<ServiceResult> {
    const { current } = s;
    const targetId = !current || this.t.clientIds.length === 1 ? this.t.clientIds[0] : (this.t.clientIds.find((id) => id !== current.value.clientId) as string);
    const who = `client ${letter(this.t, targetId)} (${targetId})`;
    if (!current) this.j.audit("bootstrap", "ok", undefined, targetId, undefined, `the secret holds no credential: ${who} is reset and stored`);
    this.facts.resetClientId = targetId;
    const secret = await this.j.step("createSecret", targetId, async () => {
      // The lease must outlast what follows the fence: the rotator's lazy login and the reset (429 retries), each
      // up to the retry budget, and the settle time of a late reset; else another run could take the lock over
      // and promote a secret of this client before this reset lands (review F2).
      // A session that never logged in (the CLI logs the rotator in first; a caller of rotateService may not) logs
      // in now, before the fence, not lazily after it. A token that runs out later is covered by the budget below.
      if (this.rotator.session.requestCount === 0) await this.rotator.session.login();
      const budget = this.ctx.genesysMaxElapsedMs ?? DEFAULT_RETRY_POLICY.maxElapsedMs;
      const renewed = await this.lock.ensureHeldFor(2 * budget + RESET_SETTLE_MS + RESET_MARGIN_MS, `resetting ${who}`);
      if (renewed) this.j.warn(`${this.t.name}: ${renewed}`);
      const sentAt = this.ctx.now();
      this.j.regenerated = true;
      const out = await resetSecret(this.rotator.session, targetId, sentAt, this.ctx);
      if (out.kind === "refused") {
        this.j.regenerated = false;
        throw new StepFailure(`the reset of ${who} was refused: ${out.reason}`);
      }
      if (out.kind === "unknown") {
        Object.assign(this.facts, { reset: "unknown", resetFinding: out.finding });
        // From the last attempt (after any 429 waits), not from the first: a late reset lands after the last one.
        this.keepLock = { until: this.ctx.now().getTime() + RESET_SETTLE_MS, why: `the reset of ${who} may still be applied late; no run may reset it again before` };
        throw new StepFailure(`the reset of ${who} got no usable answer (${out.reason}); ${out.finding}. It was not sent again`);
      }
      this.facts.reset = "applied";
      return { value: out.secret, message: `new secret for ${who}` };
    });
    const now = this.ctx.now().toISOString();
    const value: StoredCredential = { clientId: targetId, clientSecret: secret, region: this.ctx.genesysRegion, rotatedAt: now, currentSince: now, client: letter(this.t, targetId) ?? "a", environment: this.ctx.environment, service: this.t.name };
    const versionId = newVersionId(this.ctx.environment, this.t.name, this.ctx.runId);
    this.facts.newVersionId = versionId;
    await this.j.step("setSecret", targetId, async () => {
      this.j.storeChanged = true;
      await this.ctx.store.putPending(this.t.secretId, value, versionId);
      return { value: undefined, versionId, message: `stored as AWSPENDING version ${versionId}` };
    });
    await this.j.step("testSecret", targetId, async () => {
      const test = await testCredential(this.ctx, value, FRESH_TEST_ATTEMPTS);
      if (test.verdict !== "works") throw new StepFailure(`the new secret of ${who} failed its login test (${test.verdict}: ${test.reason})`);
      this.facts.tested = true;
      this.adoptIfRotator(targetId, test.session);
      return { value: undefined, versionId, message: "the new secret logs in" };
    });
    await this.promotion.promoteAndVerify(versionId, value, s.stages.current, s.current);
    const message = current
      ? `AWSCURRENT is now client ${value.client}; client ${current.value.client} (version ${current.versionId}, now AWSPREVIOUS) keeps working until the next rotation`
      : `bootstrapped: AWSCURRENT is client ${value.client}`;
    return this.j.result("rotated", { clientId: targetId, versionId, message });
  }

  /** The result of a failure, with recovery steps from the state found now. A crash (Interrupted) keeps the lock. */
  private async failed(err: unknown): Promise<ServiceResult> {
    const message = err instanceof Error && (err instanceof StepFailure || err instanceof Interrupted || err instanceof LockHeldError || err instanceof RotationEnabledError) ? err.message : safeErrorMessage(err, this.ctx.redactor);
    if (err instanceof Interrupted && this.lock.versionId) this.keepLock = { until: Date.parse(this.lock.lease?.expiresAt ?? ""), why: "this run was interrupted and could not release it" };
    if (this.keepLock) Object.assign(this.facts, { lockKeptUntil: new Date(Math.max(this.keepLock.until, Date.parse(this.lock.lease?.expiresAt ?? "0"))).toISOString(), lockKeptWhy: this.keepLock.why });
    this.facts.lockMarker = this.lock.versionId;
    if (err instanceof LockHeldError || err instanceof RotationEnabledError) {
      return this.j.result("failed", { message, recovery: [`Nothing was changed. ${message}`] });
    }
    return this.j.result("failed", { message, recovery: await recoverySteps(this.ctx, this.t, this.facts) });
  }

  /** Releases the lock, or (crash, unknown reset) keeps it: extended to the settle time when needed. */
  private async unlock(result: ServiceResult): Promise<ServiceResult> {
    if (!this.lock.versionId) return result;
    try {
      if (this.keepLock) {
        if (this.facts.lockKeptWhy?.startsWith("this run was interrupted")) return result;
        // The lease (at least until the settle time) now says why the lock is kept, for the run that finds it.
        await this.lock.renew(Math.max(this.keepLock.until, Date.parse(this.lock.lease?.expiresAt ?? "0")), this.keepLock.why);
        return result;
      }
      await this.j.step("unlock", undefined, async () => {
        await this.lock.release();
        return { value: undefined, message: "released the rotation lock" };
      });
      return this.j.recount(result);
    } catch (err) {
      const text = err instanceof StepFailure || err instanceof LockLostError ? err.message : safeErrorMessage(err, this.ctx.redactor);
      if (err instanceof Interrupted) return result;
      return { ...result, status: "failed", message: `${result.message ?? result.status}; then: ${text}`, recovery: [...result.recovery, `The rotation lock could not be released: ${text}. It expires at ${this.lock.lease?.expiresAt}.`] };
    }
  }

  private adoptIfRotator(clientId: string, session: GenesysClient): void {
    if (this.rotator.session.clientId === clientId) {
      this.rotator.session = session;
      this.ctx.log(`${this.t.name}: the rotator's own OAuth client ${clientId} was rotated; continuing with the new credential.`);
    }
  }

  private dryRun(): Promise<ServiceResult> {
    return planService(this.ctx, this.rotator, this.t, this.j);
  }

  private tooYoung(current: SecretVersion): string | undefined {
    return tooYoung(this.ctx, this.t, current, (w) => this.j.warn(w));
  }

  private checkValue(version: SecretVersion, stage: string): void {
    checkValue(this.ctx, this.t, version, stage);
  }

  private describe(s: Inspection): string {
    return describeState(s.stages, s.current);
  }
}
