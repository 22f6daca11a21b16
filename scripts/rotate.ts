#!/usr/bin/env node
/**
 * rotate: the monthly OAuth secret rotation job (issue 3; see docs/rotation.md).
 *
 *   npm run rotate -- --env prod --all [--dry-run] [--json] [--outputs FILE] [--audit-log FILE]
 *
 * This file is argument parsing and wiring; the protocol is scripts/lib/rotation/ (index: rotation.ts), the
 * Secrets Manager side scripts/lib/aws/secret-store.ts, the summary and exit codes scripts/lib/rotation/report.ts.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import yargs from "yargs";
import { BadInputError, parseCommandLine, ParseOutcome } from "./lib/cli";
import { loadEnvironment } from "../environments";
import { resolveRetryPolicy } from "./lib/retry";
import type { RetryPolicy } from "./lib/genesys/client";
import { Redactor, safeErrorMessage } from "./lib/redact";
import { realSleep } from "./lib/retry";
// Types and light values only: the Genesys and AWS SDKs (and the protocol, which loads them) are imported in main()
// once the command line is valid, so `--help` and usage errors start without them (issue #13: CLIs that start at once).
import { ROTATOR_SERVICE, RequestMeter } from "./lib/rotation/types";
import type { AuditEntry, Credential, RotationContext, RotationStep, RotatorSession, ServiceResult, ServiceTarget } from "./lib/rotation/rotation";
import {
  EXIT_CODES_HELP,
  EXIT_FAILED_UNCHANGED,
  EXIT_INTERNAL,
  EXIT_NOTHING_TO_DO,
  EXIT_USAGE,
  RotationReport,
  exitCodeOf,
  outcomeText,
  renderRecovery,
  renderTable,
} from "./lib/rotation/report";

import { StackOutputs, StackOutputsError, defaultOutputsPath, loadStackOutputs } from "./lib/aws/stack-outputs";

export * from "./lib/rotation/report";

const ENVIRONMENTS = ["dev", "staging", "prod"] as const;
export const DEFAULT_AUDIT_LOG = "rotation-audit.jsonl";
/**
 * A week: longer than any re-run or retry of one monthly rotation, much shorter than the month between two.
 * Consumers re-read AWSCURRENT on a 401 (docs/rotation.md); the guard is for those that cache it longer.
 */
export const DEFAULT_MIN_AGE_DAYS = 7;

/** The part of an environment's configuration the job reads. */
export interface RotationConfig {
  readonly genesys: { readonly region: string };
  readonly aws: { readonly region: string };
  readonly services: ReadonlyArray<{ readonly name: string; readonly clients: 1 | 2 }>;
}

/** What `main` takes from the outside world; tests inject all of it. */
export interface RotateDeps {
  /** @default new SecretsManagerClient({ region: config aws.region }) (standard SDK credentials and endpoints) */
  readonly secretsManager?: SecretsManagerClient;
  /** @default real setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Clock for timestamps. @default () => new Date() */
  readonly now?: () => Date;
  readonly stdout?: (text: string) => void;
  readonly stderr?: (text: string) => void;
  /** GENESYSCLOUD_GATEWAY_*, GENESYSCLOUD_OAUTHCLIENT_ID/_SECRET, GITHUB_RUN_ID. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** @default loadEnvironment from environments/ */
  readonly loadConfig?: (environment: string) => RotationConfig;
  /** Appends one line to the audit log. @default fs.appendFileSync */
  readonly appendAudit?: (file: string, line: string) => void;
  /** Overrides of the Genesys retry policy. */
  readonly genesysRetry?: Partial<RetryPolicy>;
  /** Timeout of one Genesys request in ms. @default the client's (16 s) */
  readonly genesysTimeoutMs?: number;
  /** Called after each successful protocol step; a throw is a crash of the process at that point (crash tests). */
  readonly afterStep?: (step: RotationStep, service: string) => void | Promise<void>;
  /** Awaited at every protocol boundary (the interleaving harness). */
  readonly pause?: (point: string, service: string) => Promise<void>;
  /** Who runs this, as written into the lock. @default from GITHUB_* or user@host pid */
  readonly owner?: string;
  /** Lock lease in ms. @default DEFAULT_LEASE_MS (1 hour) */
  readonly leaseMs?: number;
}

/** Who runs this job, for the lock: the CI run, or the user and machine. */
function runOwner(env: Readonly<Record<string, string | undefined>>): string {
  if (env.GITHUB_RUN_ID) {
    return `GitHub Actions ${env.GITHUB_REPOSITORY ?? "?"} workflow "${env.GITHUB_WORKFLOW ?? "?"}" run ${env.GITHUB_RUN_ID} attempt ${env.GITHUB_RUN_ATTEMPT ?? "1"} (actor ${env.GITHUB_ACTOR ?? "?"})`;
  }
  let user = "unknown";
  try {
    user = os.userInfo().username;
  } catch {
    // no user name on this system
  }
  return `${user}@${os.hostname()} pid ${process.pid}`;
}

interface Args {
  env: (typeof ENVIRONMENTS)[number];
  service?: string[];
  all: boolean;
  "dry-run": boolean;
  "bootstrap-only": boolean;
  json: boolean;
  outputs?: string;
  "audit-log": string;
  "run-id"?: string;
  "credentials-from-env": boolean;
  "break-lock": boolean;
  "min-age-days": number;
}

const EPILOG = `Rotates the OAuth client secrets of the selected services. Each service has clients a and b: the one that
is NOT active (not named by the secret's AWSCURRENT) gets a new secret (reset once, never retried after a timeout
or 5xx), stored as AWSPENDING, tested (login), made AWSCURRENT and tested again (moved back if it died); the
previously active client keeps working until the next rotation. An empty secret is bootstrapped with client a. A
run interrupted half-way is resumed by running again.

One run at a time per secret: each service's secret carries a rotation lock (staging label ROTATION_LOCK, owner and
1-hour lease). A run that finds it held stops for that service, naming the holder; --break-lock takes it anyway
(only when the holder is surely dead; docs/rotation.md). A secret with RotationEnabled (an AWS rotation Lambda) is
left alone with an error.

The rotator logs in with the AWSCURRENT credential of the "${ROTATOR_SERVICE}" service's secret, or, while that secret is
empty (first run) or with --credentials-from-env, with GENESYSCLOUD_OAUTHCLIENT_ID / GENESYSCLOUD_OAUTHCLIENT_SECRET.
GENESYSCLOUD_GATEWAY_HOST/_PORT/_PROTOCOL redirect Genesys calls; AWS credentials, region and endpoints follow
the AWS SDK's standard settings.

${EXIT_CODES_HELP}`;

function parseArgs(argv: readonly string[], stdout: (t: string) => void, stderr: (t: string) => void): ParseOutcome<Args> {
  const parser = yargs([...argv])
    .usage("npm run rotate -- --env <dev|staging|prod> (--service NAME ... | --all) [--dry-run] [--min-age-days N] [--break-lock] [--json] [--outputs FILE] [--audit-log FILE]")
    .option("env", { type: "string", choices: ENVIRONMENTS, demandOption: true, describe: "environment whose secrets to rotate" })
    .option("service", { type: "string", array: true, describe: "service to rotate (repeatable), as named in environments/<env>.ts" })
    .option("all", { type: "boolean", default: false, describe: "rotate every service of the environment (the rotator's own last)" })
    .option("dry-run", { type: "boolean", default: false, describe: "read and report what would be done; no write to Genesys or AWS" })
    .option("bootstrap-only", { type: "boolean", default: false, describe: "only fill secrets that have no AWSCURRENT yet (first deploy); others are left alone" })
    .option("json", { type: "boolean", default: false, describe: "print the report as JSON on stdout instead of a table" })
    .option("outputs", { type: "string", describe: "stack outputs file (default outputs/<env>.json)" })
    .option("audit-log", { type: "string", default: DEFAULT_AUDIT_LOG, describe: "JSON-lines audit log to append to (no secrets)" })
    .option("run-id", { type: "string", describe: "CI run id (default $GITHUB_RUN_ID): a re-run of the same run does not rotate a service twice" })
    .option("break-lock", {
      type: "boolean",
      default: false,
      describe: "take each selected service's rotation lock even if another run's lease has not expired (only when that run is surely dead; docs/rotation.md)",
    })
    .option("credentials-from-env", { type: "boolean", default: false, describe: "log the rotator in with GENESYSCLOUD_OAUTHCLIENT_ID/_SECRET even if its secret has a value (recovery)" })
    .option("min-age-days", {
      type: "number",
      default: DEFAULT_MIN_AGE_DAYS,
      describe: "skip a service whose AWSCURRENT is younger than this many days (its previous client may still be in use); 0 rotates regardless, e.g. after a leak",
    })
    .showHelpOnFail(false)
    .check((a) => {
      const minAge = a["min-age-days"];
      if (!Number.isFinite(minAge) || minAge < 0) throw new Error(`--min-age-days must be a number of days >= 0 (got ${String(minAge)}).`);
      const services = a.service ?? [];
      if (a.all && services.length > 0) throw new Error("Use either --service NAME or --all, not both.");
      if (!a.all && services.length === 0) throw new Error("Select services with --service NAME or --all.");
      return true;
    })
    .epilogue(EPILOG);
  return parseCommandLine<Args>("rotate", parser, argv, { stdout, stderr }, EXIT_USAGE);
}

/** A failure of the job's inputs (configuration, outputs, selection): nothing was changed. */
class InputError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

function selectTargets(args: Args, config: RotationConfig, outputs: StackOutputs, outputsFile: string): { targets: ServiceTarget[]; warnings: string[] } {
  const known = config.services.map((s) => s.name);
  const names = args.all ? known : [...new Set(args.service ?? [])];
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length > 0) {
    throw new InputError(
      `Unknown service${unknown.length > 1 ? "s" : ""} ${unknown.map((n) => `"${n}"`).join(", ")} in environment ${args.env}: ` +
        `expected one of ${known.join(", ") || "(none configured)"} (environments/${args.env}.ts).`,
      EXIT_USAGE,
    );
  }
  const warnings: string[] = [];
  const targets = names.map((name): ServiceTarget => {
    const out = outputs.services[name];
    if (!out) {
      throw new InputError(
        `Service "${name}" is configured but missing from the stack outputs ${outputsFile}: apply the stack, then refresh the outputs file.`,
        EXIT_FAILED_UNCHANGED,
      );
    }
    const configured = config.services.find((s) => s.name === name)?.clients;
    if (configured !== undefined && configured !== out.client_ids.length) {
      warnings.push(
        `service ${name}: the config says ${configured} client(s) but the stack outputs list ${out.client_ids.length}; rotating the deployed clients (apply the stack to converge).`,
      );
    }
    return { name, clientIds: out.client_ids, secretId: out.secret_arn, secretName: out.secret_name };
  });
  // The rotator's own service last: a failure there cannot block the others.
  targets.sort((a, b) => Number(a.name === ROTATOR_SERVICE) - Number(b.name === ROTATOR_SERVICE));
  return { targets, warnings };
}

function loadInputs(args: Args, loadConfig: (e: string) => RotationConfig): { config: RotationConfig; outputs: StackOutputs; outputsFile: string } {
  let config: RotationConfig;
  try {
    config = loadConfig(args.env);
  } catch (err) {
    throw new InputError(`Configuration of environment ${args.env} is invalid: ${err instanceof Error ? err.message : String(err)}`, EXIT_FAILED_UNCHANGED);
  }
  const outputsFile = args.outputs ?? defaultOutputsPath(args.env);
  let outputs: StackOutputs;
  try {
    outputs = loadStackOutputs(args.env, outputsFile);
  } catch (err) {
    // A missing or invalid outputs file is bad input, exit 2, as in smoke.
    throw new InputError(err instanceof Error ? err.message : String(err), err instanceof StackOutputsError ? EXIT_USAGE : EXIT_FAILED_UNCHANGED);
  }
  if (outputs.genesys_region !== config.genesys.region) {
    throw new InputError(
      `Stack outputs ${outputsFile} say Genesys region ${outputs.genesys_region}, but environments/${args.env}.ts says ${config.genesys.region}: ` +
        "the outputs are stale or from another environment; apply and refresh them.",
      EXIT_FAILED_UNCHANGED,
    );
  }
  if (outputs.aws_region !== config.aws.region) {
    throw new InputError(
      `Stack outputs ${outputsFile} say AWS region ${outputs.aws_region}, but environments/${args.env}.ts says ${config.aws.region}: refresh the outputs file.`,
      EXIT_FAILED_UNCHANGED,
    );
  }
  return { config, outputs, outputsFile };
}

function environmentCredential(env: Readonly<Record<string, string | undefined>>, redactor: Redactor): Credential | undefined {
  const clientId = env.GENESYSCLOUD_OAUTHCLIENT_ID?.trim();
  const clientSecret = env.GENESYSCLOUD_OAUTHCLIENT_SECRET;
  if (clientSecret) redactor.add(clientSecret);
  if (!clientId || !clientSecret) return undefined;
  redactor.addCredential(clientId, clientSecret);
  return { clientId, clientSecret };
}

/** Runs the CLI and returns its exit code; never calls process.exit. */
export async function main(argv: readonly string[], deps: RotateDeps = {}): Promise<number> {
  const redactor = new Redactor();
  const rawOut = deps.stdout ?? ((t: string) => void process.stdout.write(t));
  const rawErr = deps.stderr ?? ((t: string) => void process.stderr.write(t));
  const stdout = (text: string) => rawOut(redactor.redact(text));
  const stderr = (text: string) => rawErr(redactor.redact(text));
  const env = deps.env ?? process.env;
  // Known before anything can print it.
  const envCredential = environmentCredential(env, redactor);

  const parsed = parseArgs(argv, stdout, stderr);
  if (parsed.kind === "exit") return parsed.code;
  const { args } = parsed;
  const [{ SecretsManagerClient }, { GenesysClient, gatewayFromEnv }, { SecretStore }, { authenticateRotator, rotateService, RotatorAuthError }] = await Promise.all([
    import("@aws-sdk/client-secrets-manager"),
    import("./lib/genesys/client"),
    import("./lib/aws/secret-store"),
    import("./lib/rotation/rotation"),
  ]);
  // Bad input (exit 2) before anything runs: GENESYSCLOUD_GATEWAY_PORT=abc and the like.
  try {
    gatewayFromEnv(env);
  } catch (err) {
    if (!(err instanceof BadInputError)) throw err;
    stderr(`rotate: bad input: ${err.message}\n`);
    return EXIT_USAGE;
  }
  const now = deps.now ?? (() => new Date());
  const meter = new RequestMeter();
  const results: ServiceResult[] = [];
  let rotator: RotatorSession | undefined;
  let authRequests = 0;
  let awsCalls = (): number => 0;

  const report = (exitCode: number, error?: string): number => {
    const r: RotationReport = {
      environment: args.env,
      dryRun: args["dry-run"],
      exitCode,
      outcome: outcomeText(exitCode),
      rotator: rotator ? { clientId: rotator.session.clientId, source: rotator.source } : undefined,
      genesysRequests: { total: meter.total, authentication: authRequests },
      awsCalls: awsCalls(),
      services: results,
      error,
    };
    if (args.json) stdout(redactor.stringify(r, 2) + "\n");
    else stdout(renderTable(r));
    if (error) stderr(`rotate: ${error}\n`);
    stderr(renderRecovery(r));
    return exitCode;
  };

  const auditFile = path.resolve(args["audit-log"]);
  const append = deps.appendAudit ?? ((file: string, line: string) => fs.appendFileSync(file, line));
  let auditBroken = false;
  const audit = (entry: AuditEntry) => {
    try {
      append(auditFile, redactor.stringify(entry) + "\n");
    } catch (err) {
      if (!auditBroken) stderr(`rotate: WARNING: cannot write the audit log ${auditFile}: ${safeErrorMessage(err, redactor)}\n`);
      auditBroken = true;
    }
  };

  try {
    const { config, outputs, outputsFile } = loadInputs(args, deps.loadConfig ?? loadEnvironment);
    const { targets, warnings } = selectTargets(args, config, outputs, outputsFile);
    for (const w of warnings) stderr(`rotate: WARNING: ${w}\n`);
    if (targets.length === 0) return report(EXIT_NOTHING_TO_DO, `no services are configured in environment ${args.env}; nothing to do.`);

    const knownIds = Object.values(outputs.services).flatMap((s) => s.client_ids);
    const store = new SecretStore(deps.secretsManager ?? new SecretsManagerClient({ region: config.aws.region }), redactor, knownIds);
    awsCalls = () => store.calls;
    const sleep = deps.sleep ?? realSleep;
    const newSession = (credential: Credential) =>
      new GenesysClient({
        region: config.genesys.region,
        clientId: credential.clientId,
        clientSecret: credential.clientSecret,
        env,
        sleep,
        // The retry bound (maxElapsedMs) runs on the job's clock, the one the lock's lease is measured with.
        now: () => now().getTime(),
        redactor,
        retry: deps.genesysRetry,
        timeoutMs: deps.genesysTimeoutMs,
        onEvent: meter.observe,
        log: (line) => stderr(`rotate: ${line}\n`),
      });
    const rerunArgs = [`--env ${args.env}`, ...(args.outputs ? [`--outputs ${args.outputs}`] : [])];
    const ctx: RotationContext = {
      environment: args.env,
      genesysRegion: config.genesys.region,
      store,
      redactor,
      meter,
      newSession,
      dryRun: args["dry-run"],
      bootstrapOnly: args["bootstrap-only"],
      runId: args["run-id"] ?? (env.GITHUB_RUN_ID?.trim() || undefined),
      owner: deps.owner ?? runOwner(env),
      breakLock: args["break-lock"],
      leaseMs: deps.leaseMs,
      genesysMaxElapsedMs: resolveRetryPolicy(deps.genesysRetry).maxElapsedMs,
      awsCalls: () => store.calls,
      pause: deps.pause,
      minAgeDays: args["min-age-days"],
      now,
      sleep,
      log: (line) => stderr(`rotate: ${line}\n`),
      audit,
      afterStep: deps.afterStep,
      rerunCommand: (service) => `npm run rotate -- ${rerunArgs.join(" ")} --service ${service}`,
    };

    try {
      rotator = await authenticateRotator(ctx, {
        secretId: outputs.services[ROTATOR_SERVICE]?.secret_arn,
        environmentCredential: envCredential,
        preferEnvironment: args["credentials-from-env"],
      });
    } catch (err) {
      authRequests = meter.total;
      if (err instanceof RotatorAuthError) return report(EXIT_FAILED_UNCHANGED, err.message);
      throw err;
    }
    authRequests = meter.total;

    for (const target of targets) {
      results.push(await rotateService(ctx, rotator, target));
    }
    return report(exitCodeOf(results));
  } catch (err) {
    if (err instanceof InputError) {
      if (err.exitCode === EXIT_USAGE) {
        stderr(`rotate: ${err.message}\n`);
        return EXIT_USAGE;
      }
      return report(err.exitCode, err.message);
    }
    return report(EXIT_INTERNAL, `internal error: ${safeErrorMessage(err, redactor)}`);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`rotate: internal error: ${safeErrorMessage(err, new Redactor())}\n`);
      process.exitCode = EXIT_INTERNAL;
    },
  );
}
