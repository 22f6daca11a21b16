/**
 * The protocol's read-only decisions: is a stored value this service's, is the active credential too young to
 * rotate (the minimum-age guard, by when it became AWSCURRENT), and the dry run, which only reads.
 */
import { AWSCURRENT, LockMarkerValueError, SecretStages, SecretVersion, StoredCredential } from "../aws/secret-store";
import { ServiceJournal, letter } from "./journal";
import { RotationContext, RotatorSession, ServiceResult, ServiceTarget, StepFailure } from "./types";

const DAY_MS = 24 * 60 * 60 * 1000;

/** When a credential became AWSCURRENT (currentSince; older values: rotatedAt). */
export function currentSinceOf(value: StoredCredential): string {
  return value.currentSince ?? value.rotatedAt;
}

/** The stored value must belong to this service and name one of its clients. @throws StepFailure */
export function checkValue(ctx: Pick<RotationContext, "environment">, t: ServiceTarget, version: SecretVersion, stage: string): void {
  const v = version.value;
  const problems: string[] = [];
  if (!t.clientIds.includes(v.clientId)) problems.push(`names OAuth client ${v.clientId}, which is not one of the service's clients (${t.clientIds.join(", ")})`);
  if (v.service !== t.name) problems.push(`belongs to service "${v.service}"`);
  if (v.environment !== ctx.environment) problems.push(`belongs to environment "${v.environment}"`);
  if (problems.length > 0) {
    throw new StepFailure(
      `${stage} version ${version.versionId} of secret ${t.secretName} ${problems.join(" and ")}. Check that the stack outputs are ` +
        "those of this environment (--outputs) and that the stack is applied; nothing was changed.",
    );
  }
}

/** Why the active credential is too young to rotate (by when it became AWSCURRENT), or undefined. */
export function tooYoung(ctx: Pick<RotationContext, "minAgeDays" | "now">, t: ServiceTarget, current: SecretVersion, warn: (text: string) => void): string | undefined {
  const minAgeMs = (ctx.minAgeDays ?? 0) * DAY_MS;
  if (minAgeMs <= 0) return undefined;
  const since = currentSinceOf(current.value);
  const at = Date.parse(since);
  if (Number.isNaN(at)) {
    warn(`AWSCURRENT version ${current.versionId} has no valid rotatedAt/currentSince date, so its age is unknown; rotating it.`);
    return undefined;
  }
  const ageMs = ctx.now().getTime() - at;
  if (ageMs >= minAgeMs) return undefined;
  const days = (ms: number) => `${Number(Math.max(0, ms / DAY_MS).toFixed(1))} days`;
  const previous = t.clientIds.find((id) => id !== current.value.clientId) ?? current.value.clientId;
  return (
    `rotated ${days(ageMs)} ago (AWSCURRENT since ${since}), less than the minimum age of ${days(minAgeMs)}: rotating now would reset ` +
    `client ${letter(t, previous)} (${previous}), which consumers that have not re-read AWSCURRENT may still use; skipped. ` +
    "To rotate anyway (e.g. a leaked secret), run with --min-age-days 0"
  );
}

/** One line about the labels found by inspect. */
export function describeState(stages: SecretStages, c: SecretVersion | undefined): string {
  const head = c ? `AWSCURRENT version ${c.versionId} (client ${c.value.client} ${c.value.clientId})` : "no credential yet (no AWSCURRENT, or only a lock marker)";
  return `${head}${stages.pending && stages.pending !== c?.versionId ? `, AWSPENDING version ${stages.pending}` : ""}${stages.previous ? `, AWSPREVIOUS version ${stages.previous}` : ""}`;
}

/** The dry run: reads only (no lock, no write), and says what a real run would do. */
export async function planService(ctx: RotationContext, rotator: RotatorSession, t: ServiceTarget, j: ServiceJournal): Promise<ServiceResult> {
  const stages = await ctx.store.stages(t.secretId);
  if (stages.rotationEnabled) throw new StepFailure(`secret ${t.secretName} has RotationEnabled (a Secrets Manager rotation Lambda): the job would stop for this service`);
  let current: SecretVersion | undefined;
  try {
    current = stages.current ? await ctx.store.read(t.secretId, AWSCURRENT) : undefined;
  } catch (err) {
    if (!(err instanceof LockMarkerValueError)) throw err;
  }
  if (current) checkValue(ctx, t, current, "AWSCURRENT");
  if (ctx.bootstrapOnly && (current || stages.pending)) return j.skipped("is not empty; --bootstrap-only would leave it", current?.value.clientId, current?.versionId);
  if (stages.pending && stages.pending !== stages.current) {
    return j.planned(current?.value.clientId ?? t.clientIds[0], `would test AWSPENDING version ${stages.pending} and promote it if it works, else reset`);
  }
  const young = current ? tooYoung(ctx, t, current, (w) => j.warn(w)) : undefined;
  if (current && young) return j.skipped(young, current.value.clientId, current.versionId);
  const targetId = !current || t.clientIds.length === 1 ? t.clientIds[0] : (t.clientIds.find((id) => id !== current.value.clientId) as string);
  await rotator.session.getOAuthClient(targetId);
  const what = current ? ` (replacing active client ${current.value.client})` : " (bootstrap)";
  return j.planned(targetId, `would reset the secret of client ${letter(t, targetId)} (${targetId}), store it as AWSPENDING, test it and move AWSCURRENT to it${what}`);
}
