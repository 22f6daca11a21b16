/**
 * Recovery steps after a failed rotation, written from what the store and Genesys show at the end, not from
 * what the run believes it did: the secret is described again (DescribeSecret, GetSecretValue) and the
 * AWSCURRENT credential is tried (one login) before anything is claimed about it. Every sentence is true in the
 * state it is printed in (tested against the fake store's state in test/rotation-safety.test.ts).
 */
import { AWSCURRENT, AWSPENDING, AWSPREVIOUS, LockMarkerValueError, SecretStages, SecretVersion } from "../aws/secret-store";
import { safeErrorMessage } from "../genesys/client";
import { testCredential } from "./genesys-ops";
import { letter } from "./journal";
import type { RotationContext, ServiceTarget } from "./types";

/** What the run did, as far as it knows. */
export interface RunFacts {
  /** The client whose secret this run reset (or tried to). */
  readonly resetClientId?: string;
  /** "applied": Genesys answered with a new secret; "unknown": no usable answer (see resetFinding). */
  readonly reset: "none" | "applied" | "unknown";
  readonly resetFinding?: string;
  /** The version id this run wrote (or tried to write) the new credential as. */
  readonly newVersionId?: string;
  /** The new credential passed its login test before promotion. */
  readonly tested: boolean;
  /** The lock is kept (crash, or a reset with unknown outcome) until this time. */
  readonly lockKeptUntil?: string;
  readonly lockKeptWhy?: string;
  /** AWSCURRENT was found rejected by Genesys (its login was tried): the texts check it and AWSPREVIOUS. */
  readonly currentRejected?: boolean;
  /** The lock marker version this run wrote, if it took the lock. */
  readonly lockMarker?: string;
}

/** RunFacts as the run builds them up, step by step. */
export type MutableRunFacts = { -readonly [K in keyof RunFacts]: RunFacts[K] };

type Check = { readonly version?: SecretVersion; readonly note: string; readonly works?: boolean };

/** Reads a labelled credential and tries it; never throws. */
async function check(ctx: RotationContext, target: ServiceTarget, stage: typeof AWSCURRENT | typeof AWSPREVIOUS): Promise<Check> {
  let version: SecretVersion | undefined;
  try {
    version = await ctx.store.read(target.secretId, stage);
  } catch (err) {
    const marker = err instanceof LockMarkerValueError;
    return { note: marker ? `${stage} is a rotation lock marker, not a credential` : `${stage} could not be read (${safeErrorMessage(err, ctx.redactor)})` };
  }
  if (!version) return { note: `the secret has no ${stage} version` };
  const who = `${stage} is version ${version.versionId} (client ${letter(target, version.value.clientId) ?? "?"}, ${version.value.clientId})`;
  const test = await testCredential(ctx, version.value);
  if (test.verdict === "works") return { version, works: true, note: `${who}, which works (logged in just now)` };
  if (test.verdict === "rejected") return { version, works: false, note: `${who}, which does NOT work (${test.reason})` };
  return { version, note: `${who}; whether it works could not be checked (${test.reason})` };
}

/** The recovery steps for the state the secret is in now. */
export async function recoverySteps(ctx: RotationContext, target: ServiceTarget, facts: RunFacts): Promise<string[]> {
  const rerun = ctx.rerunCommand(target.name);
  const steps: string[] = [];
  const lockLine = facts.lockKeptUntil
    ? `This run keeps the rotation lock until ${facts.lockKeptUntil} (${facts.lockKeptWhy}). Re-run after that time: ${rerun}` +
      ` (or at once with --break-lock, only if you accept that: ${rerun} --break-lock).`
    : undefined;
  let stages: SecretStages;
  try {
    stages = await ctx.store.stages(target.secretId);
  } catch (err) {
    return [`The state of secret ${target.secretName} (${target.secretId}) could not be read (${safeErrorMessage(err, ctx.redactor)}); fix AWS access, then re-run: ${rerun}`];
  }
  const resetWho = facts.resetClientId ? `client ${letter(target, facts.resetClientId)} (${facts.resetClientId})` : "";
  if (facts.reset === "none" && !facts.newVersionId && facts.currentRejected) {
    // An interrupted rotation's AWSCURRENT was found rejected; this run may have moved AWSCURRENT back.
    const current = await check(ctx, target, AWSCURRENT);
    steps.push(`This run reset nothing in Genesys. Secret ${target.secretName} (${target.secretId}): ${current.note}.`);
    const stuck = current.version && stages.pending === current.version.versionId;
    const otherwise = stuck
      ? `Remove the label, then re-run without the minimum age, which resets the other client and makes it AWSCURRENT: aws secretsmanager update-secret-version-stage ` +
        `--secret-id ${target.secretId} --version-stage AWSPENDING --remove-from-version-id ${current.version?.versionId} && ${rerun} --min-age-days 0`
      : undefined;
    if (current.works === false || !current.version) steps.push(...(await restoreAdvice(ctx, target, facts, current, otherwise)));
    if (stages.pending && stages.pending !== stages.current) {
      steps.push(`AWSPENDING version ${stages.pending} (the rejected secret) is still there: the re-run tests it and, as Genesys rejects it, resets that client again: ${rerun}`);
    }
    if (lockLine) steps.push(lockLine);
    return steps;
  }
  if (facts.reset === "none" && !facts.newVersionId) {
    const marker = facts.lockMarker ? ` (only its lock marker, version ${facts.lockMarker}, was written)` : "";
    steps.push(`Nothing was changed in Genesys or in the credentials of secret ${target.secretName} by this run${marker}. Fix the cause above and re-run: ${rerun}`);
    if (stages.pending && stages.pending !== stages.current) {
      steps.push(`AWSPENDING version ${stages.pending} (left by an earlier run) is still there; the re-run tests it and promotes it only if it works.`);
    }
    if (lockLine) steps.push(lockLine);
    return steps;
  }
  const current = await check(ctx, target, AWSCURRENT);
  steps.push(`Secret ${target.secretName} (${target.secretId}): ${current.note}.`);
  const ours = facts.newVersionId && stages.versions[facts.newVersionId] ? facts.newVersionId : undefined;
  if (facts.reset === "unknown") steps.push(`The reset of ${resetWho} got no usable answer: ${facts.resetFinding ?? "its outcome is unknown"}.`);
  if (facts.reset === "applied" && !ours) {
    steps.push(`The secret of ${resetWho} was reset in Genesys, but the new value is NOT in the secret (no version ${facts.newVersionId ?? "was written"}): it is lost.`);
  }
  if (ours) {
    const labels = stages.versions[ours];
    const tested = facts.tested ? "it passed its login test" : "it has NOT passed its login test";
    steps.push(`The new secret of ${resetWho} is version ${ours} with label(s) ${labels.join(", ") || "(none)"}; ${tested}.`);
    if (labels.includes(AWSPENDING) && !labels.includes(AWSCURRENT)) {
      steps.push(`Re-run (it resumes: tests AWSPENDING version ${ours}, promotes it if it works, resets again only if Genesys rejects it): ${rerun}`);
      if (facts.tested && current.version) {
        steps.push(
          `Or finish by hand: aws secretsmanager update-secret-version-stage --secret-id ${target.secretId} --version-stage AWSCURRENT ` +
            `--move-to-version-id ${ours} --remove-from-version-id ${current.version.versionId} && aws secretsmanager update-secret-version-stage ` +
            `--secret-id ${target.secretId} --version-stage AWSPENDING --remove-from-version-id ${ours}`,
        );
      } else if (!facts.tested) {
        steps.push(`Do NOT move AWSCURRENT to version ${ours} by hand: it has not passed its test.`);
      }
    } else if (labels.includes(AWSPENDING) && labels.includes(AWSCURRENT)) {
      steps.push(
        `Only the AWSPENDING label is left on it: re-run (${rerun}) or remove it by hand: aws secretsmanager update-secret-version-stage ` +
          `--secret-id ${target.secretId} --version-stage AWSPENDING --remove-from-version-id ${ours}`,
      );
    }
  }
  if (current.works === false || !current.version) {
    steps.push(...(await restoreAdvice(ctx, target, facts, current)));
  } else if (!ours || !stages.versions[ours].includes(AWSPENDING)) {
    steps.push(`Re-run: ${rerun}`);
  }
  if (lockLine) steps.push(lockLine);
  return steps;
}

/** AWSCURRENT does not work (or is missing): whether AWSPREVIOUS can restore service, with the exact command. */
async function restoreAdvice(ctx: RotationContext, target: ServiceTarget, facts: RunFacts, current: Check, otherwise?: string): Promise<string[]> {
  const rerun = ctx.rerunCommand(target.name);
  const resetWho = facts.resetClientId ? `client ${letter(target, facts.resetClientId)} (${facts.resetClientId})` : "";
  const previous = await check(ctx, target, AWSPREVIOUS);
  const doomed = facts.reset === "unknown" && previous.version?.value.clientId === facts.resetClientId;
  if (doomed) {
    return [`AWSPREVIOUS is not offered: it is ${resetWho}, whose reset may still be applied late. Re-run after the lock's lease (below) to reset and store a new secret.`];
  }
  if (previous.works && previous.version && current.version) {
    return [
      `Consumers fail until AWSCURRENT works. ${previous.note}: to restore service now, move AWSCURRENT back: aws secretsmanager ` +
        `update-secret-version-stage --secret-id ${target.secretId} --version-stage AWSCURRENT --move-to-version-id ${previous.version.versionId} ` +
        `--remove-from-version-id ${current.version.versionId}`,
    ];
  }
  return [`AWSPREVIOUS cannot restore service (${previous.note}). ${otherwise ?? `Re-run now to reset and store a new secret: ${rerun}`}`];
}
