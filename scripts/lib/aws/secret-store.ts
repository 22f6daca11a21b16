/**
 * The AWS Secrets Manager side of the OAuth credentials: one secret per service (`genesys/<env>/<service>`),
 * holding the credential of the service's active OAuth client under the staging label AWSCURRENT.
 *
 * Credential value (JSON): `{ clientId, clientSecret, region, rotatedAt, currentSince?, client, environment, service }`.
 * `currentSince` is when the version became (or, written right before its promotion, becomes) AWSCURRENT; the
 * minimum-age guard reads it (older values without it: `rotatedAt`).
 *
 * The same secret also carries the rotation lock (scripts/lib/rotation/lock.ts): marker versions whose value is
 * `{ "rotationLock": { ... } }` under the custom labels ROTATION_LOCK / LOCK_CLAIM. A marker is never a
 * credential: `read` refuses it by name ("a rotation lock marker, not a credential"), so a reader of AWSCURRENT
 * can never log in with it. (AWS puts AWSCURRENT on the FIRST version of a secret whatever VersionStages says:
 * "If this operation creates the first version for the secret, then Secrets Manager automatically attaches the
 * staging label AWSCURRENT to it", API_PutSecretValue; so on a never-filled secret the first marker is AWSCURRENT.)
 *
 * Calls used, and nothing else (the rotation role grants exactly these, docs/rotation.md): DescribeSecret,
 * GetSecretValue, PutSecretValue, UpdateSecretVersionStage, ListSecretVersionIds. Every credential read is
 * registered with the redactor as a whole (every string field that is not provably public) before it is returned.
 */
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from "@aws-sdk/client-secrets-manager";
import { z } from "zod";
import { Redactor, safeErrorMessage } from "../redact";

export const AWSCURRENT = "AWSCURRENT";
export const AWSPENDING = "AWSPENDING";
export const AWSPREVIOUS = "AWSPREVIOUS";
export type VersionStage = typeof AWSCURRENT | typeof AWSPENDING | typeof AWSPREVIOUS;

/** The JSON value of a service secret. */
export const storedCredentialSchema = z.object({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  region: z.string().min(1),
  rotatedAt: z.string().min(1),
  currentSince: z.string().min(1).optional(),
  client: z.enum(["a", "b"]),
  environment: z.string().min(1),
  service: z.string().min(1),
});
export type StoredCredential = z.infer<typeof storedCredentialSchema>;

/** One version of a secret with its value. */
export interface SecretVersion {
  readonly versionId: string;
  readonly stages: readonly string[];
  readonly value: StoredCredential;
}

/** DescribeSecret: which version holds which label, and whether AWS's own rotation is on. */
export interface SecretStages {
  /** Every labelled version: version id → labels. */
  readonly versions: Readonly<Record<string, readonly string[]>>;
  readonly current?: string;
  readonly pending?: string;
  readonly previous?: string;
  /** DescribeSecret RotationEnabled: a Secrets Manager rotation Lambda also rotates this secret. */
  readonly rotationEnabled: boolean;
}

/** The version holding `label`, if any. */
export function holderOf(stages: Pick<SecretStages, "versions">, label: string): string | undefined {
  return Object.keys(stages.versions).find((id) => stages.versions[id].includes(label));
}

/** A Secrets Manager call failed. The message names the secret, the call and what to check; it is redacted. */
export class SecretStoreError extends Error {
  constructor(
    message: string,
    /** The AWS error name, e.g. "ResourceNotFoundException", "InvalidParameterException". */
    readonly awsError: string | undefined,
  ) {
    super(message);
    this.name = "SecretStoreError";
  }
}

/** A version's value is a rotation lock marker (AWSCURRENT of a secret that was never filled is one). */
export class LockMarkerValueError extends SecretStoreError {}

/** Key of the object a lock marker's value holds. */
export const LOCK_MARKER_KEY = "rotationLock";

function awsErrorName(err: unknown): string | undefined {
  return err instanceof Error ? err.name : undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Which fields of a credential value may be printed: a `clientId` that has the form of a Genesys OAuth client id
 * (a UUID) or is one of `knownIds`, and the descriptive fields when they have their expected form. Any other
 * string (a `clientSecret`, a secret in the wrong field, an unknown field) is masked wherever it appears.
 */
export function credentialFieldIsPublic(knownIds: readonly string[] = []): (key: string, value: string) => boolean {
  return (key, value) => {
    if (knownIds.includes(value)) return true; // an id from the stack outputs is no secret, whatever field holds it
    switch (key) {
      case "clientId":
        return UUID.test(value) || knownIds.includes(value);
      case "region":
        return /^[a-z]{2,4}(-[a-z]+)+-\d$/.test(value);
      case "rotatedAt":
      case "currentSince":
        return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(value);
      case "environment":
      case "service":
        return /^[a-z][a-z0-9-]{0,40}$/.test(value);
      default:
        return false;
    }
  };
}

/** Reads and writes service secrets. One instance per SDK client; share the CLI's redactor. */
export class SecretStore {
  /** Secrets Manager calls made so far (for the report: what the lock and the protocol cost). */
  calls = 0;

  constructor(
    private readonly client: SecretsManagerClient,
    private readonly redactor: Redactor = new Redactor(),
    /** Client ids that may be printed although a value holds them (the stack outputs' ids). */
    private readonly knownClientIds: readonly string[] = [],
  ) {}

  /** DescribeSecret. @throws SecretStoreError (e.g. the secret does not exist). */
  async stages(secretId: string): Promise<SecretStages> {
    const out = await this.send(secretId, "DescribeSecret", () => this.client.send(new DescribeSecretCommand({ SecretId: secretId })));
    const versions: Record<string, readonly string[]> = { ...(out.VersionIdsToStages ?? {}) };
    const s = { versions };
    return {
      versions,
      current: holderOf(s, AWSCURRENT),
      pending: holderOf(s, AWSPENDING),
      previous: holderOf(s, AWSPREVIOUS),
      rotationEnabled: out.RotationEnabled === true,
    };
  }

  /**
   * GetSecretValue of a credential by label (and optionally version id).
   * @returns undefined when no version holds the label (e.g. AWSCURRENT of a secret never written).
   * @throws LockMarkerValueError when the version is a lock marker; SecretStoreError when the secret is missing,
   *   unreadable, or its value is not a stored credential.
   */
  async read(secretId: string, stage: VersionStage, versionId?: string): Promise<SecretVersion | undefined> {
    const out = await this.getText(secretId, stage, versionId);
    if (!out) return undefined;
    const value = this.parse(secretId, out.versionId, out.text);
    return { versionId: out.versionId, stages: out.stages, value };
  }

  /**
   * GetSecretValue as text, NOT registered with the redactor: only for lock markers (whose value is no secret;
   * the lock parses it and refuses anything else). @returns undefined when no version holds the label.
   */
  async readMarkerText(secretId: string, stage: string, versionId?: string): Promise<{ versionId: string; stages: string[]; text: string } | undefined> {
    return this.getText(secretId, stage, versionId, false);
  }

  /**
   * PutSecretValue with `VersionStages: [stage]` (AWS moves the label off any other version). Idempotent: the
   * same token with the same value is a no-op. @returns the version id (= the token).
   */
  async putVersion(secretId: string, clientRequestToken: string, text: string, stage: string): Promise<string> {
    const out = await this.send(secretId, `PutSecretValue (${stage})`, () =>
      this.client.send(new PutSecretValueCommand({ SecretId: secretId, ClientRequestToken: clientRequestToken, SecretString: text, VersionStages: [stage] })),
    );
    return out.VersionId ?? clientRequestToken;
  }

  /** A credential as a new AWSPENDING version (registered with the redactor first). */
  async putPending(secretId: string, value: StoredCredential, clientRequestToken: string): Promise<string> {
    this.redactor.addCredential(value.clientId, value.clientSecret);
    return this.putVersion(secretId, clientRequestToken, JSON.stringify(value), AWSPENDING);
  }

  /**
   * UpdateSecretVersionStage: moves `label` to `to` (or only removes it when `to` is undefined), taking it from
   * `from`. A compare-and-swap arbitrated by AWS: "If the label is attached and you either do not specify this
   * parameter, or the version ID does not match, then the operation fails" (API_UpdateSecretVersionStage,
   * RemoveFromVersionId). Moving AWSCURRENT makes AWS move AWSPREVIOUS to `from`.
   */
  async moveLabel(secretId: string, label: string, to: string | undefined, from: string | undefined): Promise<void> {
    if (to !== undefined && to === from) return;
    const what = to ? `move ${label} to ${to}${from ? ` from ${from}` : ""}` : `remove ${label} from ${from}`;
    await this.send(secretId, `UpdateSecretVersionStage (${what})`, () =>
      this.client.send(new UpdateSecretVersionStageCommand({ SecretId: secretId, VersionStage: label, MoveToVersionId: to, RemoveFromVersionId: from })),
    );
  }

  /** Moves AWSCURRENT to `versionId` from `currentVersionId` (the holder now; undefined for a secret never written). */
  promote(secretId: string, versionId: string, currentVersionId: string | undefined): Promise<void> {
    return this.moveLabel(secretId, AWSCURRENT, versionId, currentVersionId);
  }

  /** Removes AWSPENDING from `versionId`. */
  removePending(secretId: string, versionId: string): Promise<void> {
    return this.moveLabel(secretId, AWSPENDING, undefined, versionId);
  }

  /** ListSecretVersionIds (deprecated versions included): how many versions exist, and how many are < 24 h old. */
  async versionCount(secretId: string, now: Date): Promise<{ total: number; lastDay: number }> {
    let total = 0;
    let lastDay = 0;
    let token: string | undefined;
    do {
      const out = await this.send(secretId, "ListSecretVersionIds", () =>
        this.client.send(new ListSecretVersionIdsCommand({ SecretId: secretId, IncludeDeprecated: true, NextToken: token })),
      );
      for (const v of out.Versions ?? []) {
        total += 1;
        if (v.CreatedDate && now.getTime() - v.CreatedDate.getTime() < 24 * 3600 * 1000) lastDay += 1;
      }
      token = out.NextToken;
    } while (token);
    return { total, lastDay };
  }

  private async getText(
    secretId: string,
    stage: string,
    versionId: string | undefined,
    register = true,
  ): Promise<{ versionId: string; stages: string[]; text: string } | undefined> {
    let out;
    this.calls += 1;
    try {
      out = await this.client.send(new GetSecretValueCommand({ SecretId: secretId, VersionStage: stage, VersionId: versionId }));
    } catch (err) {
      if (awsErrorName(err) === "ResourceNotFoundException" && (await this.exists(secretId))) return undefined;
      throw this.wrap(secretId, `GetSecretValue (${stage}${versionId ? `, version ${versionId}` : ""})`, err);
    }
    const text = out.SecretString;
    const id = out.VersionId ?? "?";
    if (text === undefined) throw new SecretStoreError(`Secret ${secretId} version ${id} has no SecretString (binary secrets are not supported).`, undefined);
    if (register && !isLockMarker(text)) this.redactor.addSecretText(text, credentialFieldIsPublic(this.knownClientIds));
    return { versionId: id, stages: out.VersionStages ?? [], text };
  }

  private async exists(secretId: string): Promise<boolean> {
    this.calls += 1;
    try {
      await this.client.send(new DescribeSecretCommand({ SecretId: secretId }));
      return true;
    } catch {
      return false;
    }
  }

  private parse(secretId: string, versionId: string, text: string): StoredCredential {
    const where = `Secret ${secretId} version ${versionId}`;
    if (isLockMarker(text)) {
      throw new LockMarkerValueError(
        `${where} is a rotation lock marker, not a credential: the secret has never held a credential (AWS makes the first ` +
          "version of a secret AWSCURRENT). Run the rotation job for this service to fill it.",
        undefined,
      );
    }
    const fix =
      "Store a value of the shape { clientId, clientSecret, region, rotatedAt, client, environment, service } by hand " +
      "(aws secretsmanager put-secret-value), with the live secret of the client (reset it in Genesys if it is unknown).";
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      throw new SecretStoreError(`${where} is not JSON. ${fix}`, undefined);
    }
    const parsed = storedCredentialSchema.safeParse(raw);
    if (!parsed.success) {
      // Only field names and messages: never the value.
      const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
      throw new SecretStoreError(`${where} is not a stored OAuth credential (${problems}). ${fix}`, undefined);
    }
    return parsed.data;
  }

  private async send<T>(secretId: string, what: string, call: () => Promise<T>): Promise<T> {
    this.calls += 1;
    try {
      return await call();
    } catch (err) {
      throw this.wrap(secretId, what, err);
    }
  }

  private wrap(secretId: string, what: string, err: unknown): SecretStoreError {
    const name = awsErrorName(err);
    const hint =
      name === "ResourceNotFoundException"
        ? "Check the secret ARN in the stack outputs and the AWS account/region of your credentials (apply the stack first)."
        : name === "AccessDeniedException"
          ? "Give the caller secretsmanager:DescribeSecret/GetSecretValue/PutSecretValue/UpdateSecretVersionStage/ListSecretVersionIds on the secret and KMS use via Secrets Manager on its key (docs/rotation.md)."
          : name === "LimitExceededException"
            ? "The secret has too many versions (AWS removes unlabelled versions only when there are more than 100 and they are over 24 hours old): wait a day, then re-run."
            : "Check AWS credentials, region and network, then re-run (re-running resumes).";
    return new SecretStoreError(
      this.redactor.redact(`Secrets Manager ${what} on ${secretId} failed: ${safeErrorMessage(err, this.redactor)}. ${hint}`),
      name,
    );
  }
}

/** True when a secret's text is a rotation lock marker (`{ "rotationLock": {...} }`). */
export function isLockMarker(text: string): boolean {
  try {
    const v = JSON.parse(text) as unknown;
    return v !== null && typeof v === "object" && !Array.isArray(v) && LOCK_MARKER_KEY in v;
  } catch {
    return false;
  }
}

/**
 * Reads the AWSCURRENT credential of a service secret, e.g. for smoke tests or a consumer:
 * `await readCurrentCredential(new SecretsManagerClient({ region }), secretArn, redactor)`.
 * @returns undefined when the secret has never been written (run the rotation job to bootstrap it).
 * @throws SecretStoreError (LockMarkerValueError when AWSCURRENT is a lock marker: never filled).
 */
export async function readCurrentCredential(
  client: SecretsManagerClient,
  secretId: string,
  redactor?: Redactor,
  knownClientIds: readonly string[] = [],
): Promise<StoredCredential | undefined> {
  return (await new SecretStore(client, redactor, knownClientIds).read(secretId, AWSCURRENT))?.value;
}
