/**
 * One fake world for rotation tests: the fake Genesys server (real HTTP, real SDK) and the stateful Secrets
 * Manager fake, with the dev stack outputs, and `run` = the rotate CLI's `main` with every output captured
 * (stdout, stderr, audit lines) for the leak scans. Import "./isolated-home" first in the test file.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadEnvironment } from "../../environments";
import type { StackOutputs } from "../../scripts/lib/aws/stack-outputs";
import { AWSCURRENT, AWSPREVIOUS } from "../../scripts/lib/aws/secret-store";
import { RotateDeps, RotationConfig, RotationReport, main } from "../../scripts/rotate";
import { FakeGenesysServer } from "./fake-genesys-server";
import { SecretsManagerFake } from "./secrets-manager-fake";
import { buildStackOutputs, writeOutputsFile } from "./stack-outputs-fixture";

export const ENV = "dev";
export const REGION = loadEnvironment(ENV).genesys.region;
export const ADMIN = { clientId: "terraform-admin", clientSecret: "admin-secret-0123456789abcdef" };
export const NOW = new Date("2026-02-01T03:00:00.000Z");
export const DAY = 24 * 60 * 60 * 1000;

export interface WorldRun {
  code: number;
  stdout: string;
  stderr: string;
  audit: Array<Record<string, unknown>>;
  report?: RotationReport;
}

export class RotationWorld {
  readonly server: FakeGenesysServer;
  readonly sm = new SecretsManagerFake();
  readonly outputs: StackOutputs;
  readonly outputsFile: string;
  readonly config: RotationConfig;
  /** Everything every run printed or logged (stdout, stderr, audit lines). */
  readonly transcript: string[] = [];
  clock: Date = NOW;

  constructor(dir = fs.mkdtempSync(path.join(os.tmpdir(), "rotation-world-"))) {
    const base = loadEnvironment(ENV);
    this.config = { genesys: base.genesys, aws: base.aws, services: base.services.map((s) => ({ name: s.name, clients: s.clients })) };
    this.outputs = buildStackOutputs(ENV);
    this.outputsFile = writeOutputsFile(dir, this.outputs);
    const ids = Object.values(this.outputs.services).flatMap((s) => s.client_ids);
    this.server = new FakeGenesysServer({ oauthClients: [...ids.map((id) => ({ id, secret: `seed-secret-${id}-0123456789` })), { id: ADMIN.clientId, secret: ADMIN.clientSecret }] });
    // Genesys's clock: the clients were last changed long before the test clock's "now".
    for (const c of this.server.state.oauthClients.values()) c.dateModified = "2025-12-01T00:00:00.000Z";
    for (const s of Object.values(this.outputs.services)) this.sm.createSecret(s.secret_name, s.secret_arn);
    this.sm.now = () => this.clock;
  }

  ids(service: string): string[] {
    return this.outputs.services[service].client_ids;
  }

  arn(service: string): string {
    return this.outputs.services[service].secret_arn;
  }

  /** Stores the live secret of client `letter` as AWSCURRENT, current since `since`. */
  seedCurrent(service: string, letter: "a" | "b", since = "2026-01-01T00:00:00.000Z"): void {
    const clientId = this.ids(service)[letter === "a" ? 0 : 1];
    const value = { clientId, clientSecret: this.server.secretOf(clientId), region: REGION, rotatedAt: since, currentSince: since, client: letter, environment: ENV, service };
    this.sm.seedVersion(this.arn(service), `seed-${service}-${letter}-${"0".repeat(24)}`, value, [AWSCURRENT]);
  }

  /** The parsed value labelled `stage`, when it is a credential (lock markers excluded). */
  credential(service: string, stage: string = AWSCURRENT): { clientId: string; clientSecret: string } | undefined {
    const v = this.sm.valueAt(this.arn(service), stage) as { clientId?: string; clientSecret?: string } | undefined;
    return v?.clientId && v.clientSecret ? { clientId: v.clientId, clientSecret: v.clientSecret } : undefined;
  }

  previous(service: string): { clientId: string; clientSecret: string } | undefined {
    return this.credential(service, AWSPREVIOUS);
  }

  /** The fake's own login rule, on its state: would POST /oauth/token with this credential succeed now? */
  accepts(credential: { clientId: string; clientSecret: string } | undefined): boolean {
    const client = credential ? this.server.state.oauthClients.get(credential.clientId) : undefined;
    return client !== undefined && client.secret === credential?.clientSecret && client.state === "active";
  }

  async run(args: string[], deps: Partial<RotateDeps> & { env?: Record<string, string> } = {}): Promise<WorldRun> {
    let stdout = "";
    let stderr = "";
    const audit: string[] = [];
    const code = await main([...args, "--env", ENV, "--outputs", this.outputsFile, "--audit-log", "unused.jsonl"], {
      secretsManager: this.sm.client,
      sleep: async () => undefined,
      now: () => this.clock,
      stdout: (t) => void (stdout += t),
      stderr: (t) => void (stderr += t),
      loadConfig: () => this.config,
      appendAudit: (_file, line) => void audit.push(line),
      genesysRetry: { maxAttempts: 3 },
      ...deps,
      env: { ...this.server.gatewayEnv(), ...deps.env },
    });
    this.transcript.push(stdout, stderr, ...audit);
    const report = args.includes("--json") ? (JSON.parse(stdout) as RotationReport) : undefined;
    return { code, stdout, stderr, audit: audit.map((l) => JSON.parse(l) as Record<string, unknown>), report };
  }
}
