#!/usr/bin/env node
/**
 * smoke: post-deploy smoke tests of one environment, with an optional end-to-end canary.
 *
 *   npm run smoke -- --env dev [--canary] [--junit smoke.xml] [--json FILE|-] [--timeout 180] [--outputs FILE] [--only PREFIX ...]
 *
 * Logs in to Genesys Cloud as the `smoke-tests` service client (credential: AWSCURRENT of its secret), checks
 * the integration, OAuth clients and roles, then the AWS side (partner source, bus, rules, targets, DLQs,
 * archive, secrets), and with --canary provokes one event in the canary division and waits for it at the canary
 * target. Read-only, except the canary's one change to its own object, which is always restored.
 * The checks live in scripts/lib/smoke/; this file is argument parsing, wiring and I/O. See docs/smoke-tests.md.
 */
import type { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import type { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { SQSClient } from "@aws-sdk/client-sqs";
import yargs from "yargs";
import { BadInputError, OutputFileError, parseCommandLine, ParseOutcome, writeOutputFile } from "./lib/cli";
import { ENVIRONMENT_NAMES, EnvironmentConfig, loadEnvironment } from "../environments";
import type { GenesysGateway, RetryPolicy } from "./lib/genesys/client";
import { Redactor, safeErrorMessage } from "./lib/redact";
import { realSleep } from "./lib/retry";
import type { SmokeContext } from "./lib/smoke/context";
import type { SmokeResult } from "./lib/smoke/types";
import { loadStackOutputs, StackOutputs } from "./lib/aws/stack-outputs";

/**
 * The modules that load the Genesys and AWS SDKs (and, through the canary, the generated Genesys bindings): about
 * half a second, so they are loaded only once the command line is valid; `--help` and usage errors answer at once.
 */
async function loadChecks() {
  const [logs, eventBridge, secretsManager, sqs, genesys, canary, checksAws, preconditions, checksGenesys, context, credentials, report, runner] = await Promise.all([
    import("@aws-sdk/client-cloudwatch-logs"),
    import("@aws-sdk/client-eventbridge"),
    import("@aws-sdk/client-secrets-manager"),
    import("@aws-sdk/client-sqs"),
    import("./lib/genesys/client"),
    import("./lib/smoke/canary"),
    import("./lib/smoke/checks-aws"),
    import("./lib/smoke/preconditions"),
    import("./lib/smoke/checks-genesys"),
    import("./lib/smoke/context"),
    import("./lib/smoke/credentials"),
    import("./lib/smoke/report"),
    import("./lib/smoke/runner"),
  ]);
  return { ...logs, ...eventBridge, ...secretsManager, ...sqs, ...genesys, ...canary, ...checksAws, ...preconditions, ...checksGenesys, ...context, ...credentials, ...report, ...runner };
}
type Checks = Awaited<ReturnType<typeof loadChecks>>;

export const EXIT_OK = 0;
/** At least one check failed. */
export const EXIT_FAILED = 1;
/** Bad arguments, unknown environment, missing or invalid stack outputs, or --only matching nothing. */
export const EXIT_BAD_INPUT = 2;
/** Unexpected internal error (a bug). */
export const EXIT_ERROR = 3;

export const DEFAULT_TIMEOUT_SECONDS = 180;

/** The AWS SDK v3 clients the smoke tests use; injected by tests (aws-sdk-client-mock). */
export interface SmokeAwsClients {
  readonly eventBridge: EventBridgeClient;
  readonly sqs: SQSClient;
  readonly secretsManager: SecretsManagerClient;
  readonly logs: CloudWatchLogsClient;
}

/** Everything `main` touches outside itself. All optional; defaults are the real process, clock and AWS. */
export interface SmokeDeps {
  readonly stdout?: (text: string) => void;
  readonly stderr?: (text: string) => void;
  readonly writeFile?: (file: string, text: string) => void;
  /** Default: clients for the environment's AWS region with the SDK's standard credential chain. */
  readonly aws?: SmokeAwsClients;
  /** Where GENESYSCLOUD_GATEWAY_* are read. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Explicit Genesys gateway (overrides `env`); null: none. */
  readonly gateway?: GenesysGateway | null;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
  /** Genesys retry policy overrides (the time bound is always capped by --timeout). */
  readonly genesysRetry?: Partial<RetryPolicy>;
  /** Canary poll interval. @default 2000 */
  readonly canaryPollIntervalMs?: number;
  /** Makes the canary's unique token. */
  readonly canaryToken?: (environment: string, now: number) => string;
  /** Reads an environment's configuration. @default loadEnvironment (environments/<env>.ts); tests vary the route */
  readonly loadEnvironment?: (name: string) => EnvironmentConfig;
}

const EPILOG = `Checks (ids; --only takes id prefixes, with or without the area, e.g. "token", "aws.dlq", "genesys.role"):
  aws.credentials                  (precondition) the AWS SDK finds credentials; without them the rest is blocked
  genesys.token.<service>          the service's AWSCURRENT credential gets a token for one of its clients (tokens/me)
  genesys.integration.state        integration exists, amazon-eventbridge-source, ENABLED, reported ACTIVE
  genesys.integration.config       config properties = the environment (suffix, account, region, topic list)
  genesys.client.<service>.<a|b>   OAuth client exists, active, CLIENT-CREDENTIALS, holds the service role and no other
  genesys.role.<service>           role has exactly the configured permissions (a * counts as extra)
  genesys.topics                   every eventFilter topic is available with the EventBridge transport
  genesys.grant.canary             the canary role (exactly its trigger's permissions) is granted to the smoke
                                   clients in the canary division only
  aws.event-source                 partner event source is ACTIVE
  aws.event-bus                    bus exists and is bound to the partner source
  aws.rule.<rule>                  rule exists, ENABLED, carries the synthesized event pattern
  aws.target.<rule>.<target>       target attached with the retry policy and its dead-letter queue
  aws.dlq.<rule>.<target>          dead-letter queue is empty
  aws.archive                      archive exists, ENABLED, archives the bus
  aws.secret.<service>             service secret has an AWSCURRENT version
  canary.end-to-end                (--canary) an event provoked in the canary division reaches the canary
                                   target; blocked at once when a route check failed; latency reported

Exit codes:
  0  no check failed (skips are fine)
  1  at least one check failed
  2  bad arguments, unknown environment, missing/invalid stack outputs, or --only matched no check
  3  internal error

Read-only, except --canary: it changes the canary's own object in the canary division (default: the description
of the canary wrap-up code) and always restores it; on an SQS canary target it deletes only the canary's message.`;

interface Args {
  env: string;
  canary: boolean;
  junit?: string;
  json?: string;
  timeout: number;
  outputs?: string;
  only: string[];
}

/** yargs takes a lone "-" for a positional (stdin); `--json -` is joined into `--json=-` first. */
function joinDashValues(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--json" && argv[i + 1] === "-") {
      out.push("--json=-");
      i += 1;
    } else {
      out.push(argv[i]);
    }
  }
  return out;
}

function parseArgs(rawArgv: readonly string[], stdout: (t: string) => void, stderr: (t: string) => void): ParseOutcome<Args> {
  const argv = joinDashValues(rawArgv);
  const parser = yargs([...argv])
    .usage("$0 --env <dev|staging|prod> [--canary] [--junit FILE] [--json FILE|-] [--timeout SECONDS] [--outputs FILE] [--only PREFIX ...]")
    .option("env", { type: "string", choices: [...ENVIRONMENT_NAMES], demandOption: true, describe: "environment to test" })
    .option("canary", { type: "boolean", default: false, describe: "also run the end-to-end canary (one reversible change in the canary division)" })
    .option("junit", { type: "string", describe: "write JUnit XML to FILE (testsuite per area, testcase per check)" })
    .option("json", { type: "string", describe: "write the JSON report to FILE, or to stdout with '-' (the table then goes to stderr)" })
    .option("timeout", { type: "number", default: DEFAULT_TIMEOUT_SECONDS, describe: "bound of the whole run in seconds; the canary waits until then" })
    .option("outputs", { type: "string", describe: "stack outputs file (default outputs/<env>.json)" })
    .option("only", { type: "string", array: true, default: [] as string[], describe: "run only checks whose id starts with PREFIX (area optional)" })
    .epilogue(EPILOG);
  const outcome = parseCommandLine<Args>("smoke", parser, argv, { stdout, stderr }, EXIT_BAD_INPUT);
  if (outcome.kind === "exit") return outcome;
  const { args } = outcome;
  if (!Number.isFinite(args.timeout) || args.timeout <= 0) {
    stderr(`smoke: --timeout must be a positive number of seconds, got ${String(args.timeout)}\n`);
    return { kind: "exit", code: EXIT_BAD_INPUT };
  }
  args.only = args.only.flatMap((o) => o.split(/[\s,]+/)).filter(Boolean);
  return { kind: "run", args };
}

function defaultAwsClients(m: Checks, environment: EnvironmentConfig): SmokeAwsClients {
  const region = environment.aws.region;
  return {
    eventBridge: new m.EventBridgeClient({ region }),
    sqs: new m.SQSClient({ region }),
    secretsManager: new m.SecretsManagerClient({ region }),
    logs: new m.CloudWatchLogsClient({ region }),
  };
}

function progressLine(result: SmokeResult): string {
  return `smoke: ${result.status.toUpperCase().padEnd(4)} ${result.id} (${(result.durationMs / 1000).toFixed(2)} s)\n`;
}

/** Runs the CLI and returns its exit code; never calls process.exit. */
export async function main(argv: readonly string[], deps: SmokeDeps = {}): Promise<number> {
  const stdout = deps.stdout ?? ((t: string) => void process.stdout.write(t));
  const stderr = deps.stderr ?? ((t: string) => void process.stderr.write(t));
  const writeFile = deps.writeFile ?? writeOutputFile;
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? realSleep;
  const redactor = new Redactor();

  const parsed = parseArgs(argv, stdout, stderr);
  if (parsed.kind === "exit") return parsed.code;
  const { args } = parsed;
  const m = await loadChecks();
  // Bad input (exit 2), not failed checks: GENESYSCLOUD_GATEWAY_PORT=abc and the like.
  try {
    if (deps.gateway === undefined) m.gatewayFromEnv(deps.env ?? process.env);
  } catch (err) {
    if (!(err instanceof BadInputError)) throw err;
    stderr(`smoke: bad input: ${err.message}\n`);
    return EXIT_BAD_INPUT;
  }
  const startedAt = now();
  const deadline = startedAt + args.timeout * 1000;

  let environment: EnvironmentConfig;
  let outputs: StackOutputs;
  try {
    environment = (deps.loadEnvironment ?? loadEnvironment)(args.env);
    outputs = loadStackOutputs(args.env, args.outputs);
  } catch (err) {
    stderr(`smoke: ${redactor.redact(err instanceof Error ? err.message : String(err))}\n`);
    return EXIT_BAD_INPUT;
  }

  try {
    const aws = deps.aws ?? defaultAwsClients(m, environment);
    const context: SmokeContext = {
      environment,
      outputs,
      redactor,
      credentials: new m.CredentialReader(aws.secretsManager, redactor),
      genesysClientFor: (credential) =>
        new m.GenesysClient({
          region: environment.genesys.region,
          clientId: credential.clientId,
          clientSecret: credential.clientSecret,
          gateway: deps.gateway,
          env: deps.env,
          redactor,
          sleep,
          now,
          timeoutMs: Math.min(m.DEFAULT_TIMEOUT_MS, args.timeout * 1000),
          retry: { ...deps.genesysRetry, maxElapsedMs: Math.max(1, Math.min(deps.genesysRetry?.maxElapsedMs ?? Infinity, deadline - now())) },
          log: (line) => stderr(`${line}\n`),
        }),
    };
    const session = new m.SmokeSession(context);
    const all = [
      // The precondition first, then AWS: the token cases read the secrets that aws.secret.* check.
      m.awsCredentialsCase(aws),
      ...m.awsCases(context, aws),
      ...m.tokenCases(context, session),
      ...m.genesysCases(context, session),
      m.canaryCase(context, session, { logs: aws.logs, sqs: aws.sqs }, {
        enabled: args.canary,
        pollIntervalMs: deps.canaryPollIntervalMs,
        makeToken: deps.canaryToken,
        timeoutMs: args.timeout * 1000,
      }),
    ];
    const chosen = all.filter((c) => m.matchesOnly(c.id, args.only));
    // Preconditions run whenever a chosen case needs them, so a missing credential is reported once.
    const needed = new Set(chosen.flatMap((c) => c.dependsOn ?? []));
    const cases = chosen.length === 0 ? [] : all.filter((c) => chosen.includes(c) || (c.precondition && needed.has(c.id)));
    if (cases.length === 0) {
      stderr(`smoke: --only ${args.only.join(" ")} matches no check. Checks: ${all.map((c) => c.id).join(", ")}\n`);
      return EXIT_BAD_INPUT;
    }

    const results = await m.runCases(cases, {
      redactor,
      now,
      sleep,
      deadline,
      timeoutSeconds: args.timeout,
      onResult: (r) => stderr(redactor.redact(progressLine(r))),
    });
    const report = m.buildReport(args.env, startedAt, now(), results);
    const heading =
      `Smoke tests for ${args.env}: AWS ${environment.aws.accountId} ${environment.aws.region}, Genesys ${environment.genesys.region}, ` +
      `integration ${outputs.integration_id}${args.canary ? ", with canary" : ""}`;
    const table = m.renderTable(report, redactor, heading);
    if (args.json === "-") {
      stderr(table);
      stdout(m.renderJson(report, redactor));
    } else {
      stdout(table);
      if (args.json) writeFile(args.json, m.renderJson(report, redactor));
    }
    if (args.junit) writeFile(args.junit, m.renderJUnit(report, redactor));
    return report.ok ? EXIT_OK : EXIT_FAILED;
  } catch (err) {
    if (err instanceof OutputFileError) {
      stderr(`smoke: ${redactor.redact(err.message)}\n`);
      return EXIT_BAD_INPUT;
    }
    stderr(`smoke: internal error: ${safeErrorMessage(err, redactor)}\n`);
    return EXIT_ERROR;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      // Pending keep-alive sockets or abandoned retries must not hold the job open past the report.
      process.exit(code);
    },
    (err: unknown) => {
      process.stderr.write(`smoke: internal error: ${safeErrorMessage(err, new Redactor())}\n`);
      process.exit(EXIT_ERROR);
    },
  );
}
