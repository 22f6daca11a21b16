/**
 * Reads a service's OAuth credential from its Secrets Manager secret (the AWSCURRENT version), through the
 * shared secret store (scripts/lib/secret-store.ts): JSON `{ clientId, clientSecret, region, ... }`, registered
 * with the redactor before anything else sees it. Reads only (GetSecretValue, DescribeSecret).
 */
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { Redactor } from "../redact";
import { readCurrentCredential } from "../aws/secret-store";

/** A service's credential as stored in its secret. */
export interface ServiceCredential {
  readonly clientId: string;
  readonly clientSecret: string;
  /** Genesys region the credential belongs to. */
  readonly region?: string;
}

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
      pending.catch(() => this.cache.delete(secretId));
    }
    return pending;
  }

  private async load(secretId: string): Promise<ServiceCredential> {
    const stored = await readCurrentCredential(this.secrets, secretId, this.redactor);
    if (!stored) {
      throw new Error(`secret ${secretId} has no AWSCURRENT value: the credential was never stored (run the rotation job for this service)`);
    }
    return { clientId: stored.clientId, clientSecret: stored.clientSecret, region: stored.region };
  }
}
