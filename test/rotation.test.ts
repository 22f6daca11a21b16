// Must be first: the Genesys SDK reads ~/.genesyscloudjavascript/config when it loads.
import "./support/isolated-home";

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadEnvironment } from "../environments";
import { GenesysClient } from "../scripts/lib/genesys/client";
import { AWSCURRENT, AWSPENDING, AWSPREVIOUS, readCurrentCredential } from "../scripts/lib/aws/secret-store";
import type { RotationStep } from "../scripts/lib/rotation/rotation";
import { RotateDeps, RotationConfig, RotationReport, main } from "../scripts/rotate";
import { FakeGenesysServer, FakeGenesysSeed } from "./support/fake-genesys-server";
import { FakeCall, SecretsManagerFake } from "./support/secrets-manager-fake";
import { buildStackOutputs, writeOutputsFile } from "./support/stack-outputs-fixture";
import type { StackOutputs } from "../scripts/lib/aws/stack-outputs";

const ENV = "dev";
const REGION = loadEnvironment(ENV).genesys.region;
const ADMIN = { clientId: "terraform-admin", clientSecret: "admin-secret-0123456789abcdef" };
/** The clock of every run unless a test passes its own. */
const NOW = new Date("2026-02-01T03:00:00.000Z");
/** A clock `days` after NOW (a later run). */
const after = (days: number) => () => new Date(NOW.getTime() + days * 24 * 60 * 60 * 1000);

/** Request counts per rotated service, written to the test output at the end. */
const measured: string[] = [];
/** Every transcript of every run (stdout, stderr, audit log) and every secret value ever seen, for the leak scan. */
const transcripts: string[] = [];
const secretsSeen = new Set<string>();
/** How many secrets the fake server generated (regenerations), all of them in secretsSeen. */
let regeneratedSecrets = 0;

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  audit: Array<Record<string, unknown>>;
  sleeps: number[];
  report?: RotationReport;
}

class Fixture {
  readonly server: FakeGenesysServer;
  readonly sm = new SecretsManagerFake();
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "rotation-test-"));
  readonly outputs: StackOutputs;
  readonly outputsFile: string;
  readonly auditFile = path.join(this.dir, "audit.jsonl");
  config: RotationConfig;
  /** Throws to simulate a crash after a step (set by the crash tests). */
  crash?: (step: RotationStep) => void;

  constructor(options: { single?: string[]; seed?: Partial<FakeGenesysSeed> } = {}) {
    const base = loadEnvironment(ENV);
    this.config = {
      genesys: base.genesys,
      aws: base.aws,
      services: base.services.map((s) => ({ name: s.name, clients: options.single?.includes(s.name) ? 1 : s.clients })),
    };
    this.outputs = buildStackOutputs(ENV);
    for (const name of options.single ?? []) this.outputs.services[name].client_ids = this.outputs.services[name].client_ids.slice(0, 1);
    this.outputsFile = writeOutputsFile(this.dir, this.outputs);
    const clients = Object.values(this.outputs.services).flatMap((s) => s.client_ids);
    this.server = new FakeGenesysServer({
      ...options.seed,
      oauthClients: [...clients.map((id) => ({ id, secret: `seed-${id}` })), { id: ADMIN.clientId, secret: ADMIN.clientSecret }],
    });
    for (const client of this.server.state.oauthClients.values()) trackSecret(client);
    for (const s of Object.values(this.outputs.services)) this.sm.createSecret(s.secret_name, s.secret_arn);
  }

  ids(service: string): string[] {
    return this.outputs.services[service].client_ids;
  }

  arn(service: string): string {
    return this.outputs.services[service].secret_arn;
  }

  /** Stores the live secret of client `letter` as AWSCURRENT (as an earlier rotation would have). */
  seedCurrent(service: string, letter: "a" | "b", secret?: string): void {
    const clientId = this.ids(service)[letter === "a" ? 0 : 1];
    this.sm.seedVersion(this.arn(service), `seed-${service}-${letter}-0000-0000-000000000000`, this.value(service, letter, clientId, secret ?? this.server.secretOf(clientId)), [AWSCURRENT]);
  }

  value(service: string, letter: "a" | "b", clientId: string, clientSecret: string): Record<string, string> {
    return { clientId, clientSecret, region: REGION, rotatedAt: "2026-01-01T00:00:00.000Z", client: letter, environment: ENV, service };
  }

  current(service: string): Record<string, unknown> | undefined {
    return this.sm.valueAt(this.arn(service), AWSCURRENT);
  }

  async run(args: string[], extra: Partial<RotateDeps> & { env?: Record<string, string> } = {}): Promise<RunResult> {
    let stdout = "";
    let stderr = "";
    const sleeps: number[] = [];
    const before = fs.existsSync(this.auditFile) ? fs.readFileSync(this.auditFile, "utf8").length : 0;
    let code: number;
    try {
      const outputs = args.includes("--outputs") ? [] : ["--outputs", this.outputsFile];
      code = await main([...args, "--env", ENV, ...outputs, "--audit-log", this.auditFile], {
        secretsManager: this.sm.client,
        sleep: async (ms) => void sleeps.push(ms),
        now: () => NOW,
        stdout: (t) => void (stdout += t),
        stderr: (t) => void (stderr += t),
        loadConfig: () => this.config,
        ...extra,
        env: { ...this.server.gatewayEnv(), ...extra.env },
      });
    } catch (err) {
      transcripts.push(String(err), JSON.stringify(err));
      throw err;
    }
    const auditText = fs.existsSync(this.auditFile) ? fs.readFileSync(this.auditFile, "utf8").slice(before) : "";
    transcripts.push(stdout, stderr, auditText);
    for (const v of this.sm.allValues()) {
      const secret = (JSON.parse(v) as { clientSecret?: string }).clientSecret;
      if (secret) secretsSeen.add(secret);
    }
    const audit = auditText.split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    if (process.env.DEBUG_ROTATE) process.stderr.write(`--- ${args.join(" ")} => ${code}\n${stdout}\n${stderr}\n`);
    const report = args.includes("--json") ? (JSON.parse(stdout) as RotationReport) : undefined;
    return { code, stdout, stderr, audit, sleeps, report };
  }

  /** Logs in with a credential against the fake server (no retries): does it work? */
  async works(credential: { clientId: unknown; clientSecret: unknown } | undefined): Promise<boolean> {
    if (!credential) return false;
    const client = new GenesysClient({
      region: REGION,
      clientId: String(credential.clientId),
      clientSecret: String(credential.clientSecret),
      gateway: this.server.gateway(),
      retry: { maxAttempts: 1 },
    });
    try {
      await client.login();
      await client.getTokensMe();
      return true;
    } catch {
      return false;
    }
  }

  /** The store always holds a working credential: AWSCURRENT logs in. */
  async expectCurrentWorks(service: string): Promise<void> {
    expect(await this.works(this.current(service) as { clientId: string; clientSecret: string })).toBe(true);
  }

  /** Version id → credential labels (lock labels left out). */
  credentialStages(service: string): Record<string, string[]> {
    return credentialStagesOf(this.sm.stages(this.arn(service)));
  }

  /** Writes to credential labels (lock markers and ROTATION_LOCK moves aside). */
  credentialWrites(): FakeCall[] {
    return this.sm.writeCalls().filter((c) => !(c.input.VersionStages as string[] | undefined)?.includes("LOCK_CLAIM") && c.input.VersionStage !== "ROTATION_LOCK");
  }

  secretPosts(): number {
    return this.server.countRequests({ method: "POST", path: "/api/v2/oauth/clients/:id/secret" });
  }
}

/** Records every value the fake server ever gives a client as its secret (regenerations included). */
function trackSecret(client: { secret: string }): void {
  let value = client.secret;
  secretsSeen.add(value);
  Object.defineProperty(client, "secret", {
    enumerable: true,
    configurable: true,
    get: () => value,
    set: (v: string) => {
      if (v !== value) regeneratedSecrets += 1;
      secretsSeen.add(v);
      value = v;
    },
  });
}

function credentialStagesOf(stages: Record<string, string[]>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [id, labels] of Object.entries(stages)) {
    const kept = labels.filter((l) => l.startsWith("AWS"));
    if (kept.length > 0) out[id] = kept;
  }
  return out;
}

function serviceResult(result: RunResult, service: string) {
  const r = result.report?.services.find((s) => s.service === service);
  if (!r) throw new Error(`no result for ${service} in ${result.stdout}`);
  return r;
}

let fx: Fixture;

afterEach(async () => {
  await fx?.server.stop();
});

afterAll(() => {
  // The leak scan over everything every test printed or logged.
  expect(regeneratedSecrets).toBeGreaterThan(20);
  const all = transcripts.join("\n");
  for (const secret of secretsSeen) {
    expect(all.includes(secret)).toBe(false);
    expect(all.includes(Buffer.from(secret).toString("base64"))).toBe(false);
  }
  process.stdout.write(`\nrotation: Genesys requests per rotated service: ${measured.join("; ")}\n`);
});

async function start(options?: ConstructorParameters<typeof Fixture>[0]): Promise<Fixture> {
  fx = new Fixture(options);
  await fx.server.start();
  return fx;
}

describe("rotate: happy paths", () => {
  test("bootstrap of empty secrets with GENESYSCLOUD_OAUTHCLIENT_*: client a of every service becomes AWSCURRENT", async () => {
    const f = await start();
    const r = await f.run(["--all", "--json"], { env: { GENESYSCLOUD_OAUTHCLIENT_ID: ADMIN.clientId, GENESYSCLOUD_OAUTHCLIENT_SECRET: ADMIN.clientSecret } });
    expect(r.code).toBe(0);
    expect(r.report?.rotator).toEqual({ clientId: ADMIN.clientId, source: "environment" });
    for (const service of ["rotation", "smoke-tests"]) {
      expect(f.current(service)).toMatchObject({ clientId: f.ids(service)[0], client: "a", service, environment: ENV, region: REGION });
      await f.expectCurrentWorks(service);
      expect(serviceResult(r, service)).toMatchObject({ status: "rotated", client: "a" });
      expect(serviceResult(r, service).genesysRequests).toBeLessThanOrEqual(6);
    }
    // The rotator's own service is done last.
    expect(r.report?.services.map((s) => s.service)).toEqual(["smoke-tests", "rotation"]);
    expect(r.audit.filter((e) => e.step === "bootstrap")).toHaveLength(2);
    measured.push(`bootstrap ${r.report?.services.map((s) => `${s.service}=${s.genesysRequests}`).join(",")} (+ login ${r.report?.genesysRequests.authentication})`);
  });

  test("--bootstrap-only fills only empty secrets (first deploy) and leaves filled ones untouched", async () => {
    const f = await start();
    f.seedCurrent("smoke-tests", "a");
    const smokeBefore = f.current("smoke-tests");
    const admin = { env: { GENESYSCLOUD_OAUTHCLIENT_ID: ADMIN.clientId, GENESYSCLOUD_OAUTHCLIENT_SECRET: ADMIN.clientSecret } };
    const first = await f.run(["--all", "--bootstrap-only", "--json"], admin);
    expect(first.code).toBe(0);
    expect(serviceResult(first, "rotation")).toMatchObject({ status: "rotated", client: "a" });
    expect(serviceResult(first, "smoke-tests")).toMatchObject({ status: "skipped" });
    expect(f.current("smoke-tests")).toEqual(smokeBefore);
    await f.expectCurrentWorks("rotation");
    await f.expectCurrentWorks("smoke-tests");
    const second = await f.run(["--all", "--bootstrap-only", "--json"], admin);
    expect(second.code).toBe(10);
    expect(f.server.writeRequests().filter((r) => r.method === "POST")).toHaveLength(1);
  });

  test("pair: a active -> b rotated, a still works, AWSCURRENT=b, AWSPREVIOUS=a; the next run rotates a", async () => {
    const f = await start();
    f.seedCurrent("rotation", "a");
    f.seedCurrent("smoke-tests", "a");
    const [a, b] = f.ids("smoke-tests");
    const aVersion = Object.keys(f.sm.stages(f.arn("smoke-tests")))[0];
    const aCredential = f.current("smoke-tests");

    const first = await f.run(["--service", "smoke-tests", "--json"]);
    expect(first.code).toBe(0);
    expect(f.current("smoke-tests")).toMatchObject({ clientId: b, client: "b" });
    await f.expectCurrentWorks("smoke-tests");
    expect(await f.works(aCredential as { clientId: string; clientSecret: string })).toBe(true);
    const stages = f.sm.stages(f.arn("smoke-tests"));
    expect(stages[aVersion]).toEqual([AWSPREVIOUS]);
    const bVersion = Object.keys(stages).find((v) => stages[v].includes(AWSCURRENT)) as string;
    expect(stages[bVersion]).toEqual([AWSCURRENT]);
    expect(Object.values(stages).flat()).not.toContain(AWSPENDING);
    const result = serviceResult(first, "smoke-tests");
    expect(result.genesysRequests).toBeLessThanOrEqual(6);
    expect(first.report?.genesysRequests.total).toBeLessThanOrEqual(6); // rotator login included
    measured.push(`pair rotation smoke-tests=${result.genesysRequests} (run total incl. rotator login ${first.report?.genesysRequests.total})`);
    expect(first.audit.map((e) => `${e.step}:${e.result}`)).toEqual([
      "authenticate:ok",
      "lock:ok",
      "inspect:ok",
      "createSecret:ok",
      "setSecret:ok",
      "testSecret:ok",
      "finishSecret:ok",
      "verifySecret:ok",
      "removePending:ok",
      "unlock:ok",
    ]);
    for (const e of first.audit) expect(Object.keys(e)).toEqual(expect.arrayContaining(["time", "environment", "service", "step", "result", "durationMs", "genesysRequests"]));

    // Table output of the next run.
    const bCredential = f.current("smoke-tests");
    const second = await f.run(["--service", "smoke-tests"], { now: after(31) });
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/smoke-tests\s+rotated\s+a\s+/);
    expect(f.current("smoke-tests")).toMatchObject({ clientId: a, client: "a" });
    await f.expectCurrentWorks("smoke-tests");
    expect(await f.works(bCredential as { clientId: string; clientSecret: string })).toBe(true);
    expect(f.sm.stages(f.arn("smoke-tests"))[bVersion]).toEqual([AWSPREVIOUS]);
    // The secret store module reads AWSCURRENT for consumers and smoke tests.
    expect(await readCurrentCredential(f.sm.client, f.arn("smoke-tests"))).toMatchObject({ clientId: a });
  });

  test("the rotator rotates itself (tokens revoked on reset) and the next run logs in with the new AWSCURRENT", async () => {
    const f = await start({ seed: { revokeTokensOnSecretReset: true } });
    f.seedCurrent("rotation", "a");
    f.seedCurrent("smoke-tests", "a");
    const [a, b] = f.ids("rotation");
    const first = await f.run(["--all", "--json"]);
    expect(first.code).toBe(0);
    expect(first.report?.rotator?.clientId).toBe(a);
    expect(f.current("rotation")).toMatchObject({ clientId: b });
    const second = await f.run(["--all", "--json"], { now: after(31) });
    expect(second.code).toBe(0);
    expect(second.report?.rotator?.clientId).toBe(b);
    expect(f.current("rotation")).toMatchObject({ clientId: a });
    await f.expectCurrentWorks("rotation");
    await f.expectCurrentWorks("smoke-tests");
  });

  test("single client: warns that the old secret dies, stores the new one as AWSPENDING first, works", async () => {
    const f = await start({ single: ["smoke-tests", "rotation"], seed: { revokeTokensOnSecretReset: true } });
    f.seedCurrent("rotation", "a");
    f.seedCurrent("smoke-tests", "a");
    const old = f.current("smoke-tests");
    let pendingAtTest: Record<string, unknown> | undefined;
    const r = await f.run(["--all", "--json"], {
      afterStep: (step, service) => {
        if (step === "setSecret" && service === "smoke-tests") pendingAtTest = f.sm.valueAt(f.arn("smoke-tests"), AWSPENDING);
      },
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/WARNING: service smoke-tests has a single OAuth client.*old secret dies at once/);
    expect(serviceResult(r, "smoke-tests").warnings).toHaveLength(1);
    expect(pendingAtTest).toMatchObject({ clientId: f.ids("smoke-tests")[0] });
    expect(await f.works(old as { clientId: string; clientSecret: string })).toBe(false);
    await f.expectCurrentWorks("smoke-tests");
    await f.expectCurrentWorks("rotation");
    // The POST is immediately followed by the PutSecretValue (nothing else in between).
    const setIndex = r.audit.findIndex((e) => e.step === "setSecret");
    expect(r.audit[setIndex - 1].step).toBe("createSecret");
    measured.push(`single client ${r.report?.services.map((s) => `${s.service}=${s.genesysRequests}`).join(",")}`);
  });
});

describe("rotate: interrupted runs resume", () => {
  type Crash = { name: string; inject: (f: Fixture) => void; resumes: boolean; crash?: boolean };
  const crashAfter = (step: RotationStep): Crash["inject"] => (f) => {
    let done = false;
    f.crash = (s: RotationStep) => {
      if (s === step && !done) {
        done = true;
        throw new Error(`simulated crash after ${step}`);
      }
    };
  };
  const crashes: Crash[] = [
    { name: "after createSecret (POST returned, nothing stored)", inject: crashAfter("createSecret"), resumes: false, crash: true },
    { name: "PutSecretValue fails", inject: (f) => f.sm.failNext("PutSecretValue", (i) => (i.VersionStages as string[]).includes(AWSPENDING)), resumes: false },
    { name: "after setSecret (stored as AWSPENDING, untested)", inject: crashAfter("setSecret"), resumes: true, crash: true },
    { name: "after testSecret (tested, not promoted)", inject: crashAfter("testSecret"), resumes: true, crash: true },
    { name: "during finishSecret (AWSCURRENT move fails)", inject: (f) => f.sm.failNext("UpdateSecretVersionStage", (i) => i.VersionStage === AWSCURRENT), resumes: true },
    { name: "during finishSecret (AWSPENDING removal fails)", inject: (f) => f.sm.failNext("UpdateSecretVersionStage", (i) => i.VersionStage === AWSPENDING), resumes: true },
  ];

  test.each(crashes)("crash $name: exit 30 with recovery steps, store keeps a working credential, second run finishes", async ({ inject, resumes, crash }) => {
    const f = await start();
    f.seedCurrent("rotation", "a");
    f.seedCurrent("smoke-tests", "a");
    const aCredential = f.current("smoke-tests");
    inject(f);
    const first = await f.run(["--service", "smoke-tests", "--json"], { afterStep: (s) => f.crash?.(s) });
    expect(first.code).toBe(30);
    const failed = serviceResult(first, "smoke-tests");
    expect(failed.status).toBe("failed");
    expect(failed.recovery.join("\n")).toContain(`npm run rotate -- --env ${ENV} --outputs ${f.outputsFile} --service smoke-tests`);
    expect(first.stderr).toContain("FAILED: smoke-tests");
    expect(first.stderr).toContain("1. ");
    await f.expectCurrentWorks("smoke-tests");
    expect(await f.works(aCredential as { clientId: string; clientSecret: string })).toBe(true);

    f.crash = undefined;
    if (crash) {
      // A process that died keeps its lock: the next run is told who holds it and how to break it.
      expect(failed.recovery.join("\n")).toContain("This run keeps the rotation lock until 2026-02-01T04:00:00.000Z (this run was interrupted");
      const blocked = await f.run(["--service", "smoke-tests", "--json"]);
      expect(blocked.code).toBe(20);
      expect(serviceResult(blocked, "smoke-tests").message).toMatch(/rotation lock of this secret is held by .* pid \d+ \(run local\).*--break-lock/);
    }
    const postsBefore = f.secretPosts();
    const second = await f.run(["--service", "smoke-tests", "--json", ...(crash ? ["--break-lock"] : [])]);
    expect(second.code).toBe(0);
    expect(serviceResult(second, "smoke-tests").status).toBe(resumes ? "resumed" : "rotated");
    // A tested pending is promoted without a new reset; an untested one is tested (and works here).
    if (resumes) expect(f.secretPosts()).toBe(postsBefore);
    expect(f.current("smoke-tests")).toMatchObject({ clientId: f.ids("smoke-tests")[1] });
    await f.expectCurrentWorks("smoke-tests");
    expect(await f.works(aCredential as { clientId: string; clientSecret: string })).toBe(true);
    expect(Object.values(f.sm.stages(f.arn("smoke-tests"))).flat()).not.toContain(AWSPENDING);
    expect(serviceResult(second, "smoke-tests").genesysRequests).toBeLessThanOrEqual(6);
  });

  test("an AWSPENDING version that does not work is never promoted: the job regenerates", async () => {
    const f = await start();
    f.seedCurrent("rotation", "a");
    f.seedCurrent("smoke-tests", "a");
    const [, b] = f.ids("smoke-tests");
    f.sm.seedVersion(f.arn("smoke-tests"), "pending-dead-0000-0000-0000-000000000000", f.value("smoke-tests", "b", b, "dead-secret-value"), [AWSPENDING]);
    const r = await f.run(["--service", "smoke-tests", "--json"]);
    expect(r.code).toBe(0);
    expect(r.audit.find((e) => e.step === "resume")).toMatchObject({ result: "ok", message: expect.stringMatching(/is rejected by Genesys .*; resetting/) });
    expect(f.current("smoke-tests")).toMatchObject({ clientId: b });
    expect(f.current("smoke-tests")?.clientSecret).not.toBe("dead-secret-value");
    await f.expectCurrentWorks("smoke-tests");
    const result = serviceResult(r, "smoke-tests");
    expect(result.genesysRequests).toBeLessThanOrEqual(6);
    expect(r.report?.genesysRequests.total).toBeLessThanOrEqual(6);
    measured.push(`resume with a dead AWSPENDING smoke-tests=${result.genesysRequests} (run total ${r.report?.genesysRequests.total})`);
  });

  test("a re-run of the same CI run (same --run-id) does not rotate twice: exit 10", async () => {
    const f = await start();
    f.seedCurrent("rotation", "a");
    f.seedCurrent("smoke-tests", "a");
    expect((await f.run(["--service", "smoke-tests", "--run-id", "4711"])).code).toBe(0);
    const again = await f.run(["--service", "smoke-tests", "--run-id", "4711", "--json"]);
    expect(again.code).toBe(10);
    expect(serviceResult(again, "smoke-tests")).toMatchObject({ status: "skipped", message: expect.stringMatching(/already rotated in run 4711/) });
    expect(f.current("smoke-tests")).toMatchObject({ clientId: f.ids("smoke-tests")[1] });
    expect((await f.run(["--service", "smoke-tests", "--run-id", "4712"], { now: after(31) })).code).toBe(0);
  });

  test("an interrupted rotation is resumed even when AWSCURRENT is younger than --min-age-days", async () => {
    const f = await start();
    f.seedCurrent("rotation", "a");
    f.seedCurrent("smoke-tests", "a");
    expect((await f.run(["--service", "smoke-tests"])).code).toBe(0);
    let crashed = false;
    const crash = (step: RotationStep) => {
      if (step === "setSecret" && !crashed) {
        crashed = true;
        throw new Error("simulated crash after setSecret");
      }
    };
    // An emergency rotation a day later stops after storing AWSPENDING ...
    expect((await f.run(["--service", "smoke-tests", "--min-age-days", "0"], { now: after(1), afterStep: crash })).code).toBe(30);
    // ... and the plain re-run finishes it instead of skipping the service as too young.
    const resumed = await f.run(["--service", "smoke-tests", "--json", "--break-lock"], { now: after(1) });
    expect(resumed.code).toBe(0);
    expect(serviceResult(resumed, "smoke-tests").status).toBe("resumed");
    expect(f.current("smoke-tests")).toMatchObject({ clientId: f.ids("smoke-tests")[0] });
    await f.expectCurrentWorks("smoke-tests");
  });
});

describe("rotate: minimum age", () => {
  test("a service rotated less than --min-age-days ago is skipped (exit 10) and both clients keep working", async () => {
    const f = await start();
    f.seedCurrent("rotation", "a");
    f.seedCurrent("smoke-tests", "a");
    const [a, b] = f.ids("smoke-tests");
    const aCredential = f.current("smoke-tests") as { clientId: string; clientSecret: string };
    expect((await f.run(["--service", "smoke-tests"])).code).toBe(0);
    const bCredential = f.current("smoke-tests") as { clientId: string; clientSecret: string };
    const posts = f.secretPosts();
    const stages = f.sm.stages(f.arn("smoke-tests"));

    const early = await f.run(["--service", "smoke-tests", "--json"], { now: after(2.5) });
    expect(early.code).toBe(10);
    const result = serviceResult(early, "smoke-tests");
    expect(result).toMatchObject({ status: "skipped", client: "b", clientId: b });
    expect(result.message).toContain(`rotated 2.5 days ago (AWSCURRENT since ${NOW.toISOString()}), less than the minimum age of 7 days`);
    expect(result.message).toContain(`would reset client a (${a})`);
    expect(result.message).toContain("--min-age-days 0");
    expect(early.stderr).toContain("smoke-tests: rotated 2.5 days ago");
    expect(early.audit.map((e) => `${e.step}:${e.result}`)).toEqual(["authenticate:ok", "lock:ok", "inspect:ok", "skip:skipped", "unlock:ok"]);
    expect(f.secretPosts()).toBe(posts);
    expect(f.credentialStages("smoke-tests")).toEqual(credentialStagesOf(stages));
    expect(await f.works(aCredential)).toBe(true);
    expect(await f.works(bCredential)).toBe(true);

    // A dry run says the same; a shorter minimum lets it through.
    expect(serviceResult(await f.run(["--service", "smoke-tests", "--dry-run", "--json"], { now: after(2.5) }), "smoke-tests").status).toBe("skipped");
    const shorter = await f.run(["--service", "smoke-tests", "--min-age-days", "2", "--json"], { now: after(2.5) });
    expect(shorter.code).toBe(0);
    expect(f.current("smoke-tests")).toMatchObject({ clientId: a });
    expect(await f.works(aCredential)).toBe(false);
  });

  test("--min-age-days 0 rotates at once (a leaked secret: run it twice to replace both clients)", async () => {
    const f = await start();
    f.seedCurrent("rotation", "a");
    f.seedCurrent("smoke-tests", "a");
    const leaked = f.current("smoke-tests") as { clientId: string; clientSecret: string };
    expect((await f.run(["--service", "smoke-tests", "--min-age-days", "0"])).code).toBe(0);
    expect(await f.works(leaked)).toBe(true);
    expect((await f.run(["--service", "smoke-tests", "--min-age-days", "0"])).code).toBe(0);
    expect(await f.works(leaked)).toBe(false);
    await f.expectCurrentWorks("smoke-tests");
  });

  test("a value without a valid rotatedAt is rotated, with a warning", async () => {
    const f = await start();
    f.seedCurrent("rotation", "a");
    const [a] = f.ids("smoke-tests");
    f.sm.seedVersion(f.arn("smoke-tests"), "seed-hand-made-0000-0000-000000000000", { ...f.value("smoke-tests", "a", a, f.server.secretOf(a)), rotatedAt: "last tuesday" }, [AWSCURRENT]);
    const r = await f.run(["--service", "smoke-tests", "--json"]);
    expect(r.code).toBe(0);
    expect(serviceResult(r, "smoke-tests").warnings.join("\n")).toMatch(/no valid rotatedAt\/currentSince date, so its age is unknown; rotating it/);
  });

  test("a negative or non-numeric --min-age-days is a usage error (exit 2)", async () => {
    const f = await start();
    for (const value of ["-1", "soon"]) {
      const r = await f.run(["--all", "--min-age-days", value]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--min-age-days must be a number of days >= 0/);
    }
    expect(f.sm.writeCalls()).toEqual([]);
  });
});

describe("rotate: Genesys faults", () => {
  test("429 storm with Retry-After: the job waits what Genesys says, then rotates", async () => {
    const f = await start();
    f.seedCurrent("rotation", "a");
    f.seedCurrent("smoke-tests", "a");
    f.server.inject({ method: "POST", path: "/api/v2/oauth/clients/:id/secret", status: 429, retryAfterSeconds: 7, times: 3 });
    const r = await f.run(["--service", "smoke-tests", "--json"]);
    expect(r.code).toBe(0);
    expect(r.sleeps).toEqual([7000, 7000, 7000]);
    expect(r.stderr).toMatch(/\/secret failed \(HTTP 429 too\.many\.requests\.retry\.after\); retry 1 in 7 s/);
    await f.expectCurrentWorks("smoke-tests");
    measured.push(`429 storm smoke-tests=${serviceResult(r, "smoke-tests").genesysRequests} (3 retries)`);
  });

  test("5xx on a login, 429 without Retry-After on the reset: backs off 3 s and continues", async () => {
    const f = await start();
    f.seedCurrent("rotation", "a");
    f.seedCurrent("smoke-tests", "a");
    f.server.inject({ method: "POST", path: "/oauth/token", status: 503, times: 1 });
    f.server.inject({ method: "POST", path: "/api/v2/oauth/clients/:id/secret", status: 429, times: 1 });
    const r = await f.run(["--service", "smoke-tests"]);
    expect(r.code).toBe(0);
    expect(r.sleeps).toEqual([3000, 3000]);
    await f.expectCurrentWorks("smoke-tests");
  });

  test("bad current rotator secret (401): clean failure, exit 20, store and Genesys unchanged", async () => {
    const f = await start();
    f.seedCurrent("rotation", "a", "wrong-secret-for-rotation-a");
    f.seedCurrent("smoke-tests", "a");
    const before = f.sm.snapshot();
    const r = await f.run(["--all", "--json"]);
    expect(r.code).toBe(20);
    expect(r.report?.outcome).toBe("failed (nothing changed)");
    expect(r.stderr).toMatch(/could not log in to Genesys with the AWSCURRENT credential of secret .*HTTP 401.*Nothing was changed/);
    expect(f.sm.snapshot()).toEqual(before);
    expect(f.sm.writeCalls()).toEqual([]);
    expect(f.server.writeRequests()).toEqual([]);
    expect(r.audit).toEqual([expect.objectContaining({ step: "authenticate", result: "failed" })]);
  });

  test("a refused reset (403) fails with exit 20 and nothing stored", async () => {
    const f = await start();
    f.seedCurrent("rotation", "a");
    f.seedCurrent("smoke-tests", "a");
    f.server.inject({ method: "POST", path: "/api/v2/oauth/clients/:id/secret", status: 403, times: 1 });
    const r = await f.run(["--service", "smoke-tests", "--json"]);
    expect(r.code).toBe(20);
    expect(serviceResult(r, "smoke-tests").recovery[0]).toMatch(/^Nothing was changed/);
    expect(f.credentialWrites()).toEqual([]);
  });
});

describe("rotate: dry run, inputs, help", () => {
  test("--dry-run makes no write to Genesys or Secrets Manager", async () => {
    const f = await start();
    f.seedCurrent("rotation", "a");
    f.seedCurrent("smoke-tests", "b");
    const r = await f.run(["--all", "--dry-run"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("DRY RUN");
    expect(r.stdout).toMatch(/smoke-tests\s+planned\s+a\s+/);
    expect(f.server.writeRequests()).toEqual([]);
    expect(f.server.findRequests({ method: "POST" }).every((q) => q.path === "/oauth/token")).toBe(true);
    expect(f.server.findRequests({ method: "PUT" })).toEqual([]);
    expect(f.sm.writeCalls()).toEqual([]);
  });

  test("--dry-run of empty secrets without credentials fails cleanly (exit 20)", async () => {
    const f = await start();
    const r = await f.run(["--all", "--dry-run"]);
    expect(r.code).toBe(20);
    expect(r.stderr).toMatch(/secret .* is empty .* GENESYSCLOUD_OAUTHCLIENT_ID and GENESYSCLOUD_OAUTHCLIENT_SECRET are not set/);
  });

  test("missing outputs, unknown service and bad arguments give clear errors", async () => {
    const f = await start();
    const missing = await f.run(["--all", "--outputs", path.join(f.dir, "nope.json")]);
    expect(missing.code).toBe(2); // bad input, as in smoke (issue 13)
    expect(missing.stderr).toMatch(/nope\.json does not exist.*terraform -chdir=cdktf\.out\/stacks\/dev output -json/);
    const unknown = await f.run(["--service", "nosuch"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown service "nosuch".*expected one of rotation, smoke-tests/);
    expect((await f.run([])).code).toBe(2);
    expect((await f.run(["--all", "--service", "rotation"])).code).toBe(2);
    f.config = { ...f.config, services: [] };
    const none = await f.run(["--all"]);
    expect(none.code).toBe(10);
  });

  test("--help documents usage and exit codes", async () => {
    let out = "";
    const code = await main(["--help"], { stdout: (t) => void (out += t), stderr: () => undefined });
    expect(code).toBe(0);
    for (const text of ["--env", "--service", "--all", "--dry-run", "--min-age-days", "--json", "--outputs", "--audit-log", "--break-lock", "ROTATION_LOCK", "10  nothing to do", "20  failed", "30  failed after"]) {
      expect(out).toContain(text);
    }
  });
});
