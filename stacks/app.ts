/**
 * The App every synth uses (`npm run synth`, `npx cdktf synth`, `npm run bench`): stack traces off unless
 * SYNTH_DEBUG=1.
 *
 * cdktf captures a full stack trace in two places:
 * - on every construct's metadata, switched by the App's `stackTraces` option;
 * - on every token it creates (each resource attribute reference, and each nested-block reference a generated
 *   resource class builds in its constructor, 17 per `aws_cloudwatch_event_target`), which no option switches
 *   off. About 540 traces and ~30 ms of each synth of the three environments (with the garbage they make) go there, only to be
 *   printed if a token later fails to resolve.
 *
 * The second is a known cdktf cost (hashicorp/terraform-cdk#3892, with this same workaround); cdk-terrain added a
 * switch for it (open-constructs/cdk-terrain#215) and AWS CDK removed token traces altogether (aws/aws-cdk#37642).
 * Here, token traces follow the App's switch: off by default, back on with SYNTH_DEBUG=1. The synthesized JSON is
 * identical either way (test/app.test.ts).
 */
import "../scripts/lib/offline"; // before cdktf loads: no checkpoint calls
import { App, AppConfig } from "cdktf";
import * as tokenTraces from "cdktf/lib/tokens/private/stack-trace";

/** `SYNTH_DEBUG=1 npm run synth`: construct and token stack traces on, for an error that names a token. */
export const SYNTH_DEBUG_ENV = "SYNTH_DEBUG";

type CaptureStackTrace = typeof tokenTraces.captureStackTrace;
// cdktf's own modules call `stack_trace_1.captureStackTrace(...)` through this exports object at each call.
const traces = tokenTraces as { captureStackTrace: CaptureStackTrace };
const captureFullStackTrace: CaptureStackTrace = traces.captureStackTrace;
const noStackTrace: CaptureStackTrace = () => [];

/** Turns the stack traces cdktf captures for every new token on or off, for the whole process. */
export function setTokenStackTraces(enabled: boolean): void {
  traces.captureStackTrace = enabled ? captureFullStackTrace : noStackTrace;
}

/** A new App; construct and token stack traces follow SYNTH_DEBUG (off unless it is "1"). */
export function createApp(config: AppConfig = {}, env: NodeJS.ProcessEnv = process.env): App {
  const debug = env[SYNTH_DEBUG_ENV] === "1";
  setTokenStackTraces(debug);
  return new App({ stackTraces: debug, ...config });
}
