/**
 * The Genesys side of a rotation: testing a credential and resetting a client's secret, each answering in the
 * terms the protocol decides on (docs/rotation.md "Genesys calls").
 *
 * - A test is one client-credentials login (`POST /oauth/token`, whose answer the client accepts only in its
 *   documented form). Its verdict is "works", "rejected" (401 / 400 invalid_client: this secret is dead) or
 *   "unknown" (429, 5xx, timeout, undocumented answer: Genesys did not say). Only "rejected" may lead to a new reset.
 * - A reset (`POST /api/v2/oauth/clients/{id}/secret`) is not idempotent and is never retried blindly (the client
 *   retries only a 429 and a 401). When its outcome is unknown, `GET /api/v2/oauth/clients/{id}` (dateModified)
 *   says whether Genesys applied a change since the request was sent; either way the caller does not reset again
 *   in this run and keeps the lock until a late reset would have landed (RESET_SETTLE_MS).
 */
import { GenesysApiError, GenesysClient, safeErrorMessage } from "../genesys/client";
import type { Credential, RotationContext } from "./types";

/** How long a reset whose outcome is unknown keeps the lock: no other run resets that client before. [inference] */
export const RESET_SETTLE_MS = 15 * 60 * 1000;
/** A just-reset secret is retried on "rejected" in case Genesys needs a moment to accept it. */
export const FRESH_TEST_ATTEMPTS = 3;
const FRESH_TEST_DELAY_MS = 2000;

export type CredentialTest =
  | { readonly verdict: "works"; readonly session: GenesysClient }
  | { readonly verdict: "rejected" | "unknown"; readonly reason: string };

/** Logs in with `credential`. `attempts` > 1 retries a rejection (fresh secrets only). */
export async function testCredential(
  ctx: Pick<RotationContext, "newSession" | "sleep" | "redactor">,
  credential: Credential,
  attempts = 1,
): Promise<CredentialTest> {
  const session = ctx.newSession(credential);
  for (let attempt = 1; ; attempt++) {
    try {
      await session.login();
      return { verdict: "works", session };
    } catch (err) {
      const rejected = err instanceof GenesysApiError && err.failureClass === "credential-rejected";
      if (rejected && attempt < attempts) {
        await ctx.sleep(FRESH_TEST_DELAY_MS * attempt);
        continue;
      }
      return { verdict: rejected ? "rejected" : "unknown", reason: safeErrorMessage(err, ctx.redactor) };
    }
  }
}

export type ResetOutcome =
  | { readonly kind: "reset"; readonly secret: string }
  /** Genesys refused it (a 4xx that is not 408/429): nothing was reset. */
  | { readonly kind: "refused"; readonly reason: string }
  /** Genesys may have applied it (or may still): `finding` says what GET of the client showed. */
  | { readonly kind: "unknown"; readonly reason: string; readonly finding: string; readonly applied: boolean | undefined };

/** Resets the secret of `clientId` once; on an unknown outcome finds out what GET of the client shows. */
export async function resetSecret(rotator: GenesysClient, clientId: string, sentAt: Date, ctx: Pick<RotationContext, "redactor">): Promise<ResetOutcome> {
  try {
    const client = await rotator.regenerateOAuthClientSecret(clientId);
    return { kind: "reset", secret: client.secret as string };
  } catch (err) {
    const reason = safeErrorMessage(err, ctx.redactor);
    const definite = err instanceof GenesysApiError && !err.outcomeUnknown && err.status !== undefined && err.status >= 400 && err.status < 500 && err.status !== 408 && err.status !== 429;
    if (definite || !(err instanceof GenesysApiError)) return { kind: "refused", reason };
    return { kind: "unknown", reason, ...(await findOutReset(rotator, clientId, sentAt, ctx)) };
  }
}

/** Reads the client's dateModified: a change at or after the reset was sent means the reset was applied. */
async function findOutReset(
  rotator: GenesysClient,
  clientId: string,
  sentAt: Date,
  ctx: Pick<RotationContext, "redactor">,
): Promise<{ finding: string; applied: boolean | undefined }> {
  try {
    const modified = (await rotator.getOAuthClient(clientId)).dateModified;
    const at = modified ? Date.parse(String(modified)) : NaN;
    if (Number.isNaN(at)) return { finding: "GET of the client shows no dateModified, so whether it was reset is unknown", applied: undefined };
    // Clocks differ: a change up to a minute before the request was sent still counts as "maybe ours".
    if (at >= sentAt.getTime() - 60_000) {
      return { finding: `GET of the client shows it modified at ${new Date(at).toISOString()}, after the reset was sent: the reset was applied and its new secret is lost`, applied: true };
    }
    return {
      finding: `GET of the client shows no change since ${new Date(at).toISOString()} (before the reset was sent): not applied so far, but Genesys may still apply it late`,
      applied: false,
    };
  } catch (err) {
    return { finding: `GET of the client failed too (${safeErrorMessage(err, ctx.redactor)}), so whether it was reset is unknown`, applied: undefined };
  }
}
