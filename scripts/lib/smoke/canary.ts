/**
 * The end-to-end canary: provoke one real Genesys event and watch it arrive at the configured canary target.
 *
 * 1. Change the description of the smoke-tests OAuth client (the one logged in) to a unique token. Genesys
 *    publishes an audit event (`v2.audits.entitytype.{id}.entityid.{id}`, entity type OAuthClient) carrying
 *    the new value; the integration forwards it to EventBridge, the canary rule routes it to its target.
 * 2. Poll the target until the token appears or the run's deadline (minus a reserve for step 3) passes:
 *    CloudWatch Logs `FilterLogEvents` with the token as filter pattern, or SQS `ReceiveMessage` with a
 *    visibility timeout of 0 (other messages become visible again at once; only the canary's own message is
 *    deleted).
 * 3. ALWAYS restore the original description (finally), also after a failure or timeout.
 *
 * That description change and its restore are the only writes the smoke tests make.
 */
import { randomBytes } from "node:crypto";
import { CloudWatchLogsClient, FilterLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { GenesysClient, OAuthClient, OAuthClientRequest } from "../genesys/client";
import { safeErrorMessage } from "../redact";
import { SmokeContext, SmokeSession, SMOKE_SERVICE } from "./context";
import { tokenCaseId } from "./checks-genesys";
import { CaseContext, CaseOutcome, CheckFailed, CheckSkipped, SmokeCase } from "./types";

/** The topic that carries the canary's audit event. */
export const AUDIT_TOPIC = "v2.audits.entitytype.{id}.entityid.{id}";

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
}

/** Where the canary event is looked for. */
type Watcher =
  | { readonly kind: "cloudwatch-logs"; readonly logGroupName: string }
  | { readonly kind: "sqs"; readonly queueUrl: string };

/** When and where the token was seen. */
interface Arrival {
  /** When the target received it (log ingestion time / SQS SentTimestamp), ms since epoch, if known. */
  readonly receivedAt?: number;
  readonly where: string;
}

export function defaultCanaryToken(environment: string, now: number): string {
  return `smoke-canary-${environment}-${now.toString(36)}-${randomBytes(4).toString("hex")}`;
}

export function canaryCase(context: SmokeContext, session: SmokeSession, clients: CanaryClients, options: CanaryOptions): SmokeCase {
  const route = canaryRoute(context);
  return {
    id: CANARY_CASE_ID,
    area: "canary",
    title: route
      ? `an audit event from Genesys reaches ${route.rule}/${route.target} (end-to-end latency)`
      : "an audit event from Genesys reaches the canary target",
    dependsOn: [tokenCaseId(SMOKE_SERVICE)],
    run: (ctx) => runCanary(context, session, clients, options, ctx),
  };
}

/** The deployed canary route: the outputs' `canary` (null = none); older outputs without it: the configuration's. */
function canaryRoute(context: SmokeContext): { rule: string; target: string } | null {
  const fromOutputs = context.outputs.canary;
  return fromOutputs === undefined ? (context.environment.canary ?? null) : fromOutputs;
}

function resolveWatcher(context: SmokeContext): Watcher {
  const { environment, outputs } = context;
  if (!environment.integration.topicFilters.includes(AUDIT_TOPIC)) {
    throw new CheckSkipped(`the integration does not forward ${AUDIT_TOPIC} (not in integration.topicFilters), so no canary event can be provoked`);
  }
  const route = canaryRoute(context);
  if (!route) throw new CheckSkipped(`environment ${environment.name} has no canary route (canary: null in the outputs)`);
  const rule = environment.rules.find((r) => r.name === route.rule);
  const target = rule?.targets.find((t) => t.name === route.target);
  if (!rule || !target) throw new CheckFailed(`canary route ${route.rule}/${route.target} is not a rule/target of environments/${environment.name}.ts`);
  if (rule.topics && !rule.topics.includes(AUDIT_TOPIC)) {
    throw new CheckFailed(`canary rule ${rule.name} does not forward ${AUDIT_TOPIC} (its topics: ${rule.topics.join(", ")})`);
  }
  const targetOutputs = outputs.rules[rule.name]?.targets[target.name];
  if (!targetOutputs) throw new CheckFailed(`canary target ${rule.name}/${target.name} is not in the stack outputs`);
  if (target.type === "cloudwatch-logs") {
    const logGroupName = targetOutputs.log_group_name ?? logGroupFromArn(targetOutputs.arn);
    if (!logGroupName) throw new CheckFailed(`canary target ${rule.name}/${target.name} has no log_group_name output`);
    return { kind: "cloudwatch-logs", logGroupName };
  }
  if (target.type === "sqs") {
    const queueUrl = targetOutputs.queue_url;
    if (!queueUrl) throw new CheckFailed(`canary target ${rule.name}/${target.name} has no queue_url output`);
    return { kind: "sqs", queueUrl };
  }
  throw new CheckSkipped(`canary target ${rule.name}/${target.name} is a ${target.type} target; the canary can watch only cloudwatch-logs or sqs`);
}

function logGroupFromArn(arn: string): string | undefined {
  const match = /:log-group:(.+?)(:\*)?$/.exec(arn);
  return match?.[1];
}

async function runCanary(
  context: SmokeContext,
  session: SmokeSession,
  clients: CanaryClients,
  options: CanaryOptions,
  ctx: CaseContext,
): Promise<CaseOutcome> {
  if (!options.enabled) throw new CheckSkipped("not requested (run with --canary)");
  const watcher = resolveWatcher(context);
  const { client, credential } = await session.login();
  const original = await client.getOAuthClient(credential.clientId);
  const token = (options.makeToken ?? defaultCanaryToken)(context.environment.name, ctx.now());
  const reserve = options.restoreReserveMs ?? Math.min(5000, Math.max(0, (ctx.deadline - ctx.now()) / 5));
  const pollUntil = ctx.deadline - reserve;
  const where = watcher.kind === "cloudwatch-logs" ? `log group ${watcher.logGroupName}` : `queue ${watcher.queueUrl}`;

  const changedAt = ctx.now();
  await client.updateOAuthClient(credential.clientId, { ...requestFrom(original), description: token });
  let outcome: CaseOutcome | undefined;
  let failure: unknown;
  try {
    const arrival = await poll(watcher, clients, token, changedAt, pollUntil, options.pollIntervalMs ?? 2000, ctx);
    const observedAt = ctx.now();
    if (!arrival) {
      const waited = ((observedAt - changedAt) / 1000).toFixed(1);
      throw new CheckFailed(
        `canary event ${token} did not reach ${where} within ${waited} s (--timeout): check the integration's reported state, the ` +
          `partner source, rule ${context.environment.canary?.rule ?? ""} and its dead-letter queue`,
        { token, waitedMs: observedAt - changedAt },
      );
    }
    const latencyMs = Math.max(0, (arrival.receivedAt ?? observedAt) - changedAt);
    outcome = {
      reason: `event ${token} arrived in ${arrival.where} after ${(latencyMs / 1000).toFixed(1)} s (seen after ${((observedAt - changedAt) / 1000).toFixed(1)} s)`,
      data: { token, latencyMs, observedLatencyMs: observedAt - changedAt, target: where },
    };
  } catch (err) {
    failure = err;
  } finally {
    const restoreError = await restore(client, credential.clientId, original);
    if (restoreError) {
      const before = failure instanceof Error ? `${failure.message}. ` : "";
      failure = new CheckFailed(
        `${before}RESTORE FAILED: the description of OAuth client ${credential.clientId} is still "${token}"; set it back to ` +
          `"${original.description ?? ""}" by hand (${restoreError})`,
      );
    }
  }
  if (failure !== undefined) throw failure;
  return outcome as CaseOutcome;
}

/** Restores the description; returns a redacted error text, or undefined on success. */
async function restore(client: GenesysClient, clientId: string, original: OAuthClient): Promise<string | undefined> {
  try {
    await client.updateOAuthClient(clientId, requestFrom(original));
    return undefined;
  } catch (err) {
    return safeErrorMessage(err, client.redactor);
  }
}

/** The writable fields of a client (a PUT replaces them all, so every one is sent back as it was). */
export function requestFrom(client: OAuthClient): OAuthClientRequest {
  const request: OAuthClientRequest = { name: client.name, authorizedGrantType: client.authorizedGrantType };
  if (client.description !== undefined) request.description = client.description;
  if (client.accessTokenValiditySeconds !== undefined) request.accessTokenValiditySeconds = client.accessTokenValiditySeconds;
  if (client.registeredRedirectUri !== undefined) request.registeredRedirectUri = client.registeredRedirectUri;
  if (client.scope !== undefined) request.scope = client.scope;
  if (client.roleDivisions !== undefined) request.roleDivisions = client.roleDivisions;
  else if (client.roleIds !== undefined) request.roleIds = client.roleIds;
  if (client.state !== undefined) request.state = client.state;
  return request;
}

async function poll(
  watcher: Watcher,
  clients: CanaryClients,
  token: string,
  since: number,
  until: number,
  intervalMs: number,
  ctx: CaseContext,
): Promise<Arrival | undefined> {
  for (;;) {
    const arrival = watcher.kind === "cloudwatch-logs" ? await findInLogs(clients.logs, watcher.logGroupName, token, since) : await findInQueue(clients.sqs, watcher.queueUrl, token);
    if (arrival) return arrival;
    const left = until - ctx.now();
    if (left <= 0) return undefined;
    await ctx.sleep(Math.min(intervalMs, left));
  }
}

async function findInLogs(logs: CloudWatchLogsClient, logGroupName: string, token: string, since: number): Promise<Arrival | undefined> {
  let nextToken: string | undefined;
  do {
    const page = await logs.send(
      new FilterLogEventsCommand({
        logGroupName,
        // Quoted: the token has "-", which is an operator in unquoted filter patterns.
        filterPattern: `"${token}"`,
        // Allow for clock skew between this machine and AWS.
        startTime: since - 5 * 60_000,
        nextToken,
      }),
    );
    const hit = (page.events ?? []).find((e) => e.message?.includes(token));
    if (hit) return { receivedAt: hit.ingestionTime ?? hit.timestamp, where: `log group ${logGroupName} (stream ${hit.logStreamName ?? "?"})` };
    nextToken = page.nextToken;
  } while (nextToken);
  return undefined;
}

async function findInQueue(sqs: SQSClient, queueUrl: string, token: string): Promise<Arrival | undefined> {
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
  const hit = (answer.Messages ?? []).find((m) => m.Body?.includes(token));
  if (!hit) return undefined;
  if (hit.ReceiptHandle) {
    // Only the canary's own message is deleted; best effort (it is harmless if it stays).
    await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: hit.ReceiptHandle })).catch(() => undefined);
  }
  const sent = Number(hit.Attributes?.SentTimestamp);
  return { receivedAt: Number.isFinite(sent) && sent > 0 ? sent : undefined, where: `queue ${queueUrl.split("/").pop() ?? queueUrl}` };
}
