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
