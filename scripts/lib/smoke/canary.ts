/**
 * The end-to-end canary: provoke one real Genesys event with least privilege and watch it arrive at the
 * configured canary target.
 *
 * 1. The trigger (./canary-trigger.ts) makes one change to an object the stack created for it, in the canary
 *    division (default: the description of the canary wrap-up code, audited by Genesys).
 * 2. The target is polled until the event arrives or the run's deadline (minus a reserve for step 3) passes:
 *    CloudWatch Logs `FilterLogEvents` with a JSON filter on `detail.topicName` (the concrete topic, present in
 *    every Genesys envelope), or SQS `ReceiveMessage` with a visibility timeout of 0. Each candidate is parsed and
 *    accepted only when the trigger recognises it by entity, action and time window (token only when present).
 * 3. The change is ALWAYS undone (finally), also after a failure or timeout.
 *
 * The canary depends on the route checks (token, integration, topics, partner source, bus, canary rule and
 * target): when one of them failed, the runner reports the canary as blocked by it at once, without waiting.
 */
import { randomBytes } from "node:crypto";
import { CloudWatchLogsClient, FilterLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { CANARY_TRIGGER_TOPICS } from "../../../environments/schema";
import { SmokeContext, SmokeSession, SMOKE_SERVICE } from "./context";
import { CANARY_TOKEN_PREFIX, CanaryTrigger, CLOCK_SKEW_MS, FiredCanary, UserPresenceTrigger, WrapupCodeTrigger } from "./canary-trigger";
import { CANARY_GRANT_CASE_ID, tokenCaseId, TOPICS_CASE_ID } from "./checks-genesys";
import { CaseContext, CaseOutcome, CheckFailed, CheckSkipped, SmokeCase } from "./types";

export const CANARY_CASE_ID = "canary.end-to-end";

export interface CanaryClients {
  readonly logs: CloudWatchLogsClient;
  readonly sqs: SQSClient;
}

export interface CanaryOptions {
  /** --canary given. */
  readonly enabled: boolean;
  /** Wait between polls of the target. @default 2000 */
  readonly pollIntervalMs?: number;
  /** Time kept before the deadline for the restore. @default 5000 (at most a fifth of the run) */
  readonly restoreReserveMs?: number;
  /** Makes the unique token (tests). */
  readonly makeToken?: (environment: string, now: number) => string;
  /**
   * The run's --timeout (ms): the longest delay this run accepts for its own event, so also how long an earlier
   * change's event may still be in flight (plus the clock skew). @default the time left until the deadline
   */
  readonly timeoutMs?: number;
}

/** Where the canary event is looked for. */
type Watcher = { readonly kind: "cloudwatch-logs"; readonly logGroupName: string } | { readonly kind: "sqs"; readonly queueUrl: string };

/** When and where an event of the canary's object, action and window was seen. */
interface Arrival {
  /** When the target received it (log ingestion time / SQS SentTimestamp), ms since epoch, if known. */
  readonly receivedAt?: number;
  readonly where: string;
  /** It carries this run's value (`CanaryTrigger.carriesValue`): no earlier change can have sent it. */
  readonly proven: boolean;
  /** Called once the event is accepted (SQS: deletes the canary's own message). */
  readonly accept?: () => Promise<void>;
}

/** The deployed canary as the stack outputs describe it (older outputs: the configuration's route only). */
interface CanaryRoute {
  readonly rule: string;
  readonly target: string;
  readonly trigger?: "wrapup-code" | "user-presence";
  readonly division_id?: string;
  readonly entity_id?: string;
}

export function defaultCanaryToken(environment: string, now: number): string {
  return `${CANARY_TOKEN_PREFIX}${environment}-${now.toString(36)}-${randomBytes(4).toString("hex")}`;
}

/** The case ids the canary needs to have passed (the route its event travels). */
export function canaryDependencies(context: SmokeContext): string[] {
  const route = canaryRoute(context);
  const deps = [tokenCaseId(SMOKE_SERVICE), "genesys.integration.state", "genesys.integration.config", TOPICS_CASE_ID, CANARY_GRANT_CASE_ID, "aws.event-source", "aws.event-bus"];
  if (route) deps.push(`aws.rule.${route.rule}`, `aws.target.${route.rule}.${route.target}`);
  return deps;
}

export function canaryCase(context: SmokeContext, session: SmokeSession, clients: CanaryClients, options: CanaryOptions): SmokeCase {
  const route = canaryRoute(context);
  return {
    id: CANARY_CASE_ID,
    area: "canary",
    title: route ? `an event provoked in Genesys reaches ${route.rule}/${route.target} (end-to-end latency)` : "an event provoked in Genesys reaches the canary target",
    // Only when requested: without --canary the route checks must not block (or hide) a skip reason.
    dependsOn: options.enabled ? canaryDependencies(context) : [],
    run: (ctx) => runCanary(context, session, clients, options, ctx),
  };
}

/** The deployed canary: the outputs' `canary`; absent there: the configuration's (none: null). */
function canaryRoute(context: SmokeContext): CanaryRoute | null {
  const fromOutputs = context.outputs.canary;
  if (fromOutputs !== undefined) return fromOutputs;
  const configured = context.environment.canary;
  return configured ? { rule: configured.rule, target: configured.target, trigger: configured.trigger.type } : null;
}

function triggerFor(context: SmokeContext, route: CanaryRoute): CanaryTrigger {
  const type = route.trigger ?? "wrapup-code";
  if (!route.entity_id) {
    throw new CheckFailed(`the stack outputs name no canary object (canary.entity_id): apply the stack of ${context.environment.name} with its canary first`);
  }
  if (type === "user-presence") {
    const configured = context.environment.canary?.trigger;
    if (configured?.type !== "user-presence") throw new CheckFailed(`the outputs say a user-presence canary but environments/${context.environment.name}.ts configures ${configured?.type ?? "none"}`);
    return new UserPresenceTrigger(route.entity_id, configured.presenceDefinitionIds);
  }
  if (!route.division_id) throw new CheckFailed("the stack outputs name no canary division (canary.division_id): apply the stack with its canary first");
  return new WrapupCodeTrigger(route.entity_id, route.division_id);
}

function resolveWatcher(context: SmokeContext, route: CanaryRoute): Watcher {
  const { environment, outputs } = context;
  const topic = CANARY_TRIGGER_TOPICS[route.trigger ?? "wrapup-code"];
  if (!environment.integration.topicFilters.includes(topic)) {
    throw new CheckSkipped(`the integration does not forward ${topic} (not in integration.topicFilters), so no canary event can be provoked`);
  }
  const rule = environment.rules.find((r) => r.name === route.rule);
  const target = rule?.targets.find((t) => t.name === route.target);
  if (!rule || !target) throw new CheckFailed(`canary route ${route.rule}/${route.target} is not a rule/target of environments/${environment.name}.ts`);
  if (rule.topics && !rule.topics.includes(topic)) {
    throw new CheckFailed(`canary rule ${rule.name} does not forward ${topic} (its topics: ${rule.topics.join(", ")})`);
  }
  const targetOutputs = outputs.rules[rule.name]?.targets[target.name];
  if (!targetOutputs) throw new CheckFailed(`canary target ${rule.name}/${target.name} is not in the stack outputs`);
  if (target.type === "cloudwatch-logs") {
    const logGroupName = targetOutputs.log_group_name ?? /:log-group:(.+?)(:\*)?$/.exec(targetOutputs.arn)?.[1];
    if (!logGroupName) throw new CheckFailed(`canary target ${rule.name}/${target.name} has no log_group_name output`);
    return { kind: "cloudwatch-logs", logGroupName };
  }
  if (target.type === "sqs" && targetOutputs.queue_url) return { kind: "sqs", queueUrl: targetOutputs.queue_url };
  throw new CheckFailed(`canary target ${rule.name}/${target.name} (${target.type}) cannot be watched: only cloudwatch-logs or sqs targets with their outputs`);
}

async function runCanary(context: SmokeContext, session: SmokeSession, clients: CanaryClients, options: CanaryOptions, ctx: CaseContext): Promise<CaseOutcome> {
  if (!options.enabled) throw new CheckSkipped("not requested (run with --canary)");
  const route = canaryRoute(context);
  if (!route) throw new CheckSkipped(`environment ${context.environment.name} has no canary route (no canary in its configuration or stack outputs)`);
  const watcher = resolveWatcher(context, route);
  const trigger = triggerFor(context, route);
  const client = await session.client();
  const token = (options.makeToken ?? defaultCanaryToken)(context.environment.name, ctx.now());
  const reserve = options.restoreReserveMs ?? Math.min(5000, Math.max(0, (ctx.deadline - ctx.now()) / 5));
  const pollUntil = ctx.deadline - reserve;
  const where = watcher.kind === "cloudwatch-logs" ? `log group ${watcher.logGroupName}` : `queue ${watcher.queueUrl}`;

  let outcome: CaseOutcome | undefined;
  let failure: unknown;
  try {
    const lagWindowMs = (options.timeoutMs ?? ctx.deadline - ctx.now()) + CLOCK_SKEW_MS;
    const fired: FiredCanary = await trigger.fire(client, token, ctx.now());
    const arrival = await poll(watcher, clients, trigger, fired, pollUntil, options.pollIntervalMs ?? 2000, ctx);
    const observedAt = ctx.now();
    if (arrival && !arrival.proven) refuseIndistinct(trigger, fired, lagWindowMs, arrival.where);
    if (!arrival) {
      throw new CheckFailed(
        `the event of ${trigger.describe()} (topic ${fired.topicName}) did not reach ${where} within ${((observedAt - fired.firedAt) / 1000).toFixed(1)} s ` +
          "(--timeout; audits can lag minutes): when the route checks pass, look at Genesys (audit delay, integration errors) and the target's dead-letter queue; see docs/smoke-tests.md",
        { topicName: fired.topicName, waitedMs: observedAt - fired.firedAt },
      );
    }
    await arrival.accept?.();
    const latencyMs = Math.max(0, (arrival.receivedAt ?? observedAt) - fired.firedAt);
    outcome = {
      reason: `event of ${trigger.describe()} arrived in ${arrival.where} after ${(latencyMs / 1000).toFixed(1)} s (seen after ${((observedAt - fired.firedAt) / 1000).toFixed(1)} s)`,
      data: { topicName: fired.topicName, value: fired.value, latencyMs, observedLatencyMs: observedAt - fired.firedAt, target: where },
    };
  } catch (err) {
    failure = err;
  } finally {
    // Also when `fire` failed: its write may have been applied (a timeout); restore is a no-op if nothing was read.
    const restoreError = await trigger.restore(client);
    if (restoreError) {
      const before = failure instanceof Error ? `${failure.message}. ` : "";
      failure = new CheckFailed(`${before}RESTORE FAILED for ${trigger.describe()}: ${restoreError}`);
    }
  }
  if (failure !== undefined) throw failure;
  return outcome as CaseOutcome;
}

/**
 * An event without this run's value (audit values are optional) is this run's only when no earlier change of the
 * object can still be in flight: audits lag minutes, and an earlier run (e.g. one that timed out, or its restore)
 * may have changed the object just before. Such an event proves nothing; the case fails as inconclusive.
 * @throws CheckFailed when the object changed within `lagWindowMs` before this run's change, or Genesys did not say when
 */
function refuseIndistinct(trigger: CanaryTrigger, fired: FiredCanary, lagWindowMs: number, where: string): void {
  const previous = fired.previousChangeAt;
  if (previous !== undefined && fired.firedAt - previous > lagWindowMs) return;
  const seconds = (lagWindowMs / 1000).toFixed(0);
  const cause =
    previous === undefined
      ? `Genesys did not say when ${trigger.describe()} last changed before this run (no dateModified/modifiedDate), so an earlier change's delayed event cannot be ruled out`
      : `an earlier canary change at ${new Date(previous).toISOString()} may still be in flight (events may lag up to ${seconds} s: --timeout plus clock skew); re-run after ${new Date(previous + lagWindowMs).toISOString()}`;
  throw new CheckFailed(
    `inconclusive: an event of ${trigger.describe()} arrived in ${where} without this run's value, so it cannot be told from an earlier change's: ${cause}`,
    { topicName: fired.topicName, previousChangeAt: previous === undefined ? null : new Date(previous).toISOString(), lagWindowMs },
  );
}

async function poll(
  watcher: Watcher,
  clients: CanaryClients,
  trigger: CanaryTrigger,
  fired: FiredCanary,
  until: number,
  intervalMs: number,
  ctx: CaseContext,
): Promise<Arrival | undefined> {
  for (;;) {
    const arrival =
      watcher.kind === "cloudwatch-logs"
        ? await findInLogs(clients.logs, watcher.logGroupName, trigger, fired, ctx.deadline)
        : await findInQueue(clients.sqs, watcher.queueUrl, trigger, fired, ctx.deadline);
    if (arrival) return arrival;
    const left = until - ctx.now();
    if (left <= 0) return undefined;
    await ctx.sleep(Math.min(intervalMs, left));
  }
}

function parseJson(text: string | undefined): unknown {
  try {
    return text === undefined ? undefined : (JSON.parse(text) as unknown);
  } catch {
    return undefined;
  }
}

/** Of the events of the canary's object, action and window, one that carries this run's value, else the first. */
function best(arrivals: readonly Arrival[]): Arrival | undefined {
  return arrivals.find((a) => a.proven) ?? arrivals[0];
}

async function findInLogs(logs: CloudWatchLogsClient, logGroupName: string, trigger: CanaryTrigger, fired: FiredCanary, until: number): Promise<Arrival | undefined> {
  const found: Arrival[] = [];
  let nextToken: string | undefined;
  do {
    const page = await logs.send(
      new FilterLogEventsCommand({
        logGroupName,
        filterPattern: trigger.logFilterPattern(fired),
        // Allow for clock skew between this machine and AWS.
        startTime: fired.firedAt - 5 * 60_000,
        nextToken,
      }),
    );
    for (const e of page.events ?? []) {
      const event = parseJson(e.message);
      if (!trigger.matches(event, fired, until)) continue;
      found.push({ receivedAt: e.ingestionTime ?? e.timestamp, where: `log group ${logGroupName} (stream ${e.logStreamName ?? "?"})`, proven: trigger.carriesValue(event, fired) });
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return best(found);
}

async function findInQueue(sqs: SQSClient, queueUrl: string, trigger: CanaryTrigger, fired: FiredCanary, until: number): Promise<Arrival | undefined> {
  const answer = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 1,
      // Messages that are not the canary's become visible to their consumer again at once.
      VisibilityTimeout: 0,
      MessageSystemAttributeNames: ["SentTimestamp"],
    }),
  );
  const where = `queue ${queueUrl.split("/").pop() ?? queueUrl}`;
  const found: Arrival[] = [];
  for (const m of answer.Messages ?? []) {
    const event = parseJson(m.Body);
    if (!trigger.matches(event, fired, until)) continue;
    const sent = Number(m.Attributes?.SentTimestamp);
    const receipt = m.ReceiptHandle;
    found.push({
      receivedAt: Number.isFinite(sent) && sent > 0 ? sent : undefined,
      where,
      proven: trigger.carriesValue(event, fired),
      // Only the canary's own, accepted message is deleted; best effort (it is harmless if it stays).
      accept: receipt
        ? async () => {
            try {
              await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: receipt }));
            } catch {
              // Harmless: the message stays for the queue's consumer.
            }
          }
        : undefined,
    });
  }
  return best(found);
}
