import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { OFFLINE_ENV, quietProcessEnv } from "../scripts/lib/offline";

const ROOT = path.join(__dirname, "..");

/** stderr of a fresh node that builds an AWS SDK client, with or without the environment offline.ts sets. */
function sdkStderr(withOffline: boolean): string {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(OFFLINE_ENV)) delete env[name];
  if (withOffline) quietProcessEnv(env);
  const code = `const { SQSClient } = require("@aws-sdk/client-sqs"); new SQSClient({ region: "us-east-1" });`;
  return spawnSync(process.execPath, ["-e", code], { cwd: ROOT, env, encoding: "utf8" }).stderr;
}

describe("scripts/lib/offline.ts", () => {
  it("sets CHECKPOINT_DISABLE and the AWS SDK's Node-version switch, keeping values already set", () => {
    const env: NodeJS.ProcessEnv = { CHECKPOINT_DISABLE: "" };
    quietProcessEnv(env);
    expect(env).toEqual({ CHECKPOINT_DISABLE: "", AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" });
    expect(OFFLINE_ENV.CHECKPOINT_DISABLE).toBe("1");
  });

  const majorNode = Number(process.versions.node.split(".")[0]);
  (majorNode < 22 ? it : it.skip)("silences exactly the AWS SDK's Node-version warning (Node < 22 only)", () => {
    expect(sdkStderr(false)).toMatch(/NodeVersionSupportWarning/);
    expect(sdkStderr(true)).not.toMatch(/NodeVersionSupportWarning/);
  });
});
