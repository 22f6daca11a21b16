import "./support/isolated-home";
import { main } from "../scripts/smoke";
import type { SmokeReport, SmokeResult } from "../scripts/lib/smoke/types";
import { SmokeWorld, SQS_CANARY_TARGET } from "./support/smoke-world";

/**
 * The canary's pollers (CloudWatch Logs and SQS) accept only the trigger's own event: events of an earlier run
 * waiting at the target must not make a run pass when Genesys publishes nothing.
 */

let world: SmokeWorld | undefined;

afterEach(async () => {
  await world?.stop();
  world = undefined;
});

async function start(options: { canaryTarget?: "sqs" } = {}): Promise<SmokeWorld> {
  world = await SmokeWorld.start("dev", options);
  world.deliveryDelayMs = 20;
  return world;
}

async function run(w: SmokeWorld, args: string[]) {
  const deps = w.deps();
  const code = await main(["--env", "dev", "--outputs", w.outputsFile, "--json", "r.json", ...args], deps);
  const report = JSON.parse(deps.files.get("r.json") ?? "null") as SmokeReport;
  return { code, result: (id: string) => report.results.find((r) => r.id === id) as SmokeResult };
}

it("logs: an earlier run's events in the log group do not make a new run pass", async () => {
  const w = await start();
  const first = await run(w, ["--only", "canary", "--canary", "--timeout", "3"]);
  expect(first.result("canary.end-to-end").status).toBe("pass");
  await new Promise((r) => setTimeout(r, 150)); // run 1's restore event delivered too
  expect(w.aws.logGroups.get(w.outputs.rules["audit-log"].targets.audit.log_group_name!)!.length).toBe(2);
  w.genesys.smoke.publish = () => undefined; // Genesys publishes nothing any more
  const second = await run(w, ["--only", "canary", "--canary", "--timeout", "0.8"]);
  expect(second.result("canary.end-to-end")).toMatchObject({ status: "fail", reason: expect.stringMatching(/did not reach log group/) });
});

it("sqs: the canary passes through an SQS target and deletes only its own message", async () => {
  const w = await start({ canaryTarget: "sqs" });
  const queueUrl = w.outputs.rules["audit-log"].targets[SQS_CANARY_TARGET].queue_url!;
  const other = { id: "other", body: JSON.stringify({ detail: { topicName: "v2.users.x.presence", eventBody: {} } }), sentAt: Date.now(), receipt: "r-other" };
  w.aws.queues.get(queueUrl)!.messages.push(other);
  const { code, result } = await run(w, ["--only", "canary", "--canary", "--timeout", "3"]);
  expect(result("canary.end-to-end")).toMatchObject({ status: "pass", reason: expect.stringContaining(`arrived in queue genesys-dev-audit-log-${SQS_CANARY_TARGET}`) });
  expect(code).toBe(0);
  await new Promise((r) => setTimeout(r, 150)); // the restore's event arrives too
  // The other consumer's message and the restore's event stay; the canary's own change was deleted.
  const left = w.aws.queues.get(queueUrl)!.messages;
  expect(left.map((m) => m.id)).toContain("other");
  expect(left).toHaveLength(2);
});

it("sqs: an earlier run's events in the queue do not make a new run pass", async () => {
  const w = await start({ canaryTarget: "sqs" });
  const queueUrl = w.outputs.rules["audit-log"].targets[SQS_CANARY_TARGET].queue_url!;
  const first = await run(w, ["--only", "canary", "--canary", "--timeout", "3"]);
  expect(first.result("canary.end-to-end").status).toBe("pass");
  await new Promise((r) => setTimeout(r, 150));
  expect(w.aws.queues.get(queueUrl)!.messages).toHaveLength(1); // run 1's restore event
  w.genesys.smoke.publish = () => undefined;
  const second = await run(w, ["--only", "canary", "--canary", "--timeout", "0.8"]);
  expect(second.result("canary.end-to-end")).toMatchObject({ status: "fail", reason: expect.stringMatching(/did not reach queue/) });
});
