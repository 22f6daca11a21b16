/**
 * Plan guard: pure functions over `terraform show -json <planfile>` output. Deny by default (docs/plan-guard.md).
 *
 *   plan-file.ts   reading and validating the plan (encoding, format_version, fields, action lists)
 *   actions.ts     the action lists and action reasons Terraform documents
 *   address.ts     resource addresses, segment by segment
 *   allowances.ts  --allow-destroy patterns
 *   policy.ts      the safe-to-remove types and the protected attributes, each with its reason
 *   evaluate.ts    the decision
 *   report.ts      text and Markdown summaries
 */
export { ACTION_REASONS, classifyActions, DOCUMENTED_ACTION_LISTS, explainReason, UnsupportedActionsError } from "./actions";
export type { ChangeKind } from "./actions";
export { addressMatches, parseAddress, parseAddressPattern } from "./address";
export { matchesAllowance, normalizeAllowances, parseAllowance, parseAllowances } from "./allowances";
export type { Allowance } from "./allowances";
export { changedProtectedAttributes, evaluatePlan } from "./evaluate";
export type { AttributeChange, BlockedFinding, DriftFinding, GuardOptions, GuardResult, PlanProblem, ProtectedUpdate, RemovalFinding, TypeCounts } from "./evaluate";
export { PlanInputError } from "./errors";
export { decodePlanBytes, parsePlan } from "./plan-file";
export type { DeferredChange, ParsedPlan, ResourceChange } from "./plan-file";
export { isSafeToRemove, PROTECTED_ATTRIBUTES, protectedAttributesOf, SAFE_EXCEPT_OUTRIGHT_DELETE, safeRemovalReason, SAFE_TO_REMOVE } from "./policy";
export { blockedMessage, describeRemoval, describeUpdate, renderMarkdown, renderText } from "./report";
