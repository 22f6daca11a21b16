/**
 * A deployed environment for the smoke tests: the fake Genesys server seeded from the stack outputs, stateful
 * fakes of the AWS side (aws-sdk-client-mock on client instances; Secrets Manager is the shared
 * SecretsManagerFake), and a model of the delivery chain between them. Tests break one link and run
 * `scripts/smoke.ts` in-process against it.
 *
 *     const world = await SmokeWorld.start("dev");
 *     world.rule("presence").State = "DISABLED";
 *     const code = await main(["--env", "dev", "--outputs", world.outputsFile], world.deps());
 *     await world.stop();
 *
 * Delivery chain (what Genesys and EventBridge do with a notification; every link can be broken alone):
 *   1. the integration is ENABLED, reports ACTIVE, and  4. the partner event source of that name is ACTIVE,
 *      names this environment's AWS account and region,
 *   2. its `eventFilter` has the topic (template),      5. an event bus of the source's name exists,
 *   3. the topic is available with the EventBridge      6. every ENABLED rule on THAT bus whose real pattern matches
 *      transport (`EventBridge` or `All`),                 the event (environments/event-pattern.ts),
 *                                                       7. delivers to each target attached to it, by ARN.
 * The event is the EventBridge envelope of the notification (test/support/eventbridge-envelope.ts), delivered
 * after `deliveryDelayMs`. Why an event was dropped is recorded in `dropped`.
 */
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CloudWatchLogsClient, FilteredLogEvent, FilterLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import {
  DescribeArchiveCommand,
  DescribeEventBusCommand,
  DescribeEventSourceCommand,
  DescribeRuleCommand,
  EventBridgeClient,
  ListTargetsByRuleCommand,
  Target,
} from "@aws-sdk/client-eventbridge";
import { UpdateSecretVersionStageCommand } from "@aws-sdk/client-secrets-manager";
import { DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { EnvironmentConfig, loadEnvironment } from "../../environments";
import { EnvironmentConfigInput, validateEnvironment } from "../../environments/schema";
import { matchesEventPattern } from "../../environments/event-pattern";
import { CANARY_TRIGGER_SPECS, CANARY_WRAPUP_CODE_DESCRIPTION } from "../../modules/genesys/canary";
import { expectedPattern } from "../../scripts/lib/smoke/checks-aws";
import type { StackOutputs } from "../../scripts/lib/aws/stack-outputs";
import type { SmokeDeps } from "../../scripts/smoke";
import { eventBridgeEnvelope, GenesysEventBridgeEvent, topicTemplate } from "./eventbridge-envelope";
import { FakeGenesysServer } from "./fake-genesys-server";
import { SecretsManagerFake } from "./secrets-manager-fake";
import { buildStackOutputs, FAKE_ORG_ID, writeOutputsFile } from "./stack-outputs-fixture";

const HOME_DIVISION = "5b3f7c1e-0000-4000-8000-00000000d1v0";
const CREDENTIALS = { accessKeyId: "AKIAFAKE", secretAccessKey: "fake" };

function awsError(name: string, message: string): Error {
  const err = new Error(message);
  err.name = name;
  return err;
}

export interface FakeQueue {
  messages: { id: string; body: string; sentAt: number; receipt: string }[];
  /** Extra counts reported by GetQueueAttributes (DLQ tests). */
  visible: number;
  notVisible: number;
}

export interface FakeRule {
  Name: string;
  EventBusName: string;
  State: string;
  EventPattern: string;
  targets: Target[];
}

/** The AWS resources the fakes answer from. Change them to break one thing. */
export interface FakeAwsState {
  eventSource?: { Name: string; State: string; CreatedBy: string };
  buses: Map<string, { Name: string; Arn: string }>;
  rules: Map<string, FakeRule>;
  archives: Map<string, { ArchiveName: string; State: string; EventSourceArn: string; RetentionDays: number }>;
  /** By queue URL. */
  queues: Map<string, FakeQueue>;
  /** By log group name. */
  logGroups: Map<string, FilteredLogEvent[]>;
}

/** One delivery of an event to a target. */
export interface Delivery {
  readonly rule: string;
  readonly target: string;
  readonly event: GenesysEventBridgeEvent;
}

export class SmokeWorld {
  readonly aws: FakeAwsState;
  readonly secrets = new SecretsManagerFake();
  readonly clients = {
    eventBridge: new EventBridgeClient({ region: "us-east-1", credentials: CREDENTIALS }),
    sqs: new SQSClient({ region: "us-east-1", credentials: CREDENTIALS }),
    secretsManager: this.secrets.client,
    logs: new CloudWatchLogsClient({ region: "us-east-1", credentials: CREDENTIALS }),
  };
  readonly mocks: {
    eventBridge: AwsClientStub<EventBridgeClient>;
    sqs: AwsClientStub<SQSClient>;
    logs: AwsClientStub<CloudWatchLogsClient>;
  };
  deliveryDelayMs = 150;
  /** Deliveries made so far (event, rule and target). */
  readonly delivered: Delivery[] = [];
  /** Why notifications were not delivered (one line each). */
  readonly dropped: string[] = [];
  readonly outputsFile: string;

  private readonly timers = new Set<NodeJS.Timeout>();
  /** Target ARN -> where it delivers. */
  private readonly sinks = new Map<string, { kind: "logs"; name: string } | { kind: "sqs"; url: string }>();

  private constructor(
    readonly environment: EnvironmentConfig,
    readonly outputs: StackOutputs,
    readonly genesys: FakeGenesysServer,
    private readonly dir: string,
  ) {
    this.outputsFile = writeOutputsFile(dir, outputs);
    this.aws = this.healthyAws();
    this.mocks = { eventBridge: mockClient(this.clients.eventBridge), sqs: mockClient(this.clients.sqs), logs: mockClient(this.clients.logs) };
    this.wireMocks();
    const publish = (n: { topicName: string; eventBody: unknown }): void => this.publish(n);
    genesys.onAuditEvent(publish);
    genesys.smoke.onNotification(publish);
  }

  /**
   * Seeds the fake Genesys server, the AWS fakes and the secrets with a healthy `environment`, and starts the server.
   * `options.canaryTarget: "sqs"` adds an SQS target `audit-queue` to the canary rule and makes it the canary target
   * (configuration, served to `main` through `deps().loadEnvironment`, and outputs), to test the SQS canary path.
   */
  static async start(environment = "dev", options: { canaryTarget?: "sqs" } = {}): Promise<SmokeWorld> {
    const config = options.canaryTarget === "sqs" ? withSqsCanaryTarget(loadEnvironment(environment)) : loadEnvironment(environment);
    const outputs = buildStackOutputs(environment);
    if (options.canaryTarget === "sqs") addSqsCanaryTargetOutputs(outputs);
    const server = new FakeGenesysServer({ organization: { id: FAKE_ORG_ID, name: "Fake Org" } });
    server.addIntegration({
      id: outputs.integration_id,
      name: config.integration.name,
      config: {
        current: {
          name: config.integration.name,
          properties: {
            eventSourceSuffix: config.integration.eventSourceSuffix,
            awsAccountId: config.aws.accountId,
            awsAccountRegion: config.aws.region,
            eventFilter: [...config.integration.topicFilters],
          },
          notes: "Managed by genesys-eventbridge-infra (cdktf).",
        },
      },
    });
    server.smoke.availableTopics = [
      ...config.integration.topicFilters.map((id) => ({ id, transports: ["Websocket", "EventBridge"] })),
      { id: "v2.users.{id}.activity", transports: ["All"] },
    ];
    const canary = outputs.canary;
    if (canary?.role_id && canary.division_id) {
      server.addRole({
        id: canary.role_id,
        name: `eventbridge-${environment}-canary`,
        permissionPolicies: CANARY_TRIGGER_SPECS[canary.trigger ?? "wrapup-code"].permissionPolicies.map((p) => ({ ...p, actionSet: [...p.actionSet] })),
      });
      if (canary.trigger === "wrapup-code" && canary.entity_id) {
        server.smoke.wrapupCodes.set(canary.entity_id, {
          id: canary.entity_id,
          name: `eventbridge-${environment}-canary`,
          description: CANARY_WRAPUP_CODE_DESCRIPTION,
          division: { id: canary.division_id, name: `eventbridge-${environment}-canary` },
          // Last changed by the apply, long before any canary run.
          dateModified: new Date(Date.now() - 24 * 3600_000).toISOString(),
        });
      }
    }
    for (const service of config.services) {
      const out = outputs.services[service.name];
      server.addRole({
        id: out.role_id,
        name: `eventbridge-${environment}-${service.name}`,
        permissionPolicies: service.permissionPolicies.map((p) => ({ domain: p.domain, entityName: p.entityName, actionSet: [...p.actionSet] })),
      });
      const canaryGrant = canary?.service === service.name && canary.role_id && canary.division_id ? [{ roleId: canary.role_id, divisionId: canary.division_id }] : [];
      out.client_ids.forEach((id, i) =>
        server.addOAuthClient({
          id,
          secret: `fake-${service.name}-${"ab"[i]}-${randomUUID()}`,
          name: `eventbridge-${environment}-${service.name}-${"ab"[i]}`,
          description: service.description,
          roleDivisions: [{ roleId: out.role_id, divisionId: HOME_DIVISION }, ...canaryGrant],
          accessTokenValiditySeconds: service.accessTokenValiditySeconds,
        }),
      );
    }
    await server.start();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "smoke-world-"));
    const world = new SmokeWorld(config, outputs, server, dir);
    for (const service of config.services) {
      const out = outputs.services[service.name];
      world.secrets.createSecret(out.secret_name, out.secret_arn);
      world.storeCredential(service.name, 0);
    }
    return world;
  }

  /** Writes the credential of client `index` (0 = a) of `service` as the secret's new AWSCURRENT version. */
  storeCredential(service: string, index: number, clientId = this.outputs.services[service].client_ids[index]): void {
    const out = this.outputs.services[service];
    const value = {
      clientId,
      clientSecret: this.genesys.secretOf(clientId),
      region: this.environment.genesys.region,
      rotatedAt: new Date().toISOString(),
      client: "ab"[index],
      environment: this.environment.name,
      service,
    };
    this.secrets.seedVersion(out.secret_arn, randomUUID(), value, ["AWSCURRENT"]);
  }

  /** Takes AWSCURRENT off the service's secret (a secret never written, or broken by hand). */
  async dropCurrent(service: string): Promise<void> {
    const arn = this.outputs.services[service].secret_arn;
    const holder = Object.entries(this.secrets.stages(arn)).find(([, stages]) => stages.includes("AWSCURRENT"));
    if (holder) await this.secrets.client.send(new UpdateSecretVersionStageCommand({ SecretId: arn, VersionStage: "AWSCURRENT", RemoveFromVersionId: holder[0] }));
  }

  /** The fake rule of a configured rule name. */
  rule(name: string): FakeRule {
    const rule = this.aws.rules.get(this.outputs.rules[name].name);
    if (!rule) throw new Error(`SmokeWorld: no rule ${name}`);
    return rule;
  }

  /** The fake integration. */
  integration(): ReturnType<FakeGenesysServer["addIntegration"]> {
    const integration = this.genesys.state.integrations.get(this.outputs.integration_id);
    if (!integration) throw new Error("SmokeWorld: no integration");
    return integration;
  }

  /** Every client secret the world knows (for "no secret in any output" assertions). */
  allSecrets(): string[] {
    return [...this.genesys.state.oauthClients.values()].map((c) => c.secret);
  }

  /** Deps for `main`: the mocked AWS clients, the fake server's gateway, compressed sleeps, fast canary polls. */
  deps(overrides: Partial<SmokeDeps> = {}): SmokeDeps & { out: string[]; err: string[]; files: Map<string, string> } {
    const out: string[] = [];
    const err: string[] = [];
    const files = new Map<string, string>();
    return {
      out,
      err,
      files,
      stdout: (t) => void out.push(t),
      stderr: (t) => void err.push(t),
      writeFile: (file, text) => void files.set(file, text),
      aws: this.clients,
      gateway: this.genesys.gateway(),
      env: {},
      // Retry waits of seconds become 10 ms; the clock stays real.
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.min(ms, 10))),
      canaryPollIntervalMs: 50,
      loadEnvironment: () => this.environment,
      ...overrides,
    };
  }

  /** The names of every AWS command sent, in order per client. */
  awsCommands(): string[] {
    const mocked = Object.values(this.mocks).flatMap((m) => m.calls().map((c) => (c.args[0] as { constructor: { name: string } }).constructor.name));
    return [...mocked, ...this.secrets.calls.map((c) => `${c.command}Command`)];
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    for (const m of Object.values(this.mocks)) m.restore();
    this.secrets.mock.restore();
    await this.genesys.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  // ------------------------------------------------------------------------------------------ delivery chain

  /** Genesys publishes a notification: follow it down the chain (see the module comment). */
  private publish(notification: { topicName: string; eventBody: unknown }): void {
    const template = topicTemplate(notification.topicName);
    const drop = (why: string): void => void this.dropped.push(`${notification.topicName}: ${why}`);
    const integration = this.genesys.state.integrations.get(this.outputs.integration_id);
    if (!integration || integration.intendedState !== "ENABLED") return drop("integration not ENABLED");
    // Genesys delivers only while the integration reports itself ACTIVE (ERROR: e.g. the event source failed).
    if (integration.reportedState.code !== "ACTIVE") return drop(`integration reported ${integration.reportedState.code}, not ACTIVE`);
    const properties = integration.config.current.properties;
    // Genesys creates the partner source in the account and region the integration names: another one is not ours.
    if (properties.awsAccountId !== this.environment.aws.accountId || properties.awsAccountRegion !== this.environment.aws.region) {
      return drop(`integration delivers to ${String(properties.awsAccountId)} ${String(properties.awsAccountRegion)}, not this environment's account and region`);
    }
    const filter = properties.eventFilter;
    if (!Array.isArray(filter) || !filter.includes(template)) return drop(`eventFilter lacks ${template}`);
    const available = this.genesys.smoke.availableTopics.find((t) => t.id === template);
    if (!available?.transports.some((t) => t === "EventBridge" || t === "All")) return drop(`${template} has no EventBridge transport`);
    const sourceName = `aws.partner/genesys.com/cloud/${this.genesys.state.organization.id}/${String(properties.eventSourceSuffix)}`;
    const event = eventBridgeEnvelope(notification, { source: sourceName, account: String(properties.awsAccountId), region: String(properties.awsAccountRegion) });
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.route(event, sourceName, drop);
    }, this.deliveryDelayMs);
    this.timers.add(timer);
  }

  /** EventBridge's part: source, bus, rules on that bus, targets. */
  private route(event: GenesysEventBridgeEvent, sourceName: string, drop: (why: string) => void): void {
    const source = this.aws.eventSource;
    if (!source || source.Name !== sourceName || source.State !== "ACTIVE") return drop(`partner source ${sourceName} not ACTIVE`);
    const bus = this.aws.buses.get(sourceName);
    if (!bus) return drop(`no bus ${sourceName}`);
    let delivered = 0;
    for (const rule of this.aws.rules.values()) {
      if (rule.EventBusName !== bus.Name || rule.State !== "ENABLED" || !matchesEventPattern(JSON.parse(rule.EventPattern), event)) continue;
      for (const target of rule.targets) {
        const sink = target.Arn ? this.sinks.get(target.Arn) : undefined;
        if (sink?.kind === "logs") {
          this.aws.logGroups.get(sink.name)?.push({ logStreamName: event.id, timestamp: Date.parse(event.time), ingestionTime: Date.now(), message: JSON.stringify(event), eventId: randomUUID() });
        } else if (sink?.kind === "sqs") {
          this.aws.queues.get(sink.url)?.messages.push({ id: randomUUID(), body: JSON.stringify(event), sentAt: Date.now(), receipt: randomUUID() });
        }
        this.delivered.push({ rule: rule.Name, target: target.Id ?? "?", event });
        delivered += 1;
      }
    }
    if (delivered === 0) drop("no enabled rule on the bus matched it with an attached target");
  }

  // ----------------------------------------------------------------------------------------------- AWS fakes

  /** What the stack creates for the environment, in the shape the fakes serve. */
  private healthyAws(): FakeAwsState {
    const { environment, outputs } = this;
    const state: FakeAwsState = {
      eventSource: { Name: outputs.partner_event_source_name, State: "ACTIVE", CreatedBy: "genesys.com" },
      buses: new Map([[outputs.event_bus_name, { Name: outputs.event_bus_name, Arn: outputs.event_bus_arn }]]),
      rules: new Map(),
      archives: new Map([
        [outputs.archive_name, { ArchiveName: outputs.archive_name, State: "ENABLED", EventSourceArn: outputs.event_bus_arn, RetentionDays: environment.archive.retentionDays }],
      ]),
      queues: new Map(),
      logGroups: new Map(),
    };
    for (const rule of environment.rules) {
      const out = outputs.rules[rule.name];
      state.rules.set(out.name, {
        Name: out.name,
        EventBusName: outputs.event_bus_name,
        State: rule.enabled === false ? "DISABLED" : "ENABLED",
        EventPattern: JSON.stringify(expectedPattern(rule)),
        targets: rule.targets.map((t) => {
          const targetOut = out.targets[t.name];
          const retry = { ...environment.retry, ...t.retry };
          state.queues.set(targetOut.dead_letter_queue_url, { messages: [], visible: 0, notVisible: 0 });
          if (targetOut.queue_url) {
            state.queues.set(targetOut.queue_url, { messages: [], visible: 0, notVisible: 0 });
            this.sinks.set(targetOut.arn, { kind: "sqs", url: targetOut.queue_url });
          }
          if (targetOut.log_group_name) {
            state.logGroups.set(targetOut.log_group_name, []);
            this.sinks.set(targetOut.arn, { kind: "logs", name: targetOut.log_group_name });
          }
          return {
            Id: t.name,
            Arn: targetOut.arn,
            RetryPolicy: { MaximumRetryAttempts: retry.maximumRetryAttempts, MaximumEventAgeInSeconds: retry.maximumEventAgeSeconds },
            DeadLetterConfig: { Arn: targetOut.dead_letter_queue_arn },
          };
        }),
      });
    }
    return state;
  }

  private wireMocks(): void {
    const state = this.aws;
    const eb = this.mocks.eventBridge;
    const ruleOn = (name: string | undefined, bus: string | undefined): FakeRule => {
      const rule = state.rules.get(name ?? "");
      const busName = bus ?? "default";
      if (!rule || rule.EventBusName !== busName || !state.buses.has(busName)) throw awsError("ResourceNotFoundException", `Rule ${name} does not exist on EventBus ${busName}.`);
      return rule;
    };
    eb.on(DescribeEventSourceCommand).callsFake((input: { Name?: string }) => {
      if (!state.eventSource || state.eventSource.Name !== input.Name) throw awsError("ResourceNotFoundException", `Event source ${input.Name} does not exist.`);
      return { ...state.eventSource };
    });
    eb.on(DescribeEventBusCommand).callsFake((input: { Name?: string }) => {
      const bus = state.buses.get(input.Name ?? "default");
      if (!bus) throw awsError("ResourceNotFoundException", `Event bus ${input.Name} does not exist.`);
      return { ...bus };
    });
    eb.on(DescribeRuleCommand).callsFake((input: { Name?: string; EventBusName?: string }) => {
      const rule = ruleOn(input.Name, input.EventBusName);
      return { Name: rule.Name, State: rule.State, EventPattern: rule.EventPattern, EventBusName: rule.EventBusName };
    });
    eb.on(ListTargetsByRuleCommand).callsFake((input: { Rule?: string; EventBusName?: string }) => ({
      Targets: ruleOn(input.Rule, input.EventBusName).targets.map((t) => ({ ...t })),
    }));
    eb.on(DescribeArchiveCommand).callsFake((input: { ArchiveName?: string }) => {
      const archive = state.archives.get(input.ArchiveName ?? "");
      if (!archive) throw awsError("ResourceNotFoundException", `Archive ${input.ArchiveName} does not exist.`);
      return { ...archive, EventCount: 42 };
    });

    const sqs = this.mocks.sqs;
    const queue = (url: string | undefined): FakeQueue => {
      const found = state.queues.get(url ?? "");
      if (!found) throw awsError("QueueDoesNotExist", "The specified queue does not exist.");
      return found;
    };
    sqs.on(GetQueueAttributesCommand).callsFake((input: { QueueUrl?: string }) => {
      const q = queue(input.QueueUrl);
      return {
        Attributes: {
          ApproximateNumberOfMessages: String(q.visible + q.messages.length),
          ApproximateNumberOfMessagesNotVisible: String(q.notVisible),
          ApproximateNumberOfMessagesDelayed: "0",
        },
      };
    });
    sqs.on(ReceiveMessageCommand).callsFake((input: { QueueUrl?: string; MaxNumberOfMessages?: number }) => ({
      Messages: queue(input.QueueUrl)
        .messages.slice(0, input.MaxNumberOfMessages ?? 1)
        .map((m) => ({ MessageId: m.id, Body: m.body, ReceiptHandle: m.receipt, Attributes: { SentTimestamp: String(m.sentAt) } })),
    }));
    sqs.on(DeleteMessageCommand).callsFake((input: { QueueUrl?: string; ReceiptHandle?: string }) => {
      const q = queue(input.QueueUrl);
      q.messages = q.messages.filter((m) => m.receipt !== input.ReceiptHandle);
      return {};
    });

    this.mocks.logs.on(FilterLogEventsCommand).callsFake((input: { logGroupName?: string; filterPattern?: string; startTime?: number }) => {
      const group = state.logGroups.get(input.logGroupName ?? "");
      if (!group) throw awsError("ResourceNotFoundException", "The specified log group does not exist.");
      const matches = logFilter(input.filterPattern ?? "");
      return { events: group.filter((e) => matches(e.message ?? "") && (e.timestamp ?? 0) >= (input.startTime ?? 0)) };
    });
  }
}

/** Name of the SQS canary target `SmokeWorld.start(env, { canaryTarget: "sqs" })` adds to the canary rule. */
export const SQS_CANARY_TARGET = "audit-queue";

/** `config` with an SQS target added to its canary rule, and that target as the canary target (validated again). */
function withSqsCanaryTarget(config: EnvironmentConfig): EnvironmentConfig {
  const canary = config.canary;
  if (!canary) throw new Error(`SmokeWorld: environment ${config.name} has no canary`);
  const input = structuredClone(config) as unknown as EnvironmentConfigInput;
  const rule = input.rules.find((r) => r.name === canary.rule);
  if (!rule) throw new Error(`SmokeWorld: no canary rule ${canary.rule}`);
  rule.targets = [...rule.targets, { type: "sqs", name: SQS_CANARY_TARGET }];
  return validateEnvironment(config.name, { ...input, canary: { ...canary, target: SQS_CANARY_TARGET } });
}

/** The outputs of the target `withSqsCanaryTarget` adds, in the shape stack-outputs-fixture.ts gives SQS targets. */
function addSqsCanaryTargetOutputs(outputs: StackOutputs): void {
  const canary = outputs.canary;
  if (!canary) throw new Error("SmokeWorld: the outputs have no canary");
  const rule = outputs.rules[canary.rule];
  const base = `${rule.name}-${SQS_CANARY_TARGET}`;
  const queueUrl = (name: string) => `https://sqs.${outputs.aws_region}.amazonaws.com/${outputs.aws_account_id}/${name}`;
  const arn = (name: string) => `arn:aws:sqs:${outputs.aws_region}:${outputs.aws_account_id}:${name}`;
  rule.targets[SQS_CANARY_TARGET] = {
    type: "sqs",
    arn: arn(base),
    dead_letter_queue_arn: arn(`${base}-dlq`),
    dead_letter_queue_url: queueUrl(`${base}-dlq`),
    queue_url: queueUrl(base),
    queue_name: base,
  };
  outputs.canary = { ...canary, target: SQS_CANARY_TARGET };
}

/**
 * The two CloudWatch Logs filter pattern forms the scripts use: a quoted term (substring) and a JSON equality on
 * one string field, `{ $.a.b = "value" }`. Anything else is refused as AWS refuses a bad pattern.
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html)
 */
function logFilter(pattern: string): (message: string) => boolean {
  const json = /^\{\s*\$\.([A-Za-z0-9_.-]+)\s*=\s*("(?:[^"\\]|\\.)*")\s*\}$/.exec(pattern);
  if (json) {
    const keys = json[1].split(".");
    const want = JSON.parse(json[2]) as string;
    return (message) => {
      let value: unknown;
      try {
        value = JSON.parse(message);
      } catch {
        return false;
      }
      for (const key of keys) value = value !== null && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined;
      return value === want;
    };
  }
  const quoted = /^"([^"]+)"$/.exec(pattern);
  if (quoted) return (message) => message.includes(quoted[1]);
  throw awsError("InvalidParameterException", `Invalid filter pattern: ${pattern}`);
}
