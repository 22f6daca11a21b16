// Must be first: the Genesys SDK reads ~/.genesyscloudjavascript/config when it loads.
import "./support/isolated-home";

import { InvalidParameterException, UpdateSecretVersionStageCommand } from "@aws-sdk/client-secrets-manager";
import { AWSCURRENT, AWSPENDING, AWSPREVIOUS } from "../scripts/lib/aws/secret-store";
import { ServiceResult } from "../scripts/lib/rotation/rotation";
import { DAY, NOW, RotationWorld, WorldRun } from "./support/rotation-world";

const S = "smoke-tests";
const SECRET_POST = { method: "POST", path: "/api/v2/oauth/clients/:id/secret" };
const measured: string[] = [];
let w: RotationWorld;

beforeEach(async () => {
  w = new RotationWorld();
  w.seedCurrent("rotation", "a");
  w.seedCurrent(S, "a");
  await w.server.start();
});
afterEach(() => w.server.stop());
afterAll(() => process.stdout.write(`\nrotation costs: ${measured.join("; ")}\n`));

function result(r: WorldRun, service = S): ServiceResult {
  const found = r.report?.services.find((s) => s.service === service);
  if (!found) throw new Error(`no result for ${service}: ${r.stdout}${r.stderr}`);
  return found;
}

const at = (days: number, minutes = 0) => new Date(NOW.getTime() + days * DAY + minutes * 60_000);

describe("one normal rotation: what it costs", () => {
  test("3 Genesys requests + the rotator's login; the lock costs 6 Secrets Manager calls", async () => {
    const r = await w.run(["--service", S, "--json"]);
    expect(r.code).toBe(0);
    const service = result(r);
    expect(service.genesysRequests).toBe(3); // reset, login before the move, login after it
    expect(r.report?.genesysRequests).toEqual({ total: 4, authentication: 1 });
    const calls = w.sm.calls.filter((c) => c.input.SecretId === w.arn(S)).map((c) => `${c.command}${c.input.VersionStage ? `:${String(c.input.VersionStage)}` : ""}${c.input.VersionStages ? `:${String(c.input.VersionStages)}` : ""}`);
    expect(calls).toEqual([
      "DescribeSecret", // lock: who holds ROTATION_LOCK
      "PutSecretValue:LOCK_CLAIM", // lock: the marker
      "UpdateSecretVersionStage:ROTATION_LOCK", // lock: claim (compare-and-swap)
      "DescribeSecret", // inspect
      "GetSecretValue:AWSCURRENT", // inspect
      "DescribeSecret", // lock: fence before the reset
      "PutSecretValue:AWSPENDING",
      "DescribeSecret", // lock: fence before the move
      "UpdateSecretVersionStage:AWSCURRENT",
      "UpdateSecretVersionStage:AWSPENDING",
      "UpdateSecretVersionStage:ROTATION_LOCK", // lock: release (compare-and-swap)
    ]);
    expect(service.awsCalls).toBe(calls.length);
    // The lock's calls: its labels, and every DescribeSecret but the inspect's.
    const lock = calls.filter((c) => c.includes("LOCK")).length + calls.filter((c) => c === "DescribeSecret").length - 1;
    expect(lock).toBe(6);
    measured.push(
      `one service: Genesys ${service.genesysRequests} + rotator login ${r.report?.genesysRequests.authentication}; ` +
        `Secrets Manager ${service.awsCalls} calls for the service, of which the lock ${lock} (take 3, two fences 2, release 1)`,
    );
  });
});

describe("a reset that Genesys applies late", () => {
  test("the reset is sent once; the lock is kept until a late reset has landed; nothing dead is ever promoted", async () => {
    const [a, b] = w.ids(S);
    const aCredential = w.credential(S);
    w.server.inject({ ...SECRET_POST, hold: true });
    const first = await w.run(["--service", S, "--json"], { genesysTimeoutMs: 150 });
    expect(first.code).toBe(30);
    expect(w.server.countRequests(SECRET_POST)).toBe(1); // not retried blindly
    expect(result(first).message).toMatch(/reset of client b .* got no usable answer .*not applied so far, but Genesys may still apply it late\. It was not sent again/);
    // Until its lease ends (1 hour), at least RESET_SETTLE_MS (15 min) after the reset was sent.
    expect(result(first).recovery.join("\n")).toContain("This run keeps the rotation lock until 2026-02-01T04:00:00.000Z (the reset of client b");
    expect(w.credential(S)).toEqual(aCredential);

    const bBefore = w.server.secretOf(b);
    expect(await w.server.releaseHeld()).toBe(1); // Genesys processes the request now
    expect(w.server.secretOf(b)).not.toBe(bBefore);
    expect(w.accepts(w.credential(S))).toBe(true); // client a, untouched

    w.clock = at(0, 5);
    const early = await w.run(["--service", S, "--json"]);
    expect(early.code).toBe(20);
    expect(result(early).message).toMatch(/held by .* lease until 2026-02-01T04:00:00\.000Z; note: the reset of client b .* may still be applied late/);

    w.clock = at(0, 61);
    const later = await w.run(["--service", S, "--json"]);
    expect(later.code).toBe(0);
    expect(later.stderr).toContain("took over the expired lock");
    expect(w.credential(S)?.clientId).toBe(b);
    expect(w.accepts(w.credential(S))).toBe(true);
    expect(w.accepts(aCredential)).toBe(true);
    expect(a).not.toBe(b);
  });
});

describe("the minimum-age guard reads when a version became AWSCURRENT", () => {
  test("a rotation resumed a month late counts from its promotion: the next day's run skips and the previous client keeps working", async () => {
    const aCredential = w.credential(S);
    const crash = async (step: string) => {
      if (step === "testSecret") throw new Error("killed");
    };
    expect((await w.run(["--service", S], { afterStep: crash })).code).toBe(30);
    w.clock = at(30);
    const resumed = await w.run(["--service", S, "--json"]);
    expect(resumed.code).toBe(0);
    expect(result(resumed).status).toBe("resumed");
    expect(w.server.countRequests(SECRET_POST)).toBe(1);
    expect(w.sm.valueAt(w.arn(S), AWSCURRENT)).toMatchObject({ rotatedAt: NOW.toISOString(), currentSince: at(30).toISOString() });

    w.clock = at(31);
    const nextDay = await w.run(["--service", S, "--json"]);
    expect(nextDay.code).toBe(10);
    expect(result(nextDay).message).toContain(`rotated 1 days ago (AWSCURRENT since ${at(30).toISOString()})`);
    expect(w.accepts(aCredential)).toBe(true);
  });
});

describe("AWS's own rotation", () => {
  test("RotationEnabled stops the job for that service and leaves the Lambda's AWSPENDING alone", async () => {
    w.sm.setRotationEnabled(w.arn(S), true);
    w.sm.seedVersion(w.arn(S), `lambda-pending-${"0".repeat(24)}`, { some: "lambda value" }, [AWSPENDING]);
    const before = w.sm.stages(w.arn(S));
    const r = await w.run(["--all", "--json"]);
    expect(r.code).toBe(20);
    expect(result(r).message).toMatch(/has RotationEnabled: a Secrets Manager rotation Lambda also rotates it.*cancel-rotate-secret --secret-id arn:aws:secretsmanager:/);
    expect(result(r, "rotation").status).toBe("rotated");
    // Refused by the lock's first DescribeSecret: not even a lock marker is written (review F4).
    const calls = w.sm.calls.filter((c) => c.input.SecretId === w.arn(S)).map((c) => c.command);
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.every((c) => c === "DescribeSecret")).toBe(true); // no marker, no claim, no label move
    expect(result(r).message).toContain("not even a lock marker was written");
    expect(w.sm.stages(w.arn(S))).toEqual(before);
    expect(w.server.writeRequests().filter((q) => q.path.includes(w.ids(S)[1]))).toEqual([]);
  });

  test("RotationEnabled on a secret with no version yet: the job writes nothing, so no lock marker becomes its AWSCURRENT", async () => {
    const fresh = new RotationWorld();
    fresh.seedCurrent("rotation", "a");
    await fresh.server.start();
    try {
      fresh.sm.setRotationEnabled(fresh.arn(S), true);
      const r = await fresh.run(["--service", S, "--json"]);
      expect(r.code).toBe(20);
      expect(fresh.sm.versionCount(fresh.arn(S))).toBe(0);
      expect(fresh.sm.valueAt(fresh.arn(S), AWSCURRENT)).toBeUndefined();
      expect(fresh.sm.writeCalls().filter((c) => c.input.SecretId === fresh.arn(S))).toEqual([]);
    } finally {
      fresh.server.stop();
    }
  });
});

describe("transient Genesys errors while resuming", () => {
  test("503s while testing a good AWSPENDING keep it (no new reset); the next run promotes it", async () => {
    expect((await w.run(["--service", S], { afterStep: async (s) => void (s === "testSecret" && (() => { throw new Error("killed"); })()) })).code).toBe(30);
    const pending = w.sm.valueAt(w.arn(S), AWSPENDING);
    w.clock = at(0, 61);
    const r = await w.run(["--service", S, "--json"], {
      pause: async (point, service) => {
        if (service === S && point === "inspect") w.server.inject({ method: "POST", path: "/oauth/token", status: 503, times: 3 });
      },
    });
    expect(r.code).toBe(20);
    expect(result(r).message).toMatch(/could not be tested, Genesys did not answer .*HTTP 503.*It was kept/);
    expect(w.sm.valueAt(w.arn(S), AWSPENDING)).toEqual(pending);
    expect(w.server.countRequests(SECRET_POST)).toBe(1);
    const again = await w.run(["--service", S, "--json"]);
    expect(result(again).status).toBe("resumed");
    expect(w.server.countRequests(SECRET_POST)).toBe(1);
  });
});

describe("after the move", () => {
  test("a promoted secret that dies at once is rolled back to the previous version, loudly", async () => {
    const aCredential = w.credential(S);
    const [, b] = w.ids(S);
    const r = await w.run(["--service", S, "--json"], {
      pause: async (point, service) => {
        if (service === S && point === "finishSecret") w.server.state.oauthClients.get(b)!.secret = "reset-by-someone-else-0123456789";
      },
    });
    expect(r.code).toBe(30);
    expect(result(r).message).toMatch(/stopped working right after AWSCURRENT moved to it.*moved back to version seed-smoke-tests-a/);
    expect(w.credential(S)).toEqual(aCredential);
    expect(w.accepts(w.credential(S))).toBe(true);
    expect(r.audit.find((e) => e.step === "rollback")).toMatchObject({ result: "ok" });
    expect(r.stderr).toContain("FAILED: smoke-tests");
  });
});

describe("a reset that returns a secret Genesys does not accept (review F5)", () => {
  test("the new secret fails its login test: AWSCURRENT is never moved to it, and logs in at every step", async () => {
    const aCredential = w.credential(S);
    const [, b] = w.ids(S);
    w.server.inject({ ...SECRET_POST, status: 200, body: { id: b, name: "smoke-tests b", secret: "never-accepted-by-genesys-0123456789" } });
    const dead: string[] = [];
    const r = await w.run(["--service", S, "--json"], {
      pause: async (point) => void (!w.accepts(w.credential(S)) && dead.push(point)),
    });
    expect(r.code).toBe(30);
    expect(result(r).message).toMatch(/the new secret of client b .* failed its login test \(rejected/);
    expect(dead).toEqual([]);
    expect(w.sm.calls.filter((c) => c.command === "UpdateSecretVersionStage" && c.input.VersionStage === AWSCURRENT)).toEqual([]);
    expect(r.audit.map((e) => e.step)).not.toContain("finishSecret");
    expect(w.credential(S)).toEqual(aCredential);
    expect(w.sm.valueAt(w.arn(S), AWSPENDING)).toMatchObject({ clientId: b, clientSecret: "never-accepted-by-genesys-0123456789" });
    expect(result(r).recovery.join("\n")).toMatch(/it has NOT passed its login test[\s\S]*Do NOT move AWSCURRENT to version/);
  });
});

describe("a rollback whose check of the previous credential gets no answer (review F1)", () => {
  test("Genesys 503s on the previous credential's test: AWSCURRENT still goes back to it (never left on a rejected secret), the text says 'could not be checked', and the re-run repairs", async () => {
    const aCredential = w.credential(S);
    const [, b] = w.ids(S);
    const r = await w.run(["--service", S, "--json"], {
      pause: async (point, service) => {
        if (service !== S) return;
        if (point === "finishSecret") w.server.state.oauthClients.get(b)!.secret = "reset-by-someone-else-0123456789";
        if (point === "verifySecret") w.server.inject({ method: "POST", path: "/oauth/token", status: 503, times: 3 });
      },
    });
    expect(r.code).toBe(30);
    expect(w.credential(S)).toEqual(aCredential);
    expect(w.accepts(w.credential(S))).toBe(true);
    expect(result(r).message).toMatch(/moved back to version seed-smoke-tests-a\S* \(client a\), whose login could not be checked/);
    expect(result(r).message).not.toContain("does not work either");
    expect(r.audit.find((e) => e.step === "rollback")).toMatchObject({ result: "ok" });
    expect(result(r).recovery.join("\n")).toMatch(/AWSCURRENT is version seed-smoke-tests-a\S* .*which works/);
    // The re-run finds the rejected AWSPENDING, resets client b again and promotes a secret that logs in.
    const again = await w.run(["--service", S, "--json"]);
    expect(again.code).toBe(0);
    expect(w.credential(S)?.clientId).toBe(b);
    expect(w.accepts(w.credential(S))).toBe(true);
    expect(w.accepts(aCredential)).toBe(true);
  });

  test("AWSPENDING left on a rejected AWSCURRENT: the re-run logs in first, moves AWSCURRENT back to a working AWSPREVIOUS and fails loudly (never exit 0)", async () => {
    const aCredential = w.credential(S);
    const [, b] = w.ids(S);
    const crashed = await w.run(["--service", S], { afterStep: async (step) => void (step === "finishSecret" && (() => { throw new Error("killed"); })()) });
    expect(crashed.code).toBe(30);
    expect(w.credential(S)?.clientId).toBe(b);
    w.server.state.oauthClients.get(b)!.secret = "reset-by-hand-0123456789abcdef";
    w.clock = at(0, 61);
    const r = await w.run(["--service", S, "--json"]);
    expect(r.code).toBe(30);
    expect(result(r).status).toBe("failed");
    expect(result(r).message).toMatch(/left with AWSPENDING by an interrupted rotation, is REJECTED.*moved back to version seed-smoke-tests-a\S* \(client a\), which logs in/);
    expect(w.credential(S)).toEqual(aCredential);
    expect(w.accepts(w.credential(S))).toBe(true);
    expect(result(r).recovery.join("\n")).toMatch(/AWSPENDING version \S+ \(the rejected secret\) is still there/);
    const again = await w.run(["--service", S, "--json"]);
    expect(again.code).toBe(0);
    expect(w.accepts(w.credential(S))).toBe(true);
  });

  test("AWSPENDING left on a rejected AWSCURRENT and AWSPREVIOUS dead too: a loud failure whose hand commands lead to a working AWSCURRENT", async () => {
    const [a, b] = w.ids(S);
    expect((await w.run(["--service", S], { afterStep: async (step) => void (step === "finishSecret" && (() => { throw new Error("killed"); })()) })).code).toBe(30);
    w.server.state.oauthClients.get(b)!.secret = "reset-by-hand-0123456789abcdef";
    w.server.state.oauthClients.get(a)!.secret = "reset-by-hand-too-0123456789abcdef";
    w.clock = at(0, 61);
    const r = await w.run(["--service", S, "--json"]);
    expect(r.code).not.toBe(0);
    expect(result(r).message).toMatch(/is REJECTED.*and the previous credential \(version seed-smoke-tests-a\S*\) does not work either/);
    const text = result(r).recovery.join("\n");
    expect(text).toMatch(/AWSCURRENT is version \S+ \(client b, .*\), which does NOT work/);
    const hand = /update-secret-version-stage (--secret-id \S+ --version-stage AWSPENDING --remove-from-version-id \S+) && .* --min-age-days 0/.exec(text)?.[1] as string;
    expect(hand).toBeDefined();
    const arg = (name: string) => new RegExp(`--${name} (\\S+)`).exec(hand)?.[1] as string;
    await w.sm.client.send(new UpdateSecretVersionStageCommand({ SecretId: arg("secret-id"), VersionStage: arg("version-stage"), RemoveFromVersionId: arg("remove-from-version-id") }));
    const again = await w.run(["--service", S, "--json", "--min-age-days", "0"]);
    expect(again.code).toBe(0);
    expect(w.credential(S)?.clientId).toBe(a);
    expect(w.accepts(w.credential(S))).toBe(true);
  });
});

describe("recovery texts are true in the state they are printed in", () => {
  test("PutSecretValue answered an error but AWS stored it: not 'lost'; the version and its labels are named", async () => {
    w.sm.failNext("PutSecretValue", (i) => (i.VersionStages as string[]).includes(AWSPENDING), undefined, true);
    const r = await w.run(["--service", S, "--json"]);
    expect(r.code).toBe(30);
    const text = result(r).recovery.join("\n");
    expect(text).not.toMatch(/lost/);
    const pendingId = Object.entries(w.sm.stages(w.arn(S))).find(([, l]) => l.includes(AWSPENDING))?.[0] as string;
    expect(text).toContain(`is version ${pendingId} with label(s) AWSPENDING; it has NOT passed its login test`);
    expect(text).toContain("which works (logged in just now)");
    expect(w.accepts(w.credential(S))).toBe(true);
    expect(text).toContain(`Do NOT move AWSCURRENT to version ${pendingId} by hand`);
  });

  test("PutSecretValue failed for real: the new secret is named lost, and AWSCURRENT is checked, not assumed", async () => {
    w.sm.failNext("PutSecretValue", (i) => (i.VersionStages as string[]).includes(AWSPENDING));
    const r = await w.run(["--service", S, "--json"]);
    const text = result(r).recovery.join("\n");
    expect(text).toMatch(/was reset in Genesys, but the new value is NOT in the secret .*: it is lost/);
    expect(Object.values(w.sm.stages(w.arn(S))).flat()).not.toContain(AWSPENDING);
    expect(text).toMatch(/AWSCURRENT is version seed-smoke-tests-a\S* \(client a, .*\), which works \(logged in just now\)/);
  });

  test("when AWSCURRENT is dead the text says so, and offers AWSPREVIOUS only when it works", async () => {
    // An earlier rotation made b current and a previous; then someone reset b by hand; this run fails to store.
    expect((await w.run(["--service", S])).code).toBe(0);
    const [, b] = w.ids(S);
    w.server.state.oauthClients.get(b)!.secret = "reset-by-hand-0123456789abcdef";
    w.clock = at(31);
    w.sm.failNext("PutSecretValue", (i) => (i.VersionStages as string[]).includes(AWSPENDING));
    const r = await w.run(["--service", S, "--json"]);
    const text = result(r).recovery.join("\n");
    expect(text).toMatch(/AWSCURRENT is version \S+ \(client b, .*\), which does NOT work/);
    expect(w.accepts(w.credential(S))).toBe(false);
    // This run reset client a (the idle one): AWSPREVIOUS (old a) is dead too, so it is not offered.
    expect(w.accepts(w.previous(S))).toBe(false);
    expect(text).toMatch(/AWSPREVIOUS cannot restore service \(AWSPREVIOUS is version .*which does NOT work/);
    expect(text).not.toMatch(/move AWSCURRENT back/);
    expect(w.sm.valueAt(w.arn(S), AWSPREVIOUS)).toBeDefined();
  });
});

describe("recovery texts never offer a credential a late reset may kill", () => {
  test("AWSCURRENT dead, the reset of the AWSPREVIOUS client unanswered: AWSPREVIOUS is not offered (and the late reset does kill it)", async () => {
    expect((await w.run(["--service", S])).code).toBe(0); // b current, a previous (works)
    const [a, b] = w.ids(S);
    w.server.state.oauthClients.get(b)!.secret = "reset-by-hand-0123456789abcdef";
    w.clock = at(31);
    w.server.inject({ ...SECRET_POST, hold: true });
    const r = await w.run(["--service", S, "--json"], { genesysTimeoutMs: 150 });
    const text = result(r).recovery.join("\n");
    expect(text).toMatch(/AWSCURRENT is version \S+ \(client b, .*\), which does NOT work/);
    expect(w.accepts(w.previous(S))).toBe(true); // works now ...
    expect(text).toContain(`AWSPREVIOUS is not offered: it is client a (${a}), whose reset may still be applied late`);
    expect(text).not.toMatch(/move AWSCURRENT back/);
    await w.server.releaseHeld();
    expect(w.accepts(w.previous(S))).toBe(false); // ... and not after the late reset
  });
});

describe("the printed hand commands work on the state they were printed in", () => {
  test("a run killed after testing: 'finish by hand' moves AWSCURRENT to the tested secret; both clients log in", async () => {
    const aCredential = w.credential(S);
    const r = await w.run(["--service", S, "--json"], { afterStep: async (step) => void (step === "testSecret" && (() => { throw new Error("killed"); })()) });
    expect(r.code).toBe(30);
    const line = result(r).recovery.find((t) => t.startsWith("Or finish by hand: ")) as string;
    expect(line).toBeDefined();
    for (const command of line.replace("Or finish by hand: ", "").split(" && ")) {
      const arg = (name: string) => new RegExp(`--${name} (\\S+)`).exec(command)?.[1];
      const input = {
        SecretId: arg("secret-id") as string,
        VersionStage: arg("version-stage") as string,
        MoveToVersionId: arg("move-to-version-id") as string | undefined,
        RemoveFromVersionId: arg("remove-from-version-id") as string | undefined,
      };
      expect(command.startsWith("aws secretsmanager update-secret-version-stage ")).toBe(true);
      await w.sm.client.send(new UpdateSecretVersionStageCommand(input));
    }
    expect(w.credential(S)?.clientId).toBe(w.ids(S)[1]);
    expect(w.accepts(w.credential(S))).toBe(true);
    expect(w.accepts(aCredential)).toBe(true);
    expect(Object.values(w.sm.stages(w.arn(S))).flat()).not.toContain(AWSPENDING);
  });
});

describe("the lock, seen from the CLI", () => {
  test("a second run is told who holds the lock; --break-lock takes it, and the first run then fails loudly without touching anything", async () => {
    let second: WorldRun | undefined;
    const first = await w.run(["--service", S, "--json"], {
      owner: "alice@laptop pid 1",
      pause: async (point, service) => {
        if (service !== S || point !== "lock") return;
        const blocked = await w.run(["--service", S, "--json"], { owner: "bob@ci pid 2" });
        expect(blocked.code).toBe(20);
        expect(result(blocked).message).toContain("held by alice@laptop pid 1 (run local), taken 2026-02-01T03:00:00.000Z, lease until 2026-02-01T04:00:00.000Z");
        expect(result(blocked).message).toContain(`--service ${S} --break-lock`);
        second = await w.run(["--service", S, "--json", "--break-lock", "--min-age-days", "0"], { owner: "bob@ci pid 2" });
      },
    });
    expect(second?.code).toBe(0);
    expect(second?.stderr).toContain("BROKE the lock (--break-lock) of alice@laptop pid 1");
    expect(first.code).toBe(20);
    expect(result(first).message).toContain("no longer holds the rotation lock");
    expect(w.server.countRequests(SECRET_POST)).toBe(1);
    expect(w.accepts(w.credential(S))).toBe(true);
  });
});

describe("lock calls AWS applied but whose answer was lost (review F3)", () => {
  const lockMove = (claim: boolean) => (i: Record<string, unknown>) => i.VersionStage === "ROTATION_LOCK" && !!i.MoveToVersionId === claim && i.SecretId === w.arn(S);
  test("the claim applied, then a 5xx: the run goes on with its lock; the release's retry refused: reported as released; both runs rotate", async () => {
    w.sm.failNext("UpdateSecretVersionStage", lockMove(true), undefined, true);
    w.sm.loseAnswerNext("UpdateSecretVersionStage", lockMove(false));
    const first = await w.run(["--service", S, "--json"], { owner: "alice@laptop pid 1" });
    expect(first.code).toBe(0);
    expect(result(first).status).toBe("rotated");
    expect(result(first).message).not.toContain("another run");
    expect(Object.values(w.sm.stages(w.arn(S))).flat()).not.toContain("ROTATION_LOCK");
    expect(w.accepts(w.credential(S))).toBe(true);
    // The lock is free: a run the next month is not locked out by an orphaned marker, and takes over nothing.
    w.clock = at(31);
    w.sm.failNext("UpdateSecretVersionStage", lockMove(true), new InvalidParameterException({ message: "The staging label ROTATION_LOCK is not attached to version X.", $metadata: { httpStatusCode: 400 } }), true);
    const again = await w.run(["--service", S, "--json"], { owner: "alice@laptop pid 1" });
    expect(again.code).toBe(0);
    expect(again.stderr).not.toContain("took over");
    expect(w.accepts(w.credential(S))).toBe(true);
  });
});

describe("a reset near the end of the lease (review F2)", () => {
  test("the fence renews a lease too short for the reset's worst case: a run that comes during the 429 wait is locked out, nothing promoted dies", async () => {
    let second: WorldRun | undefined;
    const first = await w.run(["--service", S, "--json"], {
      owner: "alice@laptop pid 1",
      pause: async (point, service) => {
        if (service === S && point === "inspect") {
          w.clock = at(0, 59.5); // slow earlier steps: half a minute of lease left at the fence
          w.server.inject({ ...SECRET_POST, status: 429, retryAfterSeconds: 120 });
        }
      },
      sleep: async (ms: number) => {
        w.clock = new Date(w.clock.getTime() + ms); // the 429's Retry-After passes beyond the first lease's end
        if (!second) second = await w.run(["--service", S, "--json"], { owner: "bob@ci pid 2" });
      },
    });
    expect(second?.code).toBe(20);
    expect(result(second as WorldRun).message).toMatch(/held by alice@laptop pid 1 .*lease until 2026-02-01T04:59:30\.000Z; note: renewed before resetting client b/);
    expect(w.server.countRequests(SECRET_POST)).toBe(2); // alice's 429 and her retry; bob never resets
    expect(first.code).toBe(0);
    expect(w.credential(S)?.clientId).toBe(w.ids(S)[1]);
    expect(w.accepts(w.credential(S))).toBe(true);
    expect(first.stderr).toMatch(/renewed the rotation lock before resetting client b \(\S+\) \(30 s left, the worst case needs \d+ s\): lease until 2026-02-01T04:59:30\.000Z/);
  });
});

describe("the reset's 429 retries end before the lease does (review F2)", () => {
  test("a 429 storm after a renewed fence: the last attempt is sent at least the settle time before the lease ends, and the lock is kept past it", async () => {
    const attempts: number[] = [];
    const first = await w.run(["--service", S, "--json"], {
      genesysRetry: { maxAttempts: 20 },
      pause: async (point, service) => {
        if (service === S && point === "inspect") {
          w.clock = at(0, 59.5);
          w.server.inject({ ...SECRET_POST, status: 429, retryAfterSeconds: 600, times: 20 });
        }
        if (service === S && point === "inspect") attempts.push(w.clock.getTime());
      },
      sleep: async (ms: number) => {
        w.clock = new Date(w.clock.getTime() + ms);
        attempts.push(w.clock.getTime());
      },
    });
    expect(first.code).toBe(30);
    const leaseEnd = Date.parse("2026-02-01T04:59:30.000Z"); // renewed at the fence: 03:59:30 + 1 h
    const last = Math.max(...attempts);
    expect(w.server.countRequests(SECRET_POST)).toBe(attempts.length); // one attempt before each wait, one after the last
    expect(last + 15 * 60_000).toBeLessThanOrEqual(leaseEnd);
    const kept = /keeps the rotation lock until (\S+) /.exec(result(first).recovery.join("\n"))?.[1] as string;
    expect(Date.parse(kept)).toBeGreaterThanOrEqual(last + 15 * 60_000);
  });
});

describe("a lock broken while its holder is alive", () => {
  test("the holder stops at the fence before its reset: only the breaker resets, AWSCURRENT logs in throughout", async () => {
    let paused: (() => void) | undefined;
    const dead: string[] = [];
    const watch = () => {
      if (!w.accepts(w.credential(S))) dead.push("AWSCURRENT does not log in");
    };
    const firstRun = w.run(["--service", S, "--json"], {
      owner: "alice@laptop pid 1",
      pause: async (point, service) => {
        watch();
        if (service === S && point === "inspect") await new Promise<void>((resolve) => (paused = resolve));
      },
    });
    while (!paused) await new Promise((r) => setTimeout(r, 5));
    // Bob breaks the lock and gets as far as inspecting (AWSCURRENT = a) ...
    let bobPaused: (() => void) | undefined;
    const secondRun = w.run(["--service", S, "--json", "--break-lock"], {
      owner: "bob@ci pid 2",
      pause: async (point, service) => {
        watch();
        if (service === S && point === "inspect") await new Promise<void>((resolve) => (bobPaused = resolve));
      },
    });
    while (!bobPaused) await new Promise((r) => setTimeout(r, 5));
    // ... then Alice goes on: her fence stops her before the reset, so Bob's later reset kills nothing current.
    paused();
    const first = await firstRun;
    bobPaused();
    const second = await secondRun;
    expect(first.code).toBe(20);
    expect(result(first).message).toContain("no longer holds the rotation lock (broken or expired), so it stopped before resetting client b");
    expect(second.code).toBe(0);
    expect(w.server.countRequests(SECRET_POST)).toBe(1);
    expect(dead).toEqual([]);
    expect(w.accepts(w.credential(S))).toBe(true);
  });
});

describe("what is printed", () => {
  test("a hand-written value with clientId and clientSecret swapped: no secret in any output, raw, base64 or Basic", async () => {
    const [a] = w.ids(S);
    const secret = w.server.secretOf(a);
    w.sm.seedVersion(w.arn(S), `hand-written-${"0".repeat(24)}`, { clientId: secret, clientSecret: a, region: "us-east-1", rotatedAt: "2026-01-01T00:00:00.000Z", client: "a", environment: "dev", service: S }, [AWSCURRENT]);
    const runs = [await w.run(["--service", S, "--json"]), await w.run(["--service", S]), await w.run(["--service", S, "--dry-run"])];
    expect(runs.map((r) => r.code)).toEqual([20, 20, 20]);
    expect(result(runs[0]).message).toMatch(/names OAuth client \[REDACTED\], which is not one of the service's clients/);
    const everything = w.transcript.join("\n");
    const forms = [secret, Buffer.from(secret).toString("base64"), Buffer.from(`${a}:${secret}`).toString("base64"), Buffer.from(`${secret}:${a}`).toString("base64")];
    for (const form of forms) expect(everything).not.toContain(form);
    expect(everything).toContain(a); // the id stays readable
  });

  test("ARNs are printed intact, so errors name the secret and the printed commands can be pasted", async () => {
    w.sm.failNext("UpdateSecretVersionStage", (i) => i.VersionStage === AWSPENDING);
    const r = await w.run(["--service", S]);
    expect(r.code).toBe(30);
    const arn = w.arn(S);
    expect(arn).toMatch(/^arn:aws:secretsmanager:.*:secret:genesys\/dev\/smoke-tests-/);
    expect(r.stderr).toContain(`--secret-id ${arn} --version-stage AWSPENDING --remove-from-version-id`);
    expect(r.stderr).toContain(`on ${arn} failed`);
    expect(w.transcript.join("\n")).not.toMatch(/:secret:\[REDACTED\]/);
  });
});
