// Types of recorded-approval.js (plain JavaScript so the workflow runs it with node alone, no build).
import type { ApiAnswer } from "./check-environment-gates";

export interface ApprovalResult {
  ok: boolean;
  problems: string[];
  approvers: string[];
  pullRequest?: number;
}
export const MODE_RECORDED: "recorded-approval";
export const MODE_REVIEWERS: "environment-reviewers";
export function parseGateMode(value: string | undefined): { mode: "environment-reviewers" | "recorded-approval" } | { error: string };
export function checkRun(env: Record<string, string | undefined>, allowedBranches: string[]): string[];
export function findMergedPullRequest(
  answer: ApiAnswer,
  sha: string,
  repository: string,
  allowedBranches: string[],
): { pr?: Record<string, unknown>; problems: string[] };
export function evaluateReviews(pr: Record<string, unknown>, reviews: unknown[], run: { actor: string; triggeringActor?: string }): ApprovalResult;
export function checkRecordedApproval(
  env: Record<string, string | undefined>,
  get: (path: string) => Promise<ApiAnswer>,
  allowedBranches: string[],
): Promise<ApprovalResult>;
