#!/usr/bin/env node
/**
 * preflight: read-only checks before an apply (step one of README "First deploy"; the deploy job may run it before
 * each plan).
 *
 *   npm run preflight -- --env dev [--first-deploy]
 *
 * Logs in to Genesys as the client Terraform runs as (GENESYSCLOUD_OAUTHCLIENT_ID/_SECRET), checks that it holds
 * every permission the stack's Genesys resources need (environments/genesys-terraform-permissions.ts) and the
 * roles the stack grants; with the AWS SDK's standard credentials, checks the account, the state bucket and key,
 * and that the partner event source is not bound to another bus. Checks live in scripts/lib/preflight/.
 */
import yargs from "yargs";
import { parseCommandLine } from "./lib/cli";
import { ENVIRONMENT_NAMES, EnvironmentConfig, loadEnvironment } from "../environments";
import type { GenesysGateway, RetryPolicy } from "./lib/genesys/client";
import { Redactor, safeErrorMessage } from "./lib/redact";
import type { PreflightAwsClients, PreflightResult } from "./lib/preflight/checks";

export const EXIT_OK = 0;
/** At least one check failed. */
export const EXIT_FAILED = 1;
/** Bad arguments, unknown environment, invalid configuration, missing credentials or gateway settings. */
export const EXIT_BAD_INPUT = 2;
/** Unexpected internal error (a bug). */
export const EXIT_ERROR = 3;

const EPILOG = `Checks (read-only):
  genesys.login          GENESYSCLOUD_OAUTHCLIENT_ID/_SECRET (the client Terraform runs as) get a token
  genesys.permissions    that client holds every permission the stack's Genesys resources need
                         (environments/genesys-terraform-permissions.ts); missing ones are listed
  genesys.role.<name>    that client holds each role the stack grants to its service clients
                         (PENDING with --first-deploy: README "First deploy")
  aws.account            the AWS credentials are for the environment's account (sts:GetCallerIdentity)
  aws.state              the state bucket exists in stateBackend.region and the state key is readable (or absent)
  aws.logs-policy        the environment's CloudWatch Logs resource policy genesys-<env>-eventbridge-logs exists
                         and grants what its bootstrap stack declares (no pipeline role may create or repair it)
  aws.partner-source     the partner event source is absent, unbound, or bound to this environment's bus

Exit codes:
  0  no check failed (PENDING is not a failure)
  1  at least one check failed
  2  bad arguments, unknown environment, invalid configuration, missing credentials
  3  internal error`;

export interface PreflightDeps {
  readonly stdout?: (text: string) => void;
  readonly stderr?: (text: string) => void;
  /** GENESYSCLOUD_OAUTHCLIENT_ID/_SECRET, GENESYSCLOUD_GATEWAY_*. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Explicit Genesys gateway (overrides `env`). */
  readonly gateway?: GenesysGateway;
  /** @default clients for the environment's regions with the SDK's standard credentials */
  readonly aws?: PreflightAwsClients;
  readonly genesysRetry?: Partial<RetryPolicy>;
  readonly loadConfig?: (environment: string) => EnvironmentConfig;
}

interface Args {
  env: string;
  "first-deploy": boolean;
}

const MARK: Record<PreflightResult["status"], string> = { pass: "PASS", fail: "FAIL", pending: "PENDING", skip: "SKIP" };

export function renderResults(environment: string, results: readonly PreflightResult[]): string {
  const lines = results.map((r) => `${MARK[r.status].padEnd(8)}${r.id.padEnd(40)} ${r.detail}`);
  const count = (s: PreflightResult["status"]) => results.filter((r) => r.status === s).length;
  const verdict = count("fail") > 0 ? "FAILED" : "OK";
  return `Preflight of ${environment}\n${lines.join("\n")}\n${verdict}: ${count("pass")} passed, ${count("fail")} failed, ${count("pending")} pending, ${count("skip")} skipped\n`;
}

/** Runs the CLI and returns its exit code; never calls process.exit. */
export async function main(argv: readonly string[], deps: PreflightDeps = {}): Promise<number> {
  const stdout = deps.stdout ?? ((t: string) => void process.stdout.write(t));
  const stderr = deps.stderr ?? ((t: string) => void process.stderr.write(t));
  const env = deps.env ?? process.env;
  const redactor = new Redactor();
  const secret = env.GENESYSCLOUD_OAUTHCLIENT_SECRET;
  if (secret) redactor.add(secret);

  const parser = yargs([...argv])
    .usage("$0 --env <dev|staging|prod> [--first-deploy]")
    .option("env", { type: "string", choices: [...ENVIRONMENT_NAMES], demandOption: true, describe: "environment to check" })
    .option("first-deploy", { type: "boolean", default: false, describe: "before the first apply: service roles not held yet are PENDING, not failed" })
    .epilogue(EPILOG);
  const parsed = parseCommandLine<Args>("preflight", parser, argv, { stdout, stderr }, EXIT_BAD_INPUT);
  if (parsed.kind === "exit") return parsed.code;
  const { args } = parsed;

  const clientId = env.GENESYSCLOUD_OAUTHCLIENT_ID?.trim();
  if (!clientId || !secret) {
    stderr("preflight: bad input: set GENESYSCLOUD_OAUTHCLIENT_ID and GENESYSCLOUD_OAUTHCLIENT_SECRET to the credentials of the OAuth client Terraform runs as\n");
    return EXIT_BAD_INPUT;
  }
  let config: EnvironmentConfig;
  try {
    config = (deps.loadConfig ?? loadEnvironment)(args.env);
  } catch (err) {
    stderr(`preflight: bad input: ${safeErrorMessage(err, redactor)}\n`);
    return EXIT_BAD_INPUT;
  }

  try {
    // Loaded only now: `--help` and bad input never pay for the SDKs and cdktf.
    const { runPreflight } = await import("./lib/preflight/checks");
    const { preflightTarget } = await import("./lib/preflight/target");
    const { GenesysClient } = await import("./lib/genesys/client");
    let genesys;
    try {
      genesys = new GenesysClient({ region: config.genesys.region, clientId, clientSecret: secret, gateway: deps.gateway, env, redactor, retry: deps.genesysRetry });
    } catch (err) {
      stderr(`preflight: bad input: ${safeErrorMessage(err, redactor)}\n`);
      return EXIT_BAD_INPUT;
    }
    const results = await runPreflight({
      target: preflightTarget(config),
      genesys,
      terraformClientId: clientId,
      aws: deps.aws ?? (await defaultAwsClients(config)),
      firstDeploy: args["first-deploy"],
      redactor,
    });
    stdout(renderResults(args.env, results));
    return results.some((r) => r.status === "fail") ? EXIT_FAILED : EXIT_OK;
  } catch (err) {
    stderr(`preflight: internal error: ${safeErrorMessage(err, redactor)}\n`);
    return EXIT_ERROR;
  }
}

async function defaultAwsClients(config: EnvironmentConfig): Promise<PreflightAwsClients> {
  const { STSClient } = await import("@aws-sdk/client-sts");
  const { S3Client } = await import("@aws-sdk/client-s3");
  const { EventBridgeClient } = await import("@aws-sdk/client-eventbridge");
  const { CloudWatchLogsClient } = await import("@aws-sdk/client-cloudwatch-logs");
  return {
    sts: new STSClient({ region: config.aws.region }),
    s3: new S3Client({ region: config.stateBackend.region }),
    eventBridge: new EventBridgeClient({ region: config.aws.region }),
    logs: new CloudWatchLogsClient({ region: config.aws.region }),
  };
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`preflight: internal error: ${safeErrorMessage(err, new Redactor())}\n`);
      process.exit(EXIT_ERROR);
    },
  );
}
