/**
 * Runs before each test file loads (jest `setupFiles`): the test process stays offline by construction.
 * - CHECKPOINT_DISABLE: @cdktf/commons reads it once, when loaded, and otherwise posts error reports to
 *   checkpoint-api.hashicorp.com (https://developer.hashicorp.com/terraform/cli/commands#upgrade-and-security-bulletin-checks).
 * - @cdktf/commons runs `terraform version -json` when it is loaded (src/terraform.js) and reports the failure
 *   when Terraform is missing; nothing here needs that version, so the module is replaced and never spawns it.
 * - Any connection or name lookup beyond loopback is refused and fails the test (test/support/network-guard.ts).
 */
import { installNetworkGuard } from "./support/network-guard";
import { quietProcessEnv } from "../scripts/lib/offline";

quietProcessEnv(process.env);

jest.mock(require.resolve("@cdktf/commons/src/terraform"), () => ({
  terraformBinaryName: "terraform",
  get terraformVersion(): Promise<string> {
    throw new Error("tests do not run `terraform version` (test/setup-env.ts)");
  },
}));

installNetworkGuard();
