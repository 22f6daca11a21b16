/**
 * The rotator's own login: with the AWSCURRENT credential of the `rotation` secret; while that secret holds no
 * credential (first run), or with --credentials-from-env, with GENESYSCLOUD_OAUTHCLIENT_ID/_SECRET.
 */
import { AWSCURRENT, AWSPENDING, LockMarkerValueError, SecretStages, SecretVersion } from "../aws/secret-store";
import { safeErrorMessage } from "../genesys/client";
import { Credential, ROTATOR_SERVICE, RotationContext, RotatorSession } from "./types";


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
  const fromEnvironmentOrFail = (secretId: string): Promise<RotatorSession> => {
    if (source.environmentCredential) {
      ctx.log(`The "${ROTATOR_SERVICE}" secret is empty (first run): logging in with ${envVars}.`);
      return login(source.environmentCredential, `${envVars} (first run)`, "environment");
    }
    throw new RotatorAuthError(
      `The rotator's secret ${secretId} is empty (no AWSCURRENT credential) and ${envVars} are not set. ` +
        `For the first run, set them to an OAuth client with oauth:client:view/edit (e.g. the one Terraform uses); the job then bootstraps every secret.`,
    );
  };
  let stages: SecretStages;
  let current: SecretVersion | undefined;
  try {
    stages = await ctx.store.stages(source.secretId);
    current = stages.current ? await ctx.store.read(source.secretId, AWSCURRENT) : undefined;
  } catch (err) {
    // A lock marker as AWSCURRENT: the secret never held a credential (AWS makes the first version current).
    if (err instanceof LockMarkerValueError) return fromEnvironmentOrFail(source.secretId);

    throw new RotatorAuthError(`cannot read the rotator's own secret: ${safeErrorMessage(err, ctx.redactor)}`);
  }
  if (!current) return fromEnvironmentOrFail(source.secretId);
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
