/**
 * Reads a service's OAuth credential from its Secrets Manager secret (the AWSCURRENT version), as the rotation
 * job writes it: JSON `{ clientId, clientSecret, region, ... }`. The secret is registered with the redactor
 * before anything else sees it. Reads only (GetSecretValue).
 */
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { z } from "zod";
import { Redactor } from "../redact";

/** A service's credential as stored in its secret. */
export interface ServiceCredential {
  readonly clientId: string;
  readonly clientSecret: string;
  /** Genesys region the credential belongs to, when the secret says. */
  readonly region?: string;
}

const storedCredential = z
  .object({ clientId: z.string().min(1), clientSecret: z.string().min(1), region: z.string().optional() })
  .loose();

/** Reads and memoises credentials per secret. */
export class CredentialReader {
  private readonly cache = new Map<string, Promise<ServiceCredential>>();

  constructor(
    private readonly secrets: SecretsManagerClient,
    private readonly redactor: Redactor,
  ) {}

  /**
   * The AWSCURRENT credential of the secret `secretId` (ARN or name).
   * @throws Error naming the secret and what is wrong (never its value).
   */
  read(secretId: string): Promise<ServiceCredential> {
    let pending = this.cache.get(secretId);
    if (!pending) {
      pending = this.load(secretId);
      this.cache.set(secretId, pending);
    }
    return pending;
  }

  private async load(secretId: string): Promise<ServiceCredential> {
    let text: string | undefined;
    try {
      const answer = await this.secrets.send(new GetSecretValueCommand({ SecretId: secretId, VersionStage: "AWSCURRENT" }));
      text = answer.SecretString;
    } catch (err) {
      const name = err instanceof Error ? err.name : "Error";
      const message = err instanceof Error ? err.message : String(err);
      throw new Error(`cannot read the AWSCURRENT version of secret ${secretId}: ${name}: ${this.redactor.redact(message)}`, { cause: err });
    }
    if (text === undefined || text === "") {
      throw new Error(`secret ${secretId} has no string value in its AWSCURRENT version (has the rotation job run?)`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      // Mask the whole value: it is a credential in an unexpected shape.
      this.redactor.add(text);
      throw new Error(`secret ${secretId} (AWSCURRENT) is not JSON; expected { clientId, clientSecret, region }`);
    }
    const parsed = storedCredential.safeParse(json);
    const maybeSecret = (json as { clientSecret?: unknown } | null)?.clientSecret;
    if (typeof maybeSecret === "string") this.redactor.add(maybeSecret);
    if (!parsed.success) {
      const fields = parsed.error.issues.map((i) => i.path.join(".") || "(root)").join(", ");
      throw new Error(`secret ${secretId} (AWSCURRENT) lacks or has invalid fields: ${fields}; expected { clientId, clientSecret, region }`);
    }
    this.redactor.addCredential(parsed.data.clientId, parsed.data.clientSecret);
    return { clientId: parsed.data.clientId, clientSecret: parsed.data.clientSecret, region: parsed.data.region };
  }
}
