/**
 * The AWS Secrets Manager side of the OAuth credentials: one secret per service, holding the credential of the
 * service's active OAuth client under the staging label AWSCURRENT.
 *
 * Value (JSON): `{ clientId, clientSecret, region, rotatedAt, client: "a" | "b", environment, service }`.
 *
 * - Reads go by staging label (AWSCURRENT / AWSPENDING / AWSPREVIOUS) or version id; every secret read is
 *   registered with the redactor before it is returned.
 * - Writes follow the AWS rotation protocol: `putPending` (PutSecretValue with a ClientRequestToken and
 *   VersionStages ["AWSPENDING"]), `promote` (UpdateSecretVersionStage moves AWSCURRENT; AWS moves AWSPREVIOUS
 *   itself) and `removePending` (UpdateSecretVersionStage removes AWSPENDING).
 * - The client is a plain SDK v3 `SecretsManagerClient`: region, credentials and endpoint follow the SDK's
 *   standard settings (AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL_SECRETS_MANAGER, ...).
 *
 * Consumers (and the smoke tests) only need `readCurrentCredential`.
 */
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
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

/** Which version holds which staging label (DescribeSecret VersionIdsToStages). */
export interface SecretStages {
  /** Every labelled version: version id → labels. */
  readonly versions: Readonly<Record<string, readonly string[]>>;
  readonly current?: string;
  readonly pending?: string;
  readonly previous?: string;
}

/** A Secrets Manager call failed. The message names the secret, the call and what to check; it is redacted. */
export class SecretStoreError extends Error {
  constructor(
    message: string,
    /** The AWS error name, e.g. "ResourceNotFoundException", "AccessDeniedException". */
    readonly awsError: string | undefined,
  ) {
    super(message);
    this.name = "SecretStoreError";
  }
}

function awsErrorName(err: unknown): string | undefined {
  return err instanceof Error ? err.name : undefined;
}

/** Reads and writes service secrets. One instance per SDK client; share the CLI's redactor. */
export class SecretStore {
  constructor(
    private readonly client: SecretsManagerClient,
    private readonly redactor: Redactor = new Redactor(),
  ) {}

  /** DescribeSecret: which version holds which label. @throws SecretStoreError (e.g. the secret does not exist). */
  async stages(secretId: string): Promise<SecretStages> {
    const out = await this.send(secretId, "DescribeSecret", () => this.client.send(new DescribeSecretCommand({ SecretId: secretId })));
    const versions: Record<string, readonly string[]> = { ...(out.VersionIdsToStages ?? {}) };
    const holder = (stage: string) => Object.keys(versions).find((id) => versions[id].includes(stage));
    return { versions, current: holder(AWSCURRENT), pending: holder(AWSPENDING), previous: holder(AWSPREVIOUS) };
  }

  /**
   * GetSecretValue by label (and optionally version id).
   * @returns undefined when no version holds the label (e.g. AWSCURRENT of a secret never written).
   * @throws SecretStoreError when the secret is missing, unreadable, or its value is not a stored credential.
   */
  async read(secretId: string, stage: VersionStage, versionId?: string): Promise<SecretVersion | undefined> {
    let out;
    try {
      out = await this.client.send(new GetSecretValueCommand({ SecretId: secretId, VersionStage: stage, VersionId: versionId }));
    } catch (err) {
      if (awsErrorName(err) === "ResourceNotFoundException" && (await this.exists(secretId))) return undefined;
      throw this.wrap(secretId, `GetSecretValue (${stage}${versionId ? `, version ${versionId}` : ""})`, err);
    }
    if (out.SecretString !== undefined) this.redactor.add(out.SecretString);
    const value = this.parse(secretId, out.VersionId ?? "?", out.SecretString);
    return { versionId: out.VersionId ?? "", stages: out.VersionStages ?? [], value };
  }

  /**
   * PutSecretValue with VersionStages ["AWSPENDING"] (AWS moves the label off any other version). Idempotent:
   * the same token with the same value is a no-op. @returns the version id (= the token).
   */
  async putPending(secretId: string, value: StoredCredential, clientRequestToken: string): Promise<string> {
    this.redactor.addCredential(value.clientId, value.clientSecret);
    const out = await this.send(secretId, "PutSecretValue (AWSPENDING)", () =>
      this.client.send(
        new PutSecretValueCommand({
          SecretId: secretId,
          ClientRequestToken: clientRequestToken,
          SecretString: JSON.stringify(value),
          VersionStages: [AWSPENDING],
        }),
      ),
    );
    return out.VersionId ?? clientRequestToken;
  }

  /**
   * Moves AWSCURRENT to `versionId` (AWS moves AWSPREVIOUS to the version it leaves). `currentVersionId` is the
   * version that holds AWSCURRENT now (undefined for a secret never written).
   */
  async promote(secretId: string, versionId: string, currentVersionId: string | undefined): Promise<void> {
    if (currentVersionId === versionId) return;
    await this.send(secretId, `UpdateSecretVersionStage (move AWSCURRENT to ${versionId})`, () =>
      this.client.send(
        new UpdateSecretVersionStageCommand({
          SecretId: secretId,
          VersionStage: AWSCURRENT,
          MoveToVersionId: versionId,
          RemoveFromVersionId: currentVersionId,
        }),
      ),
    );
  }

  /** Removes AWSPENDING from `versionId`. */
  async removePending(secretId: string, versionId: string): Promise<void> {
    await this.send(secretId, `UpdateSecretVersionStage (remove AWSPENDING from ${versionId})`, () =>
      this.client.send(
        new UpdateSecretVersionStageCommand({ SecretId: secretId, VersionStage: AWSPENDING, RemoveFromVersionId: versionId }),
      ),
    );
  }

  private async exists(secretId: string): Promise<boolean> {
    try {
      await this.client.send(new DescribeSecretCommand({ SecretId: secretId }));
      return true;
    } catch {
      return false;
    }
  }

  private parse(secretId: string, versionId: string, text: string | undefined): StoredCredential {
    const where = `Secret ${secretId} version ${versionId}`;
    const fix =
      "Store a value of the shape { clientId, clientSecret, region, rotatedAt, client, environment, service } by hand " +
      "(aws secretsmanager put-secret-value), with the live secret of the client (reset it in Genesys if it is unknown).";
    if (text === undefined) throw new SecretStoreError(`${where} has no SecretString (binary secrets are not supported). ${fix}`, undefined);
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      throw new SecretStoreError(`${where} is not JSON. ${fix}`, undefined);
    }
    if (raw !== null && typeof raw === "object") {
      const r = raw as { clientId?: unknown; clientSecret?: unknown };
      if (typeof r.clientId === "string" && typeof r.clientSecret === "string") this.redactor.addCredential(r.clientId, r.clientSecret);
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
          ? "Give the caller secretsmanager:DescribeSecret/GetSecretValue/PutSecretValue/UpdateSecretVersionStage on the secret and kms:Decrypt/GenerateDataKey on its key."
          : "Check AWS credentials, region and network, then re-run (re-running resumes).";
    return new SecretStoreError(
      this.redactor.redact(`Secrets Manager ${what} on ${secretId} failed: ${safeErrorMessage(err, this.redactor)}. ${hint}`),
      name,
    );
  }
}

/**
 * Reads the AWSCURRENT credential of a service secret, e.g. for smoke tests or a consumer:
 * `await readCurrentCredential(new SecretsManagerClient({ region }), secretArn, redactor)`.
 * @returns undefined when the secret has never been written (run the rotation job to bootstrap it).
 */
export async function readCurrentCredential(
  client: SecretsManagerClient,
  secretId: string,
  redactor?: Redactor,
): Promise<StoredCredential | undefined> {
  return (await new SecretStore(client, redactor).read(secretId, AWSCURRENT))?.value;
}
