/**
 * What every check shares: the environment's configuration and stack outputs, the redactor, the credential
 * reader, and the Genesys session of the `smoke-tests` service client (logged in once, on first use).
 */
import type { EnvironmentConfig } from "../../../environments";
import { GenesysClient, Redactor } from "../genesys/client";
import type { StackOutputs } from "../aws/stack-outputs";
import { CredentialReader, ServiceCredential } from "./credentials";

/** The service whose OAuth client the smoke tests log in as. */
export const SMOKE_SERVICE = "smoke-tests";

/** Builds a Genesys client for a credential (the CLI sets region, gateway, retry bound and sleep). */
export type GenesysClientFactory = (credential: ServiceCredential) => GenesysClient;

export interface SmokeContext {
  readonly environment: EnvironmentConfig;
  readonly outputs: StackOutputs;
  readonly redactor: Redactor;
  readonly credentials: CredentialReader;
  readonly genesysClientFor: GenesysClientFactory;
}

/** The smoke-tests client, logged in once and shared by every Genesys check and the canary. */
export class SmokeSession {
  private pending: Promise<{ client: GenesysClient; credential: ServiceCredential }> | undefined;

  constructor(private readonly context: SmokeContext) {}

  /** The `smoke-tests` service's outputs. @throws Error when the environment declares no such service. */
  service(): StackOutputs["services"][string] {
    const service = this.context.outputs.services[SMOKE_SERVICE];
    if (!service) {
      throw new Error(
        `the environment declares no "${SMOKE_SERVICE}" service, so the smoke tests have no OAuth client to log in as ` +
          `(services in the outputs: ${Object.keys(this.context.outputs.services).join(", ") || "none"})`,
      );
    }
    return service;
  }

  /** Logs in (once) and returns the client and the credential it used. */
  login(): Promise<{ client: GenesysClient; credential: ServiceCredential }> {
    if (!this.pending) {
      this.pending = (async () => {
        const credential = await this.context.credentials.read(this.service().secret_arn);
        const client = this.context.genesysClientFor(credential);
        await client.login();
        return { client, credential };
      })();
      // A failed login may be retried by a later case (e.g. after a transient error).
      this.pending.catch(() => {
        this.pending = undefined;
      });
    }
    return this.pending;
  }

  async client(): Promise<GenesysClient> {
    return (await this.login()).client;
  }
}
