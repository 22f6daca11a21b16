/**
 * Environment switches that keep every process of this project offline and its output free of noise. Importing
 * this module applies them to `process.env` (values already set are kept); import it before `cdktf`,
 * `@cdktf/*` or an AWS SDK client is loaded.
 *
 * - CHECKPOINT_DISABLE=1: @cdktf/commons (loaded by `npm run gen`, by the cdktf CLI and its generator) reads it
 *   once at load and otherwise posts reports to checkpoint-api.hashicorp.com; Terraform itself honours it too
 *   (https://developer.hashicorp.com/terraform/cli/commands#upgrade-and-security-bulletin-checks).
 * - AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true: the AWS SDK v3 prints an 8-line warning on the
 *   first client of every process on Node < 22 (@aws-sdk/core `emitWarningIfUnsupportedVersion`, which returns
 *   early on exactly this variable and value). Only that warning is silenced; see README "Node.js version".
 */
export const OFFLINE_ENV: Readonly<Record<string, string>> = {
  CHECKPOINT_DISABLE: "1",
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
};

/** Sets each switch of OFFLINE_ENV that `env` does not set already. */
export function quietProcessEnv(env: NodeJS.ProcessEnv): void {
  for (const [name, value] of Object.entries(OFFLINE_ENV)) {
    if (env[name] === undefined) env[name] = value;
  }
}

quietProcessEnv(process.env);
