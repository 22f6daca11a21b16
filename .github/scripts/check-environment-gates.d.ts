// Types of check-environment-gates.js (plain JavaScript so the workflow runs it with node alone, no build).
export interface ApiAnswer {
  status: number;
  body: unknown;
  text?: string;
}
export interface GateResult {
  environment: string;
  ok: boolean;
  problems: string[];
  warnings: string[];
  reviewers: string[];
}
export const API_VERSION: string;
export function evaluateEnvironment(name: string, answer: ApiAnswer, options?: { requireReviewers: boolean }): GateResult;
export function evaluateBranchPolicies(name: string, answer: ApiAnswer, allowedBranches?: string[]): string[];
export function getRepoJson(o: {
  apiUrl: string;
  repository: string;
  token: string;
  path: string;
  fetchImpl?: typeof fetch;
  attempts?: number;
  retryDelayMs?: number;
  timeoutMs?: number;
}): Promise<ApiAnswer>;
export function planChecks(env: Record<string, string | undefined>): { environment: string; requireReviewers: boolean }[];
export function renderSummary(results: GateResult[]): string;
export function closingLine(workflow: string | undefined, recorded: boolean): { title: string; text: string };
export function main(
  env: Record<string, string | undefined>,
  deps?: { fetchImpl?: typeof fetch; retryDelayMs?: number; write?: (line: string) => void },
): Promise<{ exitCode: number; results: GateResult[] }>;
