// Types of main-branch.js (plain JavaScript so the workflow runs it with node alone, no build).
import type { ApiAnswer } from "./check-environment-gates";

export function checkTip(answer: ApiAnswer, sha: string, branch: string): string[];
export function evaluateBranchRules(rules: unknown[], branch: string): string[];
export function checkMainBranch(sha: string, branch: string, get: (path: string) => Promise<ApiAnswer>): Promise<string[]>;
