/**
 * Preconditions of the smoke checks: cases that many others need. When one fails it is reported once, and every
 * case that depends on it is blocked (runner.ts), instead of each failing with the same cause.
 */
import type { AwsClients } from "./checks-aws";
import { CheckFailed, SmokeCase } from "./types";

/** Id of the precondition every AWS read (and every secret read) needs. */
export const AWS_CREDENTIALS_CASE_ID = "aws.credentials";

/**
 * The precondition: the SDK's credential chain yields credentials. When it does not, this one case fails and every
 * case that needs AWS is reported as blocked by it (instead of one identical failure per check).
 */
export function awsCredentialsCase(aws: AwsClients): SmokeCase {
  return {
    id: AWS_CREDENTIALS_CASE_ID,
    area: "aws",
    title: "the AWS SDK's credential chain yields credentials",
    precondition: true,
    run: async () => {
      let credentials: { accessKeyId?: string; expiration?: Date };
      try {
        credentials = await aws.eventBridge.config.credentials();
      } catch (err) {
        throw new CheckFailed(
          `no AWS credentials (${err instanceof Error ? err.message : String(err)}): every AWS check and every secret read is blocked; ` +
            "in CI assume the deploy role (OIDC), locally set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY",
        );
      }
      const key = credentials.accessKeyId ?? "";
      const expires = credentials.expiration ? `, expire ${credentials.expiration.toISOString()}` : "";
      return { reason: `credentials found (access key …${key.slice(-4)}${expires})` };
    },
  };
}
