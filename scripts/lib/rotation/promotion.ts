/**
 * Moving AWSCURRENT to a tested credential, and back when it fails right after (docs/rotation.md "How rotation
 * works"): finishSecret → verifySecret [→ rollback] → removePending, and the finishing of a run that stopped after
 * the move (AWSPENDING left on AWSCURRENT). Used by ServiceRotation (./service-rotation), whose lock, journal and
 * run facts it shares: AWSCURRENT moves only while the lock is held, and every move is recorded in the facts the
 * recovery texts are built from.
 */
import { AWSCURRENT, AWSPREVIOUS, SecretVersion, StoredCredential } from "../aws/secret-store";
import { checkValue } from "./checks";
import { testCredential } from "./genesys-ops";
import { ServiceJournal } from "./journal";
import { RotationLock } from "./lock";
import { MutableRunFacts } from "./recovery";
import { RotationContext, ServiceResult, ServiceTarget, StepFailure } from "./types";

export class Promotion {
  constructor(
    private readonly ctx: RotationContext,
    private readonly t: ServiceTarget,
    private readonly j: ServiceJournal,
    private readonly lock: RotationLock,
    private readonly facts: MutableRunFacts,
  ) {}

  /**
   * AWSPENDING on the AWSCURRENT version: a run stopped after the move, before removing the label. Its
   * verifySecret may not have run, so AWSCURRENT is logged in with once before the rotation is called finished:
   * rejected → moved back to AWSPREVIOUS when that logs in (as the rollback does), else a loud failure;
   * Genesys unavailable → a failure that keeps the label (re-run later).
   */
  async finishPendingOnCurrent(current: SecretVersion): Promise<ServiceResult> {
    const test = await this.j.step("verifySecret", current.value.clientId, async () => {
      const t = await testCredential(this.ctx, current.value);
      if (t.verdict === "unknown") {
        throw new StepFailure(`AWSCURRENT version ${current.versionId} still carries AWSPENDING from an interrupted rotation and could not be checked: Genesys did not answer (${t.reason}). Nothing was changed (the label is kept): re-run later`);
      }
      return { value: t, versionId: current.versionId, message: t.verdict === "works" ? "AWSCURRENT (left with AWSPENDING by an interrupted run) logs in" : `AWSCURRENT version ${current.versionId} is REJECTED (${t.reason})` };
    });
    if (test.verdict === "rejected") {
      this.facts.currentRejected = true;
      const previous = await this.readPrevious();
      const lost = `AWSCURRENT version ${current.versionId} (client ${current.value.client}, ${current.value.clientId}), left with AWSPENDING by an interrupted rotation, is REJECTED by Genesys (${test.reason}): something reset that client after it was promoted`;
      await this.rollback(current.versionId, previous, lost, false);
    }
    await this.removePending(current.versionId, current.value.clientId);
    return this.j.result("resumed", { clientId: current.value.clientId, versionId: current.versionId, message: "finished an interrupted rotation: AWSCURRENT logs in (AWSPENDING label removed)" });
  }

  /** The AWSPREVIOUS credential, or undefined (none, a lock marker, unreadable). */
  private async readPrevious(): Promise<SecretVersion | undefined> {
    try {
      const previous = await this.ctx.store.read(this.t.secretId, AWSPREVIOUS);
      if (previous) checkValue(this.ctx, this.t, previous, "AWSPREVIOUS");
      return previous;
    } catch {
      return undefined;
    }
  }

  /**
   * finishSecret (CAS on AWSCURRENT, from version `from`), verifySecret (log in again) and, if that is rejected,
   * rollback to `previous` (the credential AWSCURRENT held before); then removePending.
   */
  async promoteAndVerify(versionId: string, value: StoredCredential, from: string | undefined, previous: SecretVersion | undefined): Promise<void> {
    const lease = this.lock.lease;
    if (!lease || Date.parse(lease.expiresAt) - this.ctx.now().getTime() < 60_000) {
      throw new StepFailure(`this run's lock lease ran out (${lease?.expiresAt}) before AWSCURRENT could be moved; AWSPENDING version ${versionId} is kept`);
    }
    await this.j.step("finishSecret", value.clientId, async () => {
      await this.lock.ensureHeld(`moving AWSCURRENT to version ${versionId}`);
      await this.ctx.store.promote(this.t.secretId, versionId, from);
      this.j.storeChanged = true;
      return { value: undefined, versionId, message: `AWSCURRENT moved to version ${versionId}${from ? `; AWSPREVIOUS is version ${from}` : ""}` };
    });
    const check = await this.j.step("verifySecret", value.clientId, async () => {
      const test = await testCredential(this.ctx, value);
      if (test.verdict === "unknown") throw new StepFailure(`AWSCURRENT version ${versionId} could not be checked after the move: Genesys did not answer (${test.reason}); it passed its test right before the move`);
      return { value: test, versionId, message: test.verdict === "works" ? "AWSCURRENT logs in after the move" : `AWSCURRENT version ${versionId} is REJECTED right after the move (${test.reason})` };
    });
    if (check.verdict === "rejected") {
      const lost = `the new secret of client ${value.client} (${value.clientId}) stopped working right after AWSCURRENT moved to it (${check.reason}): something reset it again (a late reset, or a rotator outside this job)`;
      // The previous version was AWSCURRENT until this run moved it and this run never reset its client: even
      // when Genesys does not answer its test, it is a better AWSCURRENT than a secret known to be rejected.
      await this.rollback(versionId, previous, lost, true);
    }
    await this.removePending(versionId, value.clientId);
  }

  /**
   * Moves AWSCURRENT from `deadVersionId` back to `previous` when that one logs in (or, with `unknownIsEnough`,
   * when Genesys does not answer its test), and always ends the run loudly (StepFailure).
   */
  private async rollback(deadVersionId: string, previous: SecretVersion | undefined, lost: string, unknownIsEnough: boolean): Promise<never> {
    const test = await this.j.step("rollback", previous?.value.clientId, async () => {
      const t = previous ? await testCredential(this.ctx, previous.value) : undefined;
      if (!previous || !t || t.verdict === "rejected" || (t.verdict === "unknown" && !unknownIsEnough)) {
        const why = !previous
          ? "does not exist (or is not a credential)"
          : t?.verdict === "rejected"
            ? `(version ${previous.versionId}) does not work either (${t.reason})`
            : `(version ${previous.versionId}) could not be checked (${t && t.verdict !== "works" ? t.reason : ""})`;
        throw new StepFailure(`${lost}, and the previous credential ${why}: AWSCURRENT was left on version ${deadVersionId}`);
      }
      await this.ctx.store.moveLabel(this.t.secretId, AWSCURRENT, previous.versionId, deadVersionId);
      this.j.storeChanged = true;
      const how = t.verdict === "works" ? "logs in" : `could not be checked: Genesys did not answer (${t.reason}); this run never reset its client`;
      return { value: t, versionId: previous.versionId, message: `AWSCURRENT moved BACK to version ${previous.versionId} (client ${previous.value.client}, ${how})` };
    });
    const how = test.verdict === "works" ? "which logs in" : `whose login could not be checked (Genesys did not answer: ${test.verdict === "unknown" ? test.reason : ""}; it was AWSCURRENT before and its client was not reset by this run)`;
    throw new StepFailure(`${lost}. AWSCURRENT was moved back to version ${previous?.versionId} (client ${previous?.value.client}), ${how}`);
  }

  private async removePending(versionId: string, clientId: string): Promise<void> {
    await this.j.step("removePending", clientId, async () => {
      await this.ctx.store.removePending(this.t.secretId, versionId);
      this.j.storeChanged = true;
      return { value: undefined, versionId, message: `AWSPENDING removed from version ${versionId}` };
    });
  }
}
