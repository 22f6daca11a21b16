/**
 * The OAuth secret rotation protocol, per service (issue 3). See docs/rotation.md.
 *
 * A service has OAuth clients "a" and "b" (or only "a") and one Secrets Manager secret whose AWSCURRENT version
 * names the active client. One rotation:
 *   inspect       DescribeSecret + read AWSCURRENT / AWSPENDING.
 *   resume        an AWSPENDING version that is not AWSCURRENT is left from an interrupted run: test it; if it
 *                 works, finish it (no regeneration); if not, regenerate again. AWSPENDING on the AWSCURRENT
 *                 version means the run stopped inside finishSecret: only the label is removed.
 *   createSecret  POST /api/v2/oauth/clients/{id}/secret on the client that is NOT active (bootstrap: client a;
 *                 single client: the only one, whose old secret dies at once).
 *   setSecret     PutSecretValue AWSPENDING right after the POST returns, nothing in between.
 *   testSecret    client-credentials login + GET /api/v2/tokens/me with the new credential.
 *   finishSecret  UpdateSecretVersionStage: AWSCURRENT to the new version (AWS moves AWSPREVIOUS), then AWSPENDING off.
 * AWSCURRENT is never moved to a value that has not passed testSecret in this run, and the active client is never
 * regenerated, so the store always holds a working credential for a pair.
 */
import { randomUUID, createHash } from "node:crypto";
import { GenesysApiError, GenesysClient, GenesysClientEvent, Redactor, safeErrorMessage } from "../genesys/client";
import { AWSCURRENT, AWSPENDING, SecretStages, SecretStore, SecretVersion, StoredCredential } from "../aws/secret-store";

/** The service whose secret the rotator itself logs in with. */
export const ROTATOR_SERVICE = "rotation";

/** Steps written to the audit log. */
export type RotationStep =
  | "authenticate"
  | "inspect"
  | "bootstrap"
  | "resume"
  | "createSecret"
  | "setSecret"
  | "testSecret"
  | "finishSecret"
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
  /** True when this run reset a Genesys secret of this service. */
  readonly regenerated: boolean;
  /** True when this run wrote to the service's secret. */
  readonly storeChanged: boolean;
  readonly message?: string;
  readonly warnings: readonly string[];
  /** Exact recovery steps after a failure (empty when nothing is needed). */
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
  readonly redactor: Redactor;
  readonly meter: RequestMeter;
  /** Builds a Genesys session for a credential (region, gateway, retry, sleep, redactor, meter set). */
  readonly newSession: (credential: Credential) => GenesysClient;
  readonly dryRun: boolean;
  /** Only fill secrets that have no AWSCURRENT yet (first deploy); leave every other service as it is. */
  readonly bootstrapOnly?: boolean;
  /** CI run id (e.g. GITHUB_RUN_ID): version ids derive from it, so a re-run of the same run does not rotate twice. */
  readonly runId?: string;
  /**
   * A service whose AWSCURRENT was rotated less than this long ago is skipped: a new rotation would reset the
   * client that was active before it, which consumers may still hold. 0 (or unset) rotates regardless.
   */
  readonly minAgeDays?: number;
  readonly now: () => Date;
  readonly sleep: (ms: number) => Promise<void>;
  /** Progress and warnings (already redacted by the caller's writer). */
  readonly log: (line: string) => void;
  readonly audit: (entry: AuditEntry) => void;
  /** Called after each successful step; a throw aborts the service like a crash at that point (tests). */
  readonly afterStep?: (step: RotationStep, service: string) => void | Promise<void>;
  /** The command that re-runs the job, for recovery steps. */
  readonly rerunCommand: (service: string) => string;
}

/** The rotator's Genesys session; replaced when the rotator rotates its own credential. */
export interface RotatorSession {
  session: GenesysClient;
  readonly source: "secret" | "environment";
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Logins with a just-regenerated secret are retried on "bad credentials" in case Genesys needs a moment. */
const FRESH_TEST_ATTEMPTS = 3;
const FRESH_TEST_DELAY_MS = 2000;

/**
 * Version id (= ClientRequestToken) of a new version. With a run id it starts with a prefix derived from the run,
 * so a re-run of the same CI run recognises its own AWSCURRENT and does not rotate twice; the rest is random, so
 * a retried regeneration never reuses a token (AWS refuses the same token with another value).
 */
export function newVersionId(environment: string, service: string, runId: string | undefined): string {
  return runId ? `${runPrefix(environment, service, runId)}${randomUUID()}` : randomUUID();
}

/** The version-id prefix of run `runId` ("r" + 16 hex + "-"). */
export function runPrefix(environment: string, service: string, runId: string): string {
  return `r${createHash("sha256").update(`genesys-rotation/${environment}/${service}/${runId}`).digest("hex").slice(0, 16)}-`;
}

function letter(target: ServiceTarget, clientId: string): "a" | "b" | undefined {
  const i = target.clientIds.indexOf(clientId);
  return i === 0 ? "a" : i === 1 ? "b" : undefined;
}

/** Thrown inside a rotation to end it with a message (already safe to print). */
class StepFailure extends Error {}

/** Logs in with `credential` and calls GET /api/v2/tokens/me. @returns the logged-in session, or why it failed. */
export async function testCredential(
  ctx: Pick<RotationContext, "newSession" | "sleep" | "redactor">,
  credential: Credential,
  attempts = 1,
): Promise<{ ok: true; session: GenesysClient } | { ok: false; reason: string }> {
  const session = ctx.newSession(credential);
  for (let attempt = 1; ; attempt++) {
    try {
      await session.login();
      const me = await session.getTokensMe();
      const owner = me.OAuthClient?.id;
      if (owner && owner !== credential.clientId) {
        return { ok: false, reason: `GET /api/v2/tokens/me names OAuth client ${owner}, not ${credential.clientId}` };
      }
      return { ok: true, session };
    } catch (err) {
      const badCredentials = err instanceof GenesysApiError && err.kind === "bad-credentials";
      if (badCredentials && attempt < attempts) {
        await ctx.sleep(FRESH_TEST_DELAY_MS * attempt);
        continue;
      }
      return { ok: false, reason: safeErrorMessage(err, ctx.redactor) };
    }
  }
}

/** Runs the protocol for one service. Never throws: failures are in the result, with recovery steps. */
export async function rotateService(ctx: RotationContext, rotator: RotatorSession, target: ServiceTarget): Promise<ServiceResult> {
  return new ServiceRotation(ctx, rotator, target).run();
}

class ServiceRotation {
  private readonly startRequests: number;
  private readonly warnings: string[] = [];
  private regenerated = false;
  private storeChanged = false;
  /** What is known about the secret, for recovery steps. */
  private stages: SecretStages | undefined;
  private current: SecretVersion | undefined;
  private targetClientId: string | undefined;
  private newVersionId: string | undefined;
  private pendingStored = false;
  private pendingTested = false;
  private currentMoved = false;

  constructor(
    private readonly ctx: RotationContext,
    private readonly rotator: RotatorSession,
    private readonly target: ServiceTarget,
  ) {
    this.startRequests = ctx.meter.total;
  }

  async run(): Promise<ServiceResult> {
    try {
      return await this.protocol();
    } catch (err) {
      const message = err instanceof StepFailure ? err.message : safeErrorMessage(err, this.ctx.redactor);
      return this.result("failed", { message, recovery: this.recoverySteps() });
    }
  }

  private async protocol(): Promise<ServiceResult> {
    const { target } = this;
    if (target.clientIds.length === 1) {
      this.warn(
        `service ${target.name} has a single OAuth client: rotation resets its secret, and the old secret dies at once. ` +
          "Consumers fail until they re-read AWSCURRENT. Use clients: 2 to rotate without that gap.",
      );
    }
    await this.step("inspect", undefined, async () => {
      this.stages = await this.ctx.store.stages(target.secretId);
      if (this.stages.current) {
        this.current = await this.ctx.store.read(target.secretId, AWSCURRENT);
        if (this.current) this.checkValue(this.current, "AWSCURRENT");
      }
      return this.describeState();
    });
    const stages = this.stages as SecretStages;
    const current = this.current;

    if (this.ctx.bootstrapOnly && (stages.current !== undefined || stages.pending !== undefined)) {
      const message =
        stages.current !== undefined
          ? "has a credential (AWSCURRENT); --bootstrap-only leaves it for the monthly rotation"
          : "has an unfinished rotation (AWSPENDING); --bootstrap-only leaves it: run the rotation to resume it";
      return this.skipped(message, current);
    }

    if (this.ctx.runId && current && this.isFromThisRun(current.versionId) && stages.pending === undefined) {
      return this.skipped(`already rotated in run ${this.ctx.runId} (AWSCURRENT is version ${current.versionId}); nothing to do`, current);
    }

    // Interrupted inside finishSecret: AWSCURRENT already moved, only the AWSPENDING label is left.
    if (stages.pending && stages.pending === stages.current && current) {
      if (this.ctx.dryRun) {
        return this.planned(current.value.clientId, `would remove the leftover AWSPENDING label from version ${current.versionId}`);
      }
      await this.step("finishSecret", current.value.clientId, async () => {
        await this.ctx.store.removePending(target.secretId, current.versionId);
        this.storeChanged = true;
        return `removed the leftover AWSPENDING label from AWSCURRENT version ${current.versionId}`;
      }, current.versionId);
      return this.result("resumed", {
        clientId: current.value.clientId,
        versionId: current.versionId,
        message: "finished an interrupted rotation (AWSPENDING label removed)",
      });
    }

    if (stages.pending) {
      const resumed = await this.resume(stages.pending);
      if (resumed) return resumed;
    }

    const tooRecent = current && this.rotatedTooRecently(current);
    if (tooRecent) return this.skipped(tooRecent, current);

    // Which client to regenerate.
    let targetId: string;
    if (!current) {
      targetId = target.clientIds[0];
      this.audit("bootstrap", "ok", 0, 0, targetId, undefined, "the secret has no AWSCURRENT version: client a is regenerated and stored");
      this.ctx.log(`${target.name}: bootstrap: the secret is empty; client a (${targetId}) will be regenerated and stored.`);
    } else if (target.clientIds.length === 1) {
      targetId = target.clientIds[0];
    } else {
      targetId = target.clientIds.find((id) => id !== current.value.clientId) as string;
    }
    this.targetClientId = targetId;

    if (this.ctx.dryRun) {
      await this.step("plan", targetId, async () => {
        await this.rotator.session.getOAuthClient(targetId);
        return `OAuth client ${targetId} is visible to the rotator`;
      });
      const what = current ? `client ${letter(target, targetId)} (${targetId}) replaces active client ${current.value.client}` : "bootstrap";
      return this.planned(targetId, `would regenerate the secret of client ${letter(target, targetId)} (${targetId}), store it as AWSPENDING, test it and move AWSCURRENT to it (${what})`);
    }

    return this.regenerateAndFinish(targetId);
  }

  /** Tests a pending version left by an earlier run; finishes it when it works. @returns undefined to regenerate. */
  private async resume(pendingId: string): Promise<ServiceResult | undefined> {
    const { target, ctx } = this;
    let pending: SecretVersion | undefined;
    let reason: string | undefined;
    try {
      pending = await ctx.store.read(target.secretId, AWSPENDING, pendingId);
      if (pending) this.checkValue(pending, "AWSPENDING");
    } catch (err) {
      reason = safeErrorMessage(err, ctx.redactor);
      pending = undefined;
    }
    if (ctx.dryRun) {
      const who = pending ? `client ${pending.value.client} (${pending.value.clientId})` : "an unreadable value";
      ctx.log(`${target.name}: AWSPENDING version ${pendingId} (${who}) is left from an interrupted run: the job would test it and promote it if it works.`);
      if (pending) return this.planned(pending.value.clientId, `would test AWSPENDING version ${pendingId} and move AWSCURRENT to it if it works, else regenerate`);
      return undefined;
    }
    const credential = pending?.value;
    const started = this.mark();
    const test = credential ? await testCredential(ctx, credential) : { ok: false as const, reason: reason ?? "no value" };
    this.audit("resume", test.ok ? "ok" : "failed", ...this.since(started), credential?.clientId, pendingId,
      test.ok ? `AWSPENDING version ${pendingId} from an interrupted run works` : `AWSPENDING version ${pendingId} does not work (${test.reason}); regenerating`);
    if (!test.ok || !pending || !credential) {
      ctx.log(`${target.name}: AWSPENDING version ${pendingId} left by an interrupted run does not work; regenerating.`);
      return undefined;
    }
    this.targetClientId = credential.clientId;
    this.newVersionId = pendingId;
    this.pendingStored = true;
    this.pendingTested = true;
    this.adoptIfRotator(credential.clientId, test.session);
    await this.finish(pendingId, credential.clientId);
    return this.result("resumed", {
      clientId: credential.clientId,
      versionId: pendingId,
      message: `finished the interrupted rotation: AWSCURRENT is now client ${credential.client} (version ${pendingId})`,
    });
  }

  private async regenerateAndFinish(targetId: string): Promise<ServiceResult> {
    const { target, ctx } = this;
    const versionId = newVersionId(ctx.environment, target.name, ctx.runId);
    let secret = "";
    await this.step("createSecret", targetId, async () => {
      this.regenerated = true; // from here on, assume Genesys may have reset it (a lost answer still resets)
      let client;
      try {
        client = await this.rotator.session.regenerateOAuthClientSecret(targetId);
      } catch (err) {
        // A definite refusal (4xx other than 408/429) reset nothing; anything else may have.
        const status = err instanceof GenesysApiError ? err.status : undefined;
        if (status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429) this.regenerated = false;
        throw err;
      }
      secret = client.secret as string;
      ctx.redactor.addCredential(targetId, secret);
      return `new secret for client ${letter(target, targetId)} (${targetId})`;
    });
    const value: StoredCredential = {
      clientId: targetId,
      clientSecret: secret,
      region: ctx.genesysRegion,
      rotatedAt: ctx.now().toISOString(),
      client: letter(target, targetId) ?? "a",
      environment: ctx.environment,
      service: target.name,
    };
    this.newVersionId = versionId;
    await this.step("setSecret", targetId, async () => {
      await ctx.store.putPending(target.secretId, value, versionId);
      this.storeChanged = true;
      this.pendingStored = true;
      return `stored as AWSPENDING version ${versionId}`;
    }, versionId);

    let session: GenesysClient | undefined;
    await this.step("testSecret", targetId, async () => {
      const test = await testCredential(ctx, value, FRESH_TEST_ATTEMPTS);
      if (!test.ok) throw new StepFailure(`the new secret of client ${value.client} (${targetId}) failed its test: ${test.reason}`);
      session = test.session;
      this.pendingTested = true;
      return "login and GET /api/v2/tokens/me work with the new secret";
    }, versionId);
    this.adoptIfRotator(targetId, session as GenesysClient);
    await this.finish(versionId, targetId);
    return this.result("rotated", {
      clientId: targetId,
      versionId,
      message: this.current
        ? `AWSCURRENT is now client ${value.client}; client ${this.current.value.client} (version ${this.current.versionId}, now AWSPREVIOUS) keeps working until the next rotation`
        : `bootstrapped: AWSCURRENT is client ${value.client}`,
    });
  }

  private async finish(versionId: string, clientId: string): Promise<void> {
    const { target, ctx } = this;
    await this.step("finishSecret", clientId, async () => {
      await ctx.store.promote(target.secretId, versionId, this.stages?.current);
      this.storeChanged = true;
      this.currentMoved = true;
      await ctx.store.removePending(target.secretId, versionId);
      return `AWSCURRENT moved to version ${versionId}${this.stages?.current ? `; AWSPREVIOUS is version ${this.stages.current}` : ""}`;
    }, versionId);
  }

  /** After rotating the rotator's own client, later calls must use the new credential (the old one is dead). */
  private adoptIfRotator(clientId: string, session: GenesysClient): void {
    if (this.rotator.session.clientId === clientId) {
      this.rotator.session = session;
      this.ctx.log(`${this.target.name}: the rotator's own OAuth client ${clientId} was rotated; continuing with the new credential.`);
    }
  }

  /** Why the active credential is too young to rotate, or undefined when it may be rotated. */
  private rotatedTooRecently(current: SecretVersion): string | undefined {
    const minAgeMs = (this.ctx.minAgeDays ?? 0) * DAY_MS;
    if (minAgeMs <= 0) return undefined;
    const rotatedAt = Date.parse(current.value.rotatedAt);
    if (Number.isNaN(rotatedAt)) {
      this.warn(`AWSCURRENT version ${current.versionId} has no valid rotatedAt ("${current.value.rotatedAt}"), so its age is unknown; rotating it.`);
      return undefined;
    }
    const ageMs = this.ctx.now().getTime() - rotatedAt;
    if (ageMs >= minAgeMs) return undefined;
    const days = (ms: number) => `${Number(Math.max(0, ms / DAY_MS).toFixed(1))} days`;
    // The client a rotation now would reset: the idle one of a pair (active until the last rotation), or the only one.
    const previous = this.target.clientIds.find((id) => id !== current.value.clientId) ?? current.value.clientId;
    return (
      `rotated ${days(ageMs)} ago (${current.value.rotatedAt}), less than the minimum age of ${days(minAgeMs)}: rotating now ` +
      `would reset client ${letter(this.target, previous)} (${previous}), which consumers that have not re-read AWSCURRENT ` +
      "may still use; skipped. To rotate anyway (e.g. a leaked secret), run with --min-age-days 0"
    );
  }

  private isFromThisRun(versionId: string): boolean {
    return this.ctx.runId !== undefined && versionId.startsWith(runPrefix(this.ctx.environment, this.target.name, this.ctx.runId));
  }

  /** The stored value must belong to this service and name one of its clients. */
  private checkValue(version: SecretVersion, stage: string): void {
    const { target, ctx } = this;
    const v = version.value;
    const problems: string[] = [];
    if (!target.clientIds.includes(v.clientId)) problems.push(`names OAuth client ${v.clientId}, which is not one of the service's clients (${target.clientIds.join(", ")})`);
    if (v.service !== target.name) problems.push(`belongs to service "${v.service}"`);
    if (v.environment !== ctx.environment) problems.push(`belongs to environment "${v.environment}"`);
    if (problems.length > 0) {
      throw new StepFailure(
        `${stage} version ${version.versionId} of secret ${target.secretName} ${problems.join(" and ")}. ` +
          "Check that the stack outputs are those of this environment (--outputs) and that the stack is applied; nothing was changed.",
      );
    }
  }

  private describeState(): string {
    const s = this.stages as SecretStages;
    if (!s.current) return "empty secret (no AWSCURRENT)";
    const c = this.current?.value;
    return `AWSCURRENT version ${s.current} (client ${c?.client} ${c?.clientId})${s.pending ? `, AWSPENDING version ${s.pending}` : ""}${s.previous ? `, AWSPREVIOUS version ${s.previous}` : ""}`;
  }

  // ------------------------------------------------------------------------------------ results and audit

  /** Leaves the service as it is: an audit line `skip`, a log line, and a "skipped" result. */
  private skipped(message: string, current: SecretVersion | undefined): ServiceResult {
    const clientId = current?.value.clientId;
    this.audit("skip", "skipped", 0, 0, clientId, current?.versionId, message);
    this.ctx.log(`${this.target.name}: ${message}.`);
    return this.result("skipped", { message, clientId, versionId: current?.versionId });
  }

  private planned(clientId: string, message: string): ServiceResult {
    this.audit("plan", "planned", 0, 0, clientId, undefined, message);
    this.ctx.log(`${this.target.name}: dry run: ${message}.`);
    return this.result("planned", { clientId, message });
  }

  private result(
    status: ServiceStatus,
    extra: { clientId?: string; versionId?: string; message?: string; recovery?: string[] },
  ): ServiceResult {
    const clientId = extra.clientId;
    return {
      service: this.target.name,
      status,
      client: clientId ? letter(this.target, clientId) : undefined,
      clientId,
      versionId: extra.versionId,
      genesysRequests: this.ctx.meter.total - this.startRequests,
      regenerated: this.regenerated,
      storeChanged: this.storeChanged,
      message: extra.message,
      warnings: [...this.warnings],
      recovery: extra.recovery ?? [],
    };
  }

  private warn(text: string): void {
    this.warnings.push(text);
    this.ctx.log(`WARNING: ${text}`);
  }

  private mark(): { t: number; requests: number } {
    return { t: performance.now(), requests: this.ctx.meter.total };
  }

  private since(mark: { t: number; requests: number }): [number, number] {
    return [Math.round(performance.now() - mark.t), this.ctx.meter.total - mark.requests];
  }

  private async step(step: RotationStep, clientId: string | undefined, body: () => Promise<string>, versionId?: string): Promise<void> {
    const started = this.mark();
    let message: string;
    try {
      message = await body();
    } catch (err) {
      const text = err instanceof StepFailure ? err.message : safeErrorMessage(err, this.ctx.redactor);
      this.audit(step, "failed", ...this.since(started), clientId, versionId, text);
      throw new StepFailure(`${step} failed: ${text}`);
    }
    this.audit(step, "ok", ...this.since(started), clientId, versionId, message);
    this.ctx.log(`${this.target.name}: ${step}: ${message}`);
    if (this.ctx.afterStep) {
      try {
        await this.ctx.afterStep(step, this.target.name);
      } catch (err) {
        throw new StepFailure(`interrupted after ${step}: ${safeErrorMessage(err, this.ctx.redactor)}`);
      }
    }
  }

  private audit(
    step: RotationStep,
    result: AuditEntry["result"],
    durationMs: number,
    genesysRequests: number,
    clientId?: string,
    versionId?: string,
    message?: string,
  ): void {
    this.ctx.audit({
      time: this.ctx.now().toISOString(),
      environment: this.ctx.environment,
      service: this.target.name,
      clientId,
      step,
      result,
      durationMs,
      genesysRequests,
      versionId,
      message,
    });
  }

  /** Exact recovery steps for the state this run left. */
  private recoverySteps(): string[] {
    const { target, ctx } = this;
    const steps: string[] = [];
    const rerun = ctx.rerunCommand(target.name);
    const current = this.current;
    const id = this.targetClientId;
    const which = id ? `client ${letter(target, id)} (${id})` : "the target client";
    const single = target.clientIds.length === 1;
    if (!this.regenerated && !this.storeChanged) {
      const pending = this.stages?.pending && this.stages.pending !== this.stages.current ? this.stages.pending : undefined;
      steps.push(`Nothing was changed in Genesys or in secret ${target.secretName}. Fix the cause above and re-run: ${rerun}`);
      if (pending) steps.push(`AWSPENDING version ${pending} (left by an earlier run) is still there; the re-run tests it and promotes it only if it works.`);
      return steps;
    }
    if (this.regenerated && !this.pendingStored) {
      steps.push(`The secret of ${which} was reset in Genesys, but the new value was NOT stored (it is lost).`);
      if (single || !current) {
        steps.push(`${single ? "This is the service's only client: consumers' secret is dead" : "The secret was empty, so no consumer has a credential yet"}. Re-run NOW: ${rerun}`);
      } else {
        steps.push(`Consumers are unaffected: AWSCURRENT (version ${current.versionId}) is still client ${current.value.client} (${current.value.clientId}), which was not touched.`);
        steps.push(`Re-run to reset ${which} again and store it: ${rerun}`);
      }
      return steps;
    }
    const version = this.newVersionId as string;
    if (!this.currentMoved) {
      steps.push(
        `Secret ${target.secretName} (${target.secretId}) holds the new secret of ${which} as version ${version} with label AWSPENDING` +
          (this.pendingTested ? " (it passed testSecret)." : " (it has NOT passed testSecret)."),
      );
      if (current && !single) {
        steps.push(`AWSCURRENT is still version ${current.versionId} = client ${current.value.client} (${current.value.clientId}), which keeps working; consumers are unaffected.`);
      } else if (single && current) {
        steps.push(`AWSCURRENT (version ${current.versionId}) holds the OLD secret of the only client, which no longer works: consumers fail until this is finished.`);
      } else {
        steps.push("The secret has no AWSCURRENT yet (bootstrap).");
      }
      steps.push(`Re-run (it resumes: tests AWSPENDING version ${version}, promotes it if it works, else resets ${which} again): ${rerun}`);
      if (this.pendingTested) {
        steps.push(
          `Or finish by hand: aws secretsmanager update-secret-version-stage --secret-id ${target.secretId} --version-stage AWSCURRENT ` +
            `--move-to-version-id ${version}${current ? ` --remove-from-version-id ${current.versionId}` : ""} && ` +
            `aws secretsmanager update-secret-version-stage --secret-id ${target.secretId} --version-stage AWSPENDING --remove-from-version-id ${version}`,
        );
      } else {
        steps.push(`Do NOT move AWSCURRENT to version ${version} by hand: it has not passed its test.`);
      }
      return steps;
    }
    steps.push(`AWSCURRENT of ${target.secretName} is already version ${version} (${which}, tested); only the AWSPENDING label is left on it.`);
    steps.push(
      `Re-run to remove it (${rerun}) or by hand: aws secretsmanager update-secret-version-stage --secret-id ${target.secretId} --version-stage AWSPENDING --remove-from-version-id ${version}`,
    );
    return steps;
  }
}

// --------------------------------------------------------------------------------------- rotator credential

/** Where the rotator's credential comes from, for `authenticateRotator`. */
export interface RotatorCredentialSource {
  /** The `rotation` service's secret, when the stack has one. */
  readonly secretId?: string;
  /** GENESYSCLOUD_OAUTHCLIENT_ID / _SECRET, if set. */
  readonly environmentCredential?: Credential;
  /** Use the environment credential even when the secret has a value (recovery). */
  readonly preferEnvironment: boolean;
}

/** The rotator could not log in; nothing was changed. */
export class RotatorAuthError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RotatorAuthError";
  }
}

/**
 * Logs the rotator in: with the AWSCURRENT credential of the `rotation` secret; when that secret is empty (first
 * run), with GENESYSCLOUD_OAUTHCLIENT_ID/_SECRET. If AWSCURRENT is refused and an AWSPENDING version exists (a
 * single-client rotator interrupted after resetting itself), that one is tried too.
 * @throws RotatorAuthError with what failed and how to fix it.
 */
export async function authenticateRotator(
  ctx: Pick<RotationContext, "store" | "newSession" | "redactor" | "log" | "audit" | "environment" | "now" | "meter">,
  source: RotatorCredentialSource,
): Promise<RotatorSession> {
  const started = performance.now();
  const requestsBefore = ctx.meter.total;
  const audit = (result: "ok" | "failed", clientId: string | undefined, message: string) =>
    ctx.audit({
      time: ctx.now().toISOString(),
      environment: ctx.environment,
      service: ROTATOR_SERVICE,
      clientId,
      step: "authenticate",
      result,
      durationMs: Math.round(performance.now() - started),
      genesysRequests: ctx.meter.total - requestsBefore,
      message,
    });
  const envVars = "GENESYSCLOUD_OAUTHCLIENT_ID and GENESYSCLOUD_OAUTHCLIENT_SECRET";
  const login = async (credential: Credential, what: string, source: RotatorSession["source"]): Promise<RotatorSession> => {
    const session = ctx.newSession(credential);
    try {
      await session.login();
    } catch (err) {
      const message = `the rotator could not log in to Genesys with ${what} (OAuth client ${credential.clientId}): ${safeErrorMessage(err, ctx.redactor)}`;
      audit("failed", credential.clientId, message);
      throw new RotatorAuthError(message);
    }
    audit("ok", credential.clientId, `logged in with ${what}`);
    return { session, source };
  };

  if (source.preferEnvironment) {
    if (!source.environmentCredential) throw new RotatorAuthError(`--credentials-from-env was given but ${envVars} are not both set.`);
    return login(source.environmentCredential, envVars, "environment");
  }
  if (!source.secretId) {
    if (source.environmentCredential) return login(source.environmentCredential, envVars, "environment");
    throw new RotatorAuthError(
      `The stack outputs have no "${ROTATOR_SERVICE}" service, so the rotator has no credential of its own: set ${envVars} ` +
        `(an OAuth client with oauth:client:view/edit), or add the "${ROTATOR_SERVICE}" service to the environment config and apply.`,
    );
  }
  let stages: SecretStages;
  let current: SecretVersion | undefined;
  try {
    stages = await ctx.store.stages(source.secretId);
    current = stages.current ? await ctx.store.read(source.secretId, AWSCURRENT) : undefined;
  } catch (err) {
    throw new RotatorAuthError(`cannot read the rotator's own secret: ${safeErrorMessage(err, ctx.redactor)}`);
  }
  if (!current) {
    if (source.environmentCredential) {
      ctx.log(`The "${ROTATOR_SERVICE}" secret is empty (first run): logging in with ${envVars}.`);
      return login(source.environmentCredential, `${envVars} (first run)`, "environment");
    }
    throw new RotatorAuthError(
      `The rotator's secret ${source.secretId} is empty (no AWSCURRENT version) and ${envVars} are not set. ` +
        `For the first run, set them to an OAuth client with oauth:client:view/edit (e.g. the one Terraform uses); the job then bootstraps every secret.`,
    );
  }
  try {
    return await login(current.value, `the AWSCURRENT credential of secret ${source.secretId} (version ${current.versionId})`, "secret");
  } catch (err) {
    const pendingId = stages.pending && stages.pending !== stages.current ? stages.pending : undefined;
    const pending = pendingId ? await ctx.store.read(source.secretId, AWSPENDING, pendingId).catch(() => undefined) : undefined;
    if (pending && err instanceof RotatorAuthError) {
      ctx.log(`AWSCURRENT of the rotator's secret was refused; trying AWSPENDING version ${pending.versionId} left by an interrupted run.`);
      try {
        return await login(pending.value, `the AWSPENDING credential of secret ${source.secretId} (version ${pending.versionId})`, "secret");
      } catch {
        // Report the AWSCURRENT failure below.
      }
    }
    throw new RotatorAuthError(
      `${(err as Error).message}. Nothing was changed. Check that secret ${source.secretId} holds the current secret of that client ` +
        `(if it was reset outside this job, reset it again in Genesys and store it, or re-run with --credentials-from-env and ${envVars}).`,
    );
  }
}
