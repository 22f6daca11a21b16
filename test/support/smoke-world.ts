/**
 * A deployed environment for the smoke tests: the fake Genesys server seeded from the stack outputs, and
 * stateful fakes of the AWS side (aws-sdk-client-mock on client instances) that hold exactly what the stack
 * would have created. Tests break one thing and run `scripts/smoke.ts` in-process against it.
 *
 *     const world = await SmokeWorld.start("dev");
 *     world.aws.rules.get("genesys-dev-presence")!.State = "DISABLED";
 *     const code = await main(["--env", "dev", "--outputs", world.outputsFile], world.deps());
 *     await world.stop();
 *
 * Delivery: when the fake server publishes an audit notification (the canary's description change), the world
 * wraps it in the EventBridge envelope and, after `deliveryDelayMs`, puts it into the canary target (log group
 * or queue), unless `deliver` is false or the canary rule is disabled.
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
import { DescribeSecretCommand, GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { EnvironmentConfig, loadEnvironment } from "../../environments";
import { expectedPattern } from "../../scripts/lib/smoke/checks-aws";
import type { StackOutputs } from "../../scripts/lib/aws/stack-outputs";
import type { SmokeDeps } from "../../scripts/smoke";
import { eventBridgeEnvelope } from "./eventbridge-envelope";
import { FakeGenesysServer } from "./fake-genesys-server";
import { buildStackOutputs, FAKE_ORG_ID, writeOutputsFile } from "./stack-outputs-fixture";

const HOME_DIVISION = "5b3f7c1e-0000-4000-8000-00000000d1v0";

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

export interface FakeSecret {
  value?: string;
  stages: Record<string, string[]>;
}

/** The AWS resources the fakes answer from. Change them to break one thing. */
export interface FakeAwsState {
  eventSource?: { Name: string; State: string; CreatedBy: string };
  buses: Map<string, { Name: string; Arn: string }>;
  rules: Map<string, { Name: string; State: string; EventPattern: string; targets: Target[] }>;
  archives: Map<string, { ArchiveName: string; State: string; EventSourceArn: string; RetentionDays: number }>;
  queues: Map<string, FakeQueue>;
  logGroups: Map<string, FilteredLogEvent[]>;
  secrets: Map<string, FakeSecret>;
}

export class SmokeWorld {
  readonly aws: FakeAwsState;
  readonly clients = {
    eventBridge: new EventBridgeClient({ region: "us-east-1", credentials: { accessKeyId: "AKIAFAKE", secretAccessKey: "fake" } }),
    sqs: new SQSClient({ region: "us-east-1", credentials: { accessKeyId: "AKIAFAKE", secretAccessKey: "fake" } }),
    secretsManager: new SecretsManagerClient({ region: "us-east-1", credentials: { accessKeyId: "AKIAFAKE", secretAccessKey: "fake" } }),
    logs: new CloudWatchLogsClient({ region: "us-east-1", credentials: { accessKeyId: "AKIAFAKE", secretAccessKey: "fake" } }),
  };
  readonly mocks: {
    eventBridge: AwsClientStub<EventBridgeClient>;
    sqs: AwsClientStub<SQSClient>;
    secretsManager: AwsClientStub<SecretsManagerClient>;
    logs: AwsClientStub<CloudWatchLogsClient>;
  };
  /** Simulate Genesys -> EventBridge delivery of audit events. */
  deliver = true;
  deliveryDelayMs = 150;
  /** Envelopes delivered so far. */
  readonly delivered: unknown[] = [];
  readonly outputsFile: string;

  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(
    readonly environment: EnvironmentConfig,
    readonly outputs: StackOutputs,
    readonly genesys: FakeGenesysServer,
    private readonly dir: string,
  ) {
    this.outputsFile = writeOutputsFile(dir, outputs);
    this.aws = healthyAws(environment, outputs);
    this.mocks = {
      eventBridge: mockClient(this.clients.eventBridge),
      sqs: mockClient(this.clients.sqs),
      secretsManager: mockClient(this.clients.secretsManager),
      logs: mockClient(this.clients.logs),
    };
    this.wireMocks();
    genesys.onAuditEvent((notification) => {
      if (!this.deliver) return;
      const envelope = eventBridgeEnvelope(notification, {
        source: outputs.partner_event_source_name,
        account: environment.aws.accountId,
        region: environment.aws.region,
      });
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.deliverToCanary(envelope);
      }, this.deliveryDelayMs);
      this.timers.add(timer);
    });
  }

  /** Seeds the fake Genesys server and the AWS fakes with a healthy `environment`, and starts the server. */
  static async start(environment = "dev"): Promise<SmokeWorld> {
    const config = loadEnvironment(environment);
    const outputs = buildStackOutputs(environment);
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
    for (const service of config.services) {
      const out = outputs.services[service.name];
      server.addRole({
        id: out.role_id,
        name: `${environment}-${service.name}`,
        permissionPolicies: service.permissionPolicies.map((p) => ({ domain: p.domain, entityName: p.entityName, actionSet: [...p.actionSet] })),
      });
      out.client_ids.forEach((id, i) =>
        server.addOAuthClient({
          id,
          secret: `fake-${service.name}-${"ab"[i]}-${randomUUID()}`,
          name: `${environment}-${service.name}-${"ab"[i]}`,
          description: service.description,
          roleDivisions: [{ roleId: out.role_id, divisionId: HOME_DIVISION }],
          accessTokenValiditySeconds: service.accessTokenValiditySeconds,
        }),
      );
    }
    await server.start();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "smoke-world-"));
    const world = new SmokeWorld(config, outputs, server, dir);
    for (const service of config.services) world.storeCredential(service.name, 0);
    return world;
  }

  /** Writes the credential of client `index` (0 = a) of `service` as the secret's AWSCURRENT value. */
  storeCredential(service: string, index: number): void {
    const out = this.outputs.services[service];
    const clientId = out.client_ids[index];
    const value = JSON.stringify({
      clientId,
      clientSecret: this.genesys.secretOf(clientId),
      region: this.environment.genesys.region,
      rotatedAt: new Date().toISOString(),
      client: "ab"[index],
      environment: this.environment.name,
      service,
    });
    this.aws.secrets.set(out.secret_arn, { value, stages: { [randomUUID()]: ["AWSCURRENT"] } });
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
      ...overrides,
    };
  }

  /** The names of every AWS command sent, in order. */
  awsCommands(): string[] {
    return Object.values(this.mocks).flatMap((m) => m.calls().map((c) => (c.args[0] as { constructor: { name: string } }).constructor.name));
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    for (const m of Object.values(this.mocks)) m.restore();
    await this.genesys.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private deliverToCanary(envelope: ReturnType<typeof eventBridgeEnvelope>): void {
    const route = this.outputs.canary;
    if (!route) return;
    const rule = this.aws.rules.get(this.outputs.rules[route.rule].name);
    if (!rule || rule.State !== "ENABLED") return;
    const pattern = JSON.parse(rule.EventPattern) as { "detail-type"?: string[] };
    if (pattern["detail-type"] && !pattern["detail-type"].includes(envelope["detail-type"])) return;
    const target = this.outputs.rules[route.rule].targets[route.target];
    const body = JSON.stringify(envelope);
    this.delivered.push(envelope);
    if (target.type === "cloudwatch-logs") {
      const group = this.aws.logGroups.get(target.log_group_name);
      const now = Date.now();
      group?.push({ logStreamName: `${envelope.id}`, timestamp: Date.parse(envelope.time), ingestionTime: now, message: body, eventId: randomUUID() });
    } else if (target.type === "sqs") {
      this.aws.queues.get(target.queue_url)?.messages.push({ id: randomUUID(), body, sentAt: Date.now(), receipt: randomUUID() });
    }
  }

  private wireMocks(): void {
    const state = this.aws;
    const eb = this.mocks.eventBridge;
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
      const rule = state.rules.get(input.Name ?? "");
      if (!rule || !state.buses.has(input.EventBusName ?? "")) throw awsError("ResourceNotFoundException", `Rule ${input.Name} does not exist on EventBus ${input.EventBusName}.`);
      return { Name: rule.Name, State: rule.State, EventPattern: rule.EventPattern, EventBusName: input.EventBusName };
    });
    eb.on(ListTargetsByRuleCommand).callsFake((input: { Rule?: string }) => {
      const rule = state.rules.get(input.Rule ?? "");
      if (!rule) throw awsError("ResourceNotFoundException", `Rule ${input.Rule} does not exist.`);
      return { Targets: rule.targets.map((t) => ({ ...t })) };
    });
    eb.on(DescribeArchiveCommand).callsFake((input: { ArchiveName?: string }) => {
      const archive = state.archives.get(input.ArchiveName ?? "");
      if (!archive) throw awsError("ResourceNotFoundException", `Archive ${input.ArchiveName} does not exist.`);
      return { ...archive, EventCount: 42 };
    });

    const sqs = this.mocks.sqs;
    sqs.on(GetQueueAttributesCommand).callsFake((input: { QueueUrl?: string }) => {
      const queue = state.queues.get(input.QueueUrl ?? "");
      if (!queue) throw awsError("QueueDoesNotExist", "The specified queue does not exist.");
      return {
        Attributes: {
          ApproximateNumberOfMessages: String(queue.visible + queue.messages.length),
          ApproximateNumberOfMessagesNotVisible: String(queue.notVisible),
          ApproximateNumberOfMessagesDelayed: "0",
        },
      };
    });
    sqs.on(ReceiveMessageCommand).callsFake((input: { QueueUrl?: string; MaxNumberOfMessages?: number }) => {
      const queue = state.queues.get(input.QueueUrl ?? "");
      if (!queue) throw awsError("QueueDoesNotExist", "The specified queue does not exist.");
      const messages = queue.messages.slice(0, input.MaxNumberOfMessages ?? 1);
      return { Messages: messages.map((m) => ({ MessageId: m.id, Body: m.body, ReceiptHandle: m.receipt, Attributes: { SentTimestamp: String(m.sentAt) } })) };
    });
    sqs.on(DeleteMessageCommand).callsFake((input: { QueueUrl?: string; ReceiptHandle?: string }) => {
      const queue = state.queues.get(input.QueueUrl ?? "");
      if (queue) queue.messages = queue.messages.filter((m) => m.receipt !== input.ReceiptHandle);
      return {};
    });

    this.mocks.logs.on(FilterLogEventsCommand).callsFake((input: { logGroupName?: string; filterPattern?: string; startTime?: number }) => {
      const group = state.logGroups.get(input.logGroupName ?? "");
      if (!group) throw awsError("ResourceNotFoundException", "The specified log group does not exist.");
      const term = (input.filterPattern ?? "").replace(/^"|"$/g, "");
      return { events: group.filter((e) => (e.message ?? "").includes(term) && (e.timestamp ?? 0) >= (input.startTime ?? 0)) };
    });

    const sm = this.mocks.secretsManager;
    sm.on(DescribeSecretCommand).callsFake((input: { SecretId?: string }) => {
      const secret = state.secrets.get(input.SecretId ?? "");
      if (!secret) throw awsError("ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
      return { ARN: input.SecretId, Name: input.SecretId, VersionIdsToStages: secret.stages };
    });
    sm.on(GetSecretValueCommand).callsFake((input: { SecretId?: string; VersionStage?: string }) => {
      const secret = state.secrets.get(input.SecretId ?? "");
      if (!secret) throw awsError("ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
      const version = Object.entries(secret.stages).find(([, stages]) => stages.includes(input.VersionStage ?? "AWSCURRENT"));
      if (!version || secret.value === undefined) {
        throw awsError("ResourceNotFoundException", `Secrets Manager can't find the specified secret value for staging label: ${input.VersionStage}`);
      }
      return { ARN: input.SecretId, VersionId: version[0], SecretString: secret.value, VersionStages: version[1] };
    });
  }
}

/** What the stack creates for `environment`, in the shape the fakes serve. */
function healthyAws(environment: EnvironmentConfig, outputs: StackOutputs): FakeAwsState {
  const state: FakeAwsState = {
    eventSource: { Name: outputs.partner_event_source_name, State: "ACTIVE", CreatedBy: "genesys.com" },
    buses: new Map([[outputs.event_bus_name, { Name: outputs.event_bus_name, Arn: outputs.event_bus_arn }]]),
    rules: new Map(),
    archives: new Map([
      [outputs.archive_name, { ArchiveName: outputs.archive_name, State: "ENABLED", EventSourceArn: outputs.event_bus_arn, RetentionDays: environment.archive.retentionDays }],
    ]),
    queues: new Map(),
    logGroups: new Map(),
    secrets: new Map(),
  };
  for (const rule of environment.rules) {
    const out = outputs.rules[rule.name];
    state.rules.set(out.name, {
      Name: out.name,
      State: rule.enabled === false ? "DISABLED" : "ENABLED",
      EventPattern: JSON.stringify(expectedPattern(rule)),
      targets: rule.targets.map((t) => {
        const targetOut = out.targets[t.name];
        const retry = { ...environment.retry, ...t.retry };
        state.queues.set(targetOut.dead_letter_queue_url, { messages: [], visible: 0, notVisible: 0 });
        if (targetOut.queue_url) state.queues.set(targetOut.queue_url, { messages: [], visible: 0, notVisible: 0 });
        if (targetOut.log_group_name) state.logGroups.set(targetOut.log_group_name, []);
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
