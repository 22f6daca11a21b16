// Must be first: the Genesys SDK reads ~/.genesyscloudjavascript/config when it loads.
import "./support/isolated-home";

import { AWSCURRENT, SecretStore } from "../scripts/lib/aws/secret-store";
import { GenesysClient, Redactor } from "../scripts/lib/genesys/client";
import { Credential, RequestMeter, RotationContext, ServiceResult, ServiceTarget, rotateService } from "../scripts/lib/rotation/rotation";
import { FakeGenesysServer } from "./support/fake-genesys-server";
import { SecretsManagerFake } from "./support/secrets-manager-fake";
import { buildStackOutputs } from "./support/stack-outputs-fixture";
import { ADMIN, ENV, NOW, REGION } from "./support/rotation-world";

/**
 * Two rotators against one fake world, interleaved at every protocol boundary (the `pause` hook the production
 * code awaits after each step): A runs to boundary i and waits, B runs to boundary j and waits, A finishes, B
 * finishes; for every i, j, in both orders; then with a 429 or a timeout injected at each position of A. After
 * every step of every interleaving: the credential labelled AWSCURRENT logs in (the fake's login rule on its
 * state), and every credential that was AWSCURRENT at any point still does (the previous client keeps
 * working); the rotator itself logged in over HTTP with every credential it promoted, right after the move
 * (verifySecret); and Genesys saw at most one reset per interleaving.
 *
 * The runs are the protocol (`rotateService`) with the context the CLI builds (scripts/rotate.ts), each with its
 * own redactor, store and Genesys sessions; the rotator's session logs in on first use.
 */

const SERVICE = "smoke-tests";
/** Client timeout where timeouts are injected (short, to stay fast), and elsewhere (long: no spurious timeouts on a busy machine). */
const TIMEOUT_MS = 250;
const CALM_TIMEOUT_MS = 10_000;
const outputs = buildStackOutputs(ENV);
const targets: Record<string, ServiceTarget> = Object.fromEntries(
  Object.entries(outputs.services).map(([name, o]) => [name, { name, clientIds: o.client_ids, secretId: o.secret_arn, secretName: o.secret_name }]),
);
const knownIds = Object.values(outputs.services).flatMap((o) => o.client_ids);
const seedSecret = (id: string) => `seed-secret-${id}-0123456789`;
const server = new FakeGenesysServer({ oauthClients: [...knownIds.map((id) => ({ id, secret: seedSecret(id) })), { id: ADMIN.clientId, secret: ADMIN.clientSecret }] });
/** One Secrets Manager fake, emptied for every interleaving. */
const sm = new SecretsManagerFake();
let checked = 0;
const summary: string[] = [];

type Spec = {
  readonly name: string;
  readonly services: string[];
  readonly runId?: string;
  readonly bootstrapOnly?: boolean;
  readonly admin?: boolean;
  readonly breakLock?: boolean;
  readonly timeoutMs?: number;
};
type Fault = { readonly kind: "429" | "timeout" };

interface Runner {
  readonly stopped: Promise<"paused" | "done">;
  readonly resume: () => Promise<ServiceResult[]>;
}

beforeAll(() => server.start());
afterAll(() => server.stop());

/** A fresh Genesys state (seed secrets, no tokens, no faults) and a fresh Secrets Manager. */
function freshWorld(seed: (sm: SecretsManagerFake) => void): SecretsManagerFake {
  for (const client of server.state.oauthClients.values()) {
    client.secret = client.id === ADMIN.clientId ? ADMIN.clientSecret : seedSecret(client.id);
    client.state = "active";
  }
  server.state.tokens.clear();
  server.clearFaults();
  server.clearRequests();
  sm.reset();
  sm.now = () => NOW;
  for (const t of Object.values(targets)) sm.createSecret(t.secretName, t.secretId);
  seed(sm);
  return sm;
}

function seedCurrent(sm: SecretsManagerFake, service: string): void {
  const clientId = targets[service].clientIds[0];
  const since = "2026-01-01T00:00:00.000Z";
  sm.seedVersion(targets[service].secretId, `seed-${service}-a-${"0".repeat(24)}`, { clientId, clientSecret: seedSecret(clientId), region: REGION, rotatedAt: since, currentSince: since, client: "a", environment: ENV, service }, [AWSCURRENT]);
}

async function rotate(sm: SecretsManagerFake, spec: Spec, pause: RotationContext["pause"]): Promise<ServiceResult[]> {
  const redactor = new Redactor();
  const meter = new RequestMeter();
  const store = new SecretStore(sm.client, redactor, knownIds);
  const newSession = (c: Credential) =>
    new GenesysClient({ region: REGION, ...c, gateway: server.gateway(), timeoutMs: spec.timeoutMs ?? CALM_TIMEOUT_MS, retry: { maxAttempts: 3 }, sleep: async () => undefined, redactor, onEvent: meter.observe });
  const ctx: RotationContext = {
    environment: ENV, genesysRegion: REGION, store, awsCalls: () => store.calls, redactor, meter, newSession,
    dryRun: false, bootstrapOnly: spec.bootstrapOnly, breakLock: spec.breakLock, runId: spec.runId, owner: `${spec.name} rotator`, minAgeDays: 7,
    now: () => NOW, sleep: async () => undefined, log: () => undefined, audit: () => undefined, pause,
    rerunCommand: (service) => `npm run rotate -- --env ${ENV} --service ${service}`,
  };
  const own = spec.admin ? ADMIN : (await store.read(targets.rotation.secretId, AWSCURRENT))?.value;
  if (!own) throw new Error("no rotator credential");
  const rotator = { session: newSession(own), source: spec.admin ? ("environment" as const) : ("secret" as const) };
  const results: ServiceResult[] = [];
  for (const service of spec.services) results.push(await rotateService(ctx, rotator, targets[service]));
  return results;
}

function startRun(sm: SecretsManagerFake, spec: Spec, stopAt: number, check: (label: string) => void): Runner {
  let count = 0;
  let signal: (s: "paused" | "done") => void = () => undefined;
  const stopped = new Promise<"paused" | "done">((resolve) => (signal = resolve));
  let release: () => void = () => undefined;
  const done = rotate(sm, spec, async (point, service) => {
    check(`${spec.name} at ${service}:${point}`);
    if (count++ === stopAt) {
      await new Promise<void>((resolve) => {
        release = resolve;
        signal("paused");
      });
    }
  }).finally(() => signal("done"));
  return { stopped, resume: () => (release(), done) };
}

/** Runs one interleaving in a fresh world; returns whether A and B actually paused where asked. */
async function interleave(
  seed: (sm: SecretsManagerFake) => void,
  first: Spec,
  second: Spec,
  i: number,
  j: number,
  fault?: Fault,
): Promise<{ aPaused: boolean; bPaused: boolean }> {
  const sm = freshWorld(seed);
  const secretId = targets[SERVICE].secretId;
  const credentialAt = () => {
    const v = sm.valueAt(secretId, AWSCURRENT) as Partial<Credential> | undefined;
    return v?.clientId && v.clientSecret ? (v as Credential) : undefined;
  };
  const accepts = (c: Credential) => server.state.oauthClients.get(c.clientId)?.secret === c.clientSecret;
  const everCurrent = new Map<string, Credential>();
  const violations: string[] = [];
  const check = (label: string): void => {
    const current = credentialAt();
    if (current) everCurrent.set(`${current.clientId}:${current.clientSecret}`, current);
    if (current && !accepts(current)) violations.push(`${label}: AWSCURRENT (${current.clientId}) does not log in`);
    for (const c of everCurrent.values()) if (!accepts(c)) violations.push(`${label}: ${c.clientId}, AWSCURRENT earlier, no longer logs in`);
  };
  const a = startRun(sm, first, i, check);
  const aPaused = (await a.stopped) === "paused";
  const b = startRun(sm, second, j, check);
  const bPaused = (await b.stopped) === "paused";
  if (fault?.kind === "429") server.inject({ path: /.*/, status: 429, retryAfterSeconds: 0 });
  if (fault?.kind === "timeout") server.inject({ path: /.*/, delayMs: TIMEOUT_MS + 50 });
  const results = [...(await a.resume()), ...(await b.resume())];
  if (fault?.kind === "timeout") await new Promise((r) => setTimeout(r, 100)); // a late reset lands
  check("end");
  server.clearFaults();
  // Never two resets in one interleaving: the second rotator waited for the lock or stood aside (unless it broke
  // the lock: then the holder may have reset before the break, and the breaker resets again).
  const resets = first.breakLock || second.breakLock ? 2 : 1;
  expect(server.countRequests({ method: "POST", path: "/api/v2/oauth/clients/:id/secret" })).toBeLessThanOrEqual(resets);
  expect(violations).toEqual([]);
  expect(results.every((r) => r.status !== "failed" || r.recovery.length > 0)).toBe(true);
  checked += 1;
  return { aPaused, bPaused };
}

/** Every pair of positions in both orders, then a fault at each position of the first run. */
async function allInterleavings(label: string, seed: (sm: SecretsManagerFake) => void, x: Spec, y: Spec, bothOrders = true): Promise<void> {
  const before = checked;
  for (const [first, second] of bothOrders ? [[x, y], [y, x]] : [[x, y]]) {
    for (let i = 0; ; i++) {
      let r: { aPaused: boolean; bPaused: boolean };
      let j = 0;
      do r = await interleave(seed, first, second, i, j++);
      while (r.bPaused); // later j give the same interleaving: B ended before reaching them
      if (!r.aPaused) break; // A ended before boundary i: so will it for every later i
    }
  }
  for (let i = 0; bothOrders; i++) {
    const kind = i % 2 === 0 ? "429" : "timeout";
    const r = await interleave(seed, { ...x, timeoutMs: TIMEOUT_MS }, y, i, 1000, { kind });
    if (!r.aPaused) break;
  }
  summary.push(`${label}: ${checked - before}`);
}

afterAll(() => {
  // One line for the whole file (console output from tests is noisy).
  process.stdout.write(`\nrotation interleavings checked: ${checked} (${summary.join("; ")})\n`);
});

const scheduled: Spec = { name: "scheduled", services: [SERVICE], runId: "100" };
const manual: Spec = { name: "manual", services: [SERVICE] };
// The deploy runs --all --bootstrap-only; the other services' secrets are other locks, so one service is enough here.
const bootstrapOnly: Spec = { name: "bootstrap-only", services: [SERVICE], bootstrapOnly: true, admin: true };

test("two rotators of one secret, interleaved at every step boundary (both orders, plus a 429 or a timeout at each position)", async () => {
  await allInterleavings("two rotators", (sm) => {
    seedCurrent(sm, "rotation");
    seedCurrent(sm, SERVICE);
  }, scheduled, manual);
}, 120_000);

test("a rotator and a --bootstrap-only run on an empty secret, interleaved at every step boundary", async () => {
  await allInterleavings("rotator vs --bootstrap-only", (sm) => seedCurrent(sm, "rotation"), scheduled, bootstrapOnly);
}, 120_000);

test("an operator's --break-lock run against a live holder, at every pair of step boundaries: the fences keep AWSCURRENT alive", async () => {
  const breaker: Spec = { name: "breaker", services: [SERVICE], breakLock: true };
  await allInterleavings("--break-lock vs a live holder", (sm) => {
    seedCurrent(sm, "rotation");
    seedCurrent(sm, SERVICE);
  }, scheduled, breaker, false);
}, 120_000);

/**
 * A rogue reset of client b (a rotator outside this job, or a late reset) at each boundary of one rotation that
 * makes b active. Allowed: AWSCURRENT dead only between the move and the rollback (the finishSecret and
 * verifySecret boundaries), when the rogue struck after the
 * pre-promotion test; and at the end when it struck after verifySecret (nothing can notice that in this run).
 * Removing the login test before the move, or the rollback after it, makes this sweep fail.
 */
test("a rogue reset of the client being rotated, at each step boundary: nothing rejected is promoted, and a secret that dies right after the move is rolled back", async () => {
  const before = checked;
  const lateOnes = new Set(["verifySecret", "removePending", "unlock"]);
  const deadWindow = new Set(["testSecret", "finishSecret"]);
  for (let i = 0; ; i++) {
    const sm = freshWorld((s) => {
      seedCurrent(s, "rotation");
      seedCurrent(s, SERVICE);
    });
    const secretId = targets[SERVICE].secretId;
    const [a, b] = targets[SERVICE].clientIds;
    const aSecret = seedSecret(a);
    const accepts = () => {
      const v = sm.valueAt(secretId, AWSCURRENT) as Partial<Credential> | undefined;
      return v?.clientId !== undefined && server.state.oauthClients.get(v.clientId)?.secret === v.clientSecret;
    };
    let count = 0;
    let rogueAt: string | undefined;
    const violations: string[] = [];
    const [result] = await rotate(sm, scheduled, async (point, service) => {
      if (service !== SERVICE) return;
      if (count++ === i) {
        rogueAt = point;
        server.state.oauthClients.get(b)!.secret = `rogue-${i}-0123456789abcdef`;
      }
      if (!accepts() && !(rogueAt && lateOnes.has(rogueAt)) && !((point === "finishSecret" || point === "verifySecret") && rogueAt && deadWindow.has(rogueAt))) violations.push(`rogue at ${rogueAt}, ${point}: AWSCURRENT does not log in`);
      if (server.state.oauthClients.get(a)?.secret !== aSecret) violations.push(`${point}: client a was reset`);
    });
    if (!rogueAt) break; // the run ended before boundary i
    if (!lateOnes.has(rogueAt) && !accepts()) violations.push(`rogue at ${rogueAt}: AWSCURRENT does not log in at the end (${result.status}: ${result.message})`);
    if (!lateOnes.has(rogueAt) && rogueAt !== "start" && rogueAt !== "lock" && rogueAt !== "inspect") expect(result.status).toBe("failed");
    expect(violations).toEqual([]);
    checked += 1;
  }
  summary.push(`a rogue reset at each boundary: ${checked - before}`);
  expect(checked - before).toBeGreaterThanOrEqual(9);
}, 60_000);

test("a rotator session that never logged in logs in before the fence of the reset, not lazily after it (review F2)", async () => {
  const sm = freshWorld((s) => {
    seedCurrent(s, "rotation");
    seedCurrent(s, SERVICE);
  });
  const loginsAtDescribe: number[] = [];
  // A spy, not a fault: `when` sees every DescribeSecret and never matches.
  sm.failNext("DescribeSecret", () => {
    loginsAtDescribe.push(server.countRequests({ method: "POST", path: "/oauth/token" }));
    return false;
  });
  const [result] = await rotate(sm, manual, async () => undefined);
  expect(result.status).toBe("rotated");
  // lock, inspect, the fence before the reset: the rotator's login came before the fence.
  expect(loginsAtDescribe.slice(0, 3)).toEqual([0, 0, 1]);
});
