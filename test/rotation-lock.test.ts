import { AWSCURRENT, LockMarkerValueError, SecretStore, readCurrentCredential } from "../scripts/lib/aws/secret-store";
import { Redactor } from "../scripts/lib/redact";
import { LOCK_CLAIM, LockHeldError, LockLostError, ROTATION_LOCK, RotationLock } from "../scripts/lib/rotation/lock";
import { SecretsManagerFake } from "./support/secrets-manager-fake";

const ARN = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:genesys/dev/smoke-tests-AbCdEf";
const NOW = new Date("2026-02-01T03:00:00.000Z");
const HOUR = 3600_000;

function setup(): { sm: SecretsManagerFake; store: SecretStore; lock: (owner: string, now?: () => Date) => RotationLock } {
  const sm = new SecretsManagerFake();
  sm.now = () => NOW;
  sm.createSecret("genesys/dev/smoke-tests", ARN);
  const store = new SecretStore(sm.client, new Redactor());
  const lock = (owner: string, now: () => Date = () => NOW) =>
    new RotationLock({ store, secretId: ARN, service: "smoke-tests", owner, runId: owner, now, leaseMs: HOUR, breakCommand: "npm run rotate -- --env dev --service smoke-tests --break-lock" });
  return { sm, store, lock };
}

describe("rotation lock (Secrets Manager labels, compare-and-swap)", () => {
  test("two runs racing through the same steps: AWS lets exactly one win, the other is told who", async () => {
    const { sm, lock } = setup();
    const [a, b] = [lock("run-a"), lock("run-b")];
    const outcomes = await Promise.allSettled([a.acquire(false), b.acquire(false)]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(["fulfilled", "rejected"]);
    const loser = outcomes.find((o) => o.status === "rejected") as PromiseRejectedResult;
    expect(loser.reason).toBeInstanceOf(LockHeldError);
    expect(String(loser.reason.message)).toMatch(/another run took the rotation lock of this secret a moment before this one: run-a \(run run-a\)/);
    const holder = Object.entries(sm.stages(ARN)).find(([, l]) => l.includes(ROTATION_LOCK))?.[0];
    expect(holder).toBe(a.versionId);
    // Without the compare-and-swap both would have "won": the CAS is what arbitrates (the fake can fail).
    const broken = setup();
    broken.sm.casBroken = true;
    const both = await Promise.allSettled([broken.lock("run-a").acquire(false), broken.lock("run-b").acquire(false)]);
    expect(both.map((o) => o.status)).toEqual(["fulfilled", "fulfilled"]);
  });

  test("a held lease names its holder; it is taken over once expired, or broken on request; the loser cannot release", async () => {
    const { lock } = setup();
    const a = lock("run-a");
    await a.acquire(false);
    await expect(lock("run-b").acquire(false)).rejects.toThrow(/held by run-a \(run run-a\), taken 2026-02-01T03:00:00.000Z, lease until 2026-02-01T04:00:00.000Z.*--break-lock/);
    expect(await lock("run-c", () => new Date(NOW.getTime() + HOUR + 1)).acquire(false)).toMatch(/^took over the expired lock of run-a/);
    await expect(a.release()).rejects.toThrow(LockLostError);
    expect(await lock("run-d").acquire(true)).toMatch(/^BROKE the lock \(--break-lock\) of run-c/);
    // A CI re-run (same run id) after a cancelled attempt takes its own run's lock.
    expect(await lock("run-d").acquire(false)).toMatch(/^took over the lock of an earlier attempt of this run of run-d/);
  });

  test("release frees it; marker versions do not pile up: at most one stays labelled, AWS removes the rest after 24 h", async () => {
    const { sm, lock } = setup();
    let clock = NOW.getTime();
    sm.now = () => new Date(clock);
    for (let k = 0; k < 40; k++) {
      const l = lock(`run-${k}`, () => new Date(clock));
      await l.acquire(false);
      await l.release();
      clock += HOUR;
    }
    const labelled = Object.values(sm.stages(ARN)).flat();
    expect(labelled.filter((l) => l === ROTATION_LOCK)).toEqual([]);
    expect(labelled.filter((l) => l === LOCK_CLAIM)).toHaveLength(1);
    // 40 markers (the first is AWSCURRENT: AWS makes a secret's first version current). Past 100, old unlabelled ones go.
    expect(sm.versionCount(ARN)).toBe(40);
    for (let k = 0; k < 80; k++) {
      const l = lock(`more-${k}`, () => new Date(clock));
      await l.acquire(false);
      await l.release();
      clock += HOUR;
    }
    expect(sm.versionCount(ARN)).toBeLessThanOrEqual(101);
  });

  test("a marker is never read as a credential (the first marker of an empty secret is AWSCURRENT)", async () => {
    const { sm, lock } = setup();
    await lock("run-a").acquire(false);
    expect(Object.values(sm.stages(ARN)).flat()).toContain(AWSCURRENT);
    const read = readCurrentCredential(sm.client, ARN);
    await expect(read).rejects.toBeInstanceOf(LockMarkerValueError);
    await expect(readCurrentCredential(sm.client, ARN)).rejects.toThrow(/is a rotation lock marker, not a credential: the secret has never held a credential/);
  });

  test("at the version quota, PutSecretValue fails with a message that says what to do", async () => {
    const { sm, lock } = setup();
    sm.versionQuota = 3;
    for (let k = 0; k < 3; k++) {
      const l = lock(`run-${k}`);
      await l.acquire(true);
      await l.release();
    }
    await expect(lock("run-x").acquire(false)).rejects.toThrow(/maximum number of versions.*wait a day, then re-run\. It has 3 versions, 3 of them created in the last 24 hours/);
  });

  describe("a claim or release that AWS applied but whose answer was lost (the SDK retried it, the retry failed)", () => {
    const isLock = (i: Record<string, unknown>) => i.VersionStage === ROTATION_LOCK;
    const holder = (sm: SecretsManagerFake) => Object.entries(sm.stages(ARN)).find(([, l]) => l.includes(ROTATION_LOCK))?.[0];

    test("claim: the retry's InvalidParameterException (after taking over an expired lease) or a last 5xx is not a lost race: the lock is this run's", async () => {
      const { sm, lock } = setup();
      await lock("old").acquire(false);
      const later = () => new Date(NOW.getTime() + HOUR + 1);
      sm.loseAnswerNext("UpdateSecretVersionStage", (i) => isLock(i) && !!i.MoveToVersionId);
      const a = lock("run-a", later);
      expect(await a.acquire(false)).toMatch(/^took over the expired lock of old/);
      expect(sm.calls.filter((c) => c.command === "UpdateSecretVersionStage").map((c) => c.ok)).toEqual([true, false, false]); // first claim; applied+lost; retry refused
      expect(holder(sm)).toBe(a.versionId);
      await a.release();
      expect(holder(sm)).toBeUndefined();
      // Free lock, applied, then the SDK gave up with a 5xx.
      sm.failNext("UpdateSecretVersionStage", (i) => isLock(i) && !!i.MoveToVersionId, undefined, true);
      const b = lock("run-b", later);
      await b.acquire(false);
      expect(holder(sm)).toBe(b.versionId);
      await expect(lock("run-c", later).acquire(false)).rejects.toThrow(/held by run-b/);
    });

    test("claim: a 5xx that was NOT applied still fails (nothing is assumed), and the lock stays free", async () => {
      const { sm, lock } = setup();
      sm.failNext("UpdateSecretVersionStage", (i) => isLock(i) && !!i.MoveToVersionId);
      await expect(lock("run-a").acquire(false)).rejects.toThrow(/Injected failure of UpdateSecretVersionStage/);
      expect(holder(sm)).toBeUndefined();
    });

    test("release: applied with the answer lost (retry refused, or a last 5xx) counts as released; a real failure or a broken lock does not", async () => {
      const { sm, lock } = setup();
      const a = lock("run-a");
      await a.acquire(false);
      sm.loseAnswerNext("UpdateSecretVersionStage", (i) => isLock(i) && !i.MoveToVersionId);
      await expect(a.release()).resolves.toBeUndefined();
      expect(holder(sm)).toBeUndefined();
      const b = lock("run-b");
      expect(await b.acquire(false)).toBeUndefined(); // free: nothing to take over
      sm.failNext("UpdateSecretVersionStage", (i) => isLock(i) && !i.MoveToVersionId, undefined, true);
      await expect(b.release()).resolves.toBeUndefined();
      const c = lock("run-c");
      await c.acquire(false);
      sm.failNext("UpdateSecretVersionStage", (i) => isLock(i) && !i.MoveToVersionId); // not applied
      await expect(c.release()).rejects.toThrow(/Injected failure/);
      expect(holder(sm)).toBe(c.versionId);
      // Broken, and the breaker already released: ROTATION_LOCK on no version, but LOCK_CLAIM moved on: lost, loudly.
      const breaker = lock("run-d");
      await breaker.acquire(true);
      await breaker.release();
      await expect(c.release()).rejects.toThrow(LockLostError);
    });
  });

  test("the fence before the reset renews a lease too short for the reset's worst case, with the CAS; a lock taken meanwhile is not renewed", async () => {
    const { sm, lock } = setup();
    let clock = NOW.getTime();
    const a = lock("run-a", () => new Date(clock));
    await a.acquire(false);
    expect(await a.ensureHeldFor(HOUR / 2, "resetting client b")).toBeUndefined(); // a full hour left: no extra call
    const before = a.versionId;
    clock += HOUR - 60_000; // one minute left
    expect(await a.ensureHeldFor(HOUR / 2, "resetting client b")).toMatch(/^renewed the rotation lock before resetting client b \(60 s left, the worst case needs 1800 s\): lease until 2026-02-01T04:59:00.000Z/);
    expect(a.versionId).not.toBe(before);
    await expect(lock("run-b", () => new Date(clock + 60_000)).acquire(false)).rejects.toThrow(/held by run-a .*note: renewed before resetting client b/);
    // Broken between the fence's DescribeSecret and the renewal: the CAS refuses, nothing is released later.
    clock += HOUR - 60_000;
    let broke = false;
    sm.failNext("PutSecretValue", (input) => {
      // A spy on a's renewal marker (the breaker's own marker passes through too): the breaker acts first, once.
      if (!broke && String(input.SecretString).includes("run-a")) {
        broke = true;
        sm.seedVersion(ARN, "breaker-marker-000000000000000000000", { rotationLock: { owner: "breaker", runId: "breaker", service: "smoke-tests", acquiredAt: NOW.toISOString(), expiresAt: new Date(clock + HOUR).toISOString() } }, [LOCK_CLAIM, ROTATION_LOCK]);
      }
      return false;
    });
    await expect(a.ensureHeldFor(HOUR / 2, "resetting client b")).rejects.toThrow(LockLostError);
    expect(a.versionId).toBeUndefined();
  });
});
