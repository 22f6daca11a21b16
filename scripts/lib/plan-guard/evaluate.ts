/** The guard's decision over a parsed plan. Pure: no I/O. */
import { Allowance, findAllowance, parseAllowances } from "./allowances";
import { isSafeToRemove, protectedAttributesOf, safeRemovalReason } from "./policy";
import { ParsedPlan, ResourceChange } from "./plan-file";

export interface GuardOptions {
  /** `--allow-destroy` values: addresses or patterns (docs/plan-guard.md) that may be removed or have protected attributes changed. */
  readonly allowDestroy?: readonly string[];
}

export interface TypeCounts {
  create: number;
  update: number;
  replace: number;
  delete: number;
  forget: number;
}

/** A delete, replace (any of the three) or forget. */
export interface RemovalFinding {
  readonly change: ResourceChange;
  /** Why removing this type loses nothing, when it is on the safe list. */
  readonly safeReason?: string;
  /** The allowance that permits it, when one does. */
  readonly allowedBy?: string;
  readonly blocked: boolean;
}

export interface AttributeChange {
  readonly attribute: string;
  readonly reason: string;
  /** What changed, without sensitive values: `7 → 30`, "known only after apply", "sensitive value changed"… */
  readonly detail: string;
}

/** An in-place update (or drift) that touches protected attributes. */
export interface ProtectedUpdate {
  readonly change: ResourceChange;
  readonly attributes: readonly AttributeChange[];
  readonly allowedBy?: string;
  readonly blocked: boolean;
}

export interface DriftFinding {
  readonly change: ResourceChange;
  /** Protected attributes changed outside Terraform (for a drifted update). */
  readonly attributes: readonly AttributeChange[];
}

/** A plan-level reason to refuse the plan, naming the field that says so. */
export interface PlanProblem {
  readonly field: string;
  readonly message: string;
}

export type BlockedFinding = ({ readonly what: "removal" } & RemovalFinding) | ({ readonly what: "protected-update" } & ProtectedUpdate);

export interface GuardResult {
  readonly plan: ParsedPlan;
  /** Per resource type, counts of managed-resource changes (no-op and data reads excluded). */
  readonly countsByType: ReadonlyMap<string, TypeCounts>;
  readonly totals: TypeCounts;
  /** Deletes, replaces and forgets, in plan order. */
  readonly destructive: readonly RemovalFinding[];
  readonly protectedUpdates: readonly ProtectedUpdate[];
  readonly problems: readonly PlanProblem[];
  /** Drift of resource types not on the safe list. */
  readonly drift: readonly DriftFinding[];
  readonly moved: readonly ResourceChange[];
  readonly imported: readonly ResourceChange[];
  readonly blocked: readonly BlockedFinding[];
  /** Allowances that matched nothing in this plan (probably a typo). */
  readonly unusedAllowances: readonly string[];
  readonly ok: boolean;
  /** True when no managed resource changes. */
  readonly empty: boolean;
}

function emptyCounts(): TypeCounts {
  return { create: 0, update: 0, replace: 0, delete: 0, forget: 0 };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function containsTrue(value: unknown): boolean {
  if (value === true) return true;
  if (Array.isArray(value)) return value.some(containsTrue);
  if (isRecord(value)) return Object.values(value).some(containsTrue);
  return false;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isRecord(a) && isRecord(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}

function show(value: unknown): string | undefined {
  if (value === undefined) return "(absent)";
  if (value === null || typeof value === "number" || typeof value === "boolean") return JSON.stringify(value);
  // Short plain strings only: a policy document or a long value is "changed"; the full diff is in `terraform show`.
  if (typeof value === "string" && value.length <= 80 && !/^\s*[[{]/.test(value) && !/[\r\n`]/.test(value)) return JSON.stringify(value);
  return undefined;
}

/** Protected attributes of `change.type` that differ between before and after (or are unknown until apply). */
export function changedProtectedAttributes(change: ResourceChange): AttributeChange[] {
  const out: AttributeChange[] = [];
  const { before, after, afterUnknown, beforeSensitive, afterSensitive } = change;
  for (const { attribute, reason } of protectedAttributesOf(change.type)) {
    if (!isRecord(before) || !isRecord(after)) {
      out.push({ attribute, reason, detail: "the plan shows no before/after values, so the guard cannot tell it is unchanged" });
      continue;
    }
    if (isRecord(afterUnknown) && containsTrue(afterUnknown[attribute])) {
      out.push({ attribute, reason, detail: "known only after apply" });
      continue;
    }
    if (deepEqual(before[attribute], after[attribute])) continue;
    const sensitive = (isRecord(beforeSensitive) && containsTrue(beforeSensitive[attribute])) || (isRecord(afterSensitive) && containsTrue(afterSensitive[attribute]));
    const from = show(before[attribute]);
    const to = show(after[attribute]);
    const detail = sensitive ? "sensitive value changed" : from !== undefined && to !== undefined ? `${from} → ${to}` : "changed";
    out.push({ attribute, reason, detail });
  }
  return out;
}

function planProblems(plan: ParsedPlan, hasChanges: boolean): PlanProblem[] {
  const problems: PlanProblem[] = [];
  if (plan.errored === true) {
    problems.push({ field: "errored", message: "`errored` is true: planning failed part way and the change set is incomplete; fix the error and plan again" });
  }
  if (plan.complete === false) {
    problems.push({ field: "complete", message: "`complete` is false: Terraform deferred part of the plan, so applying it would not converge; plan again once the deferred values are known" });
  }
  if (plan.deferred.length > 0) {
    const list = plan.deferred.map((d) => `${d.address} (${d.reason})`).join(", ");
    problems.push({ field: "deferred_changes", message: `\`deferred_changes\` lists ${plan.deferred.length} change(s) Terraform could not plan yet: ${list}` });
  }
  if (plan.applyable === false && hasChanges) {
    problems.push({ field: "applyable", message: "`applyable` is false although the plan lists changes: Terraform itself would not apply it" });
  }
  if (plan.actionInvocations.length > 0) {
    problems.push({
      field: "action_invocations",
      message: `\`action_invocations\`: the plan runs ${plan.actionInvocations.length} Terraform action(s) (${plan.actionInvocations.join(", ")}); plan-guard does not evaluate actions, so it refuses the plan`,
    });
  }
  if (plan.deferredActionInvocations.length > 0) {
    problems.push({
      field: "deferred_action_invocations",
      message: `\`deferred_action_invocations\` lists ${plan.deferredActionInvocations.length} deferred action(s) (${plan.deferredActionInvocations.join(", ")})`,
    });
  }
  return problems;
}

/** Applies the rules (docs/plan-guard.md) to a parsed plan. Throws PlanInputError on a bad allowance. */
export function evaluatePlan(plan: ParsedPlan, options: GuardOptions = {}): GuardResult {
  const allowances: Allowance[] = parseAllowances(options.allowDestroy ?? []);
  const used = new Set<string>();
  const allow = (change: ResourceChange): string | undefined => {
    const found = findAllowance(allowances, change.parsedAddress);
    if (found) used.add(found.text);
    return found?.text;
  };
  const countsByType = new Map<string, TypeCounts>();
  const totals = emptyCounts();
  const destructive: RemovalFinding[] = [];
  const protectedUpdates: ProtectedUpdate[] = [];
  const moved: ResourceChange[] = [];
  const imported: ResourceChange[] = [];

  for (const change of plan.changes) {
    if (change.mode === "data") continue;
    if (change.previousAddress !== undefined) moved.push(change);
    if (change.importing) imported.push(change);
    if (change.kind === "no-op" || change.kind === "read") continue;
    const counts = countsByType.get(change.type) ?? emptyCounts();
    counts[change.kind] += 1;
    totals[change.kind] += 1;
    countsByType.set(change.type, counts);

    if (change.removesObject) {
      const safeReason = safeRemovalReason(change.type, change.kind);
      const allowedBy = allow(change);
      destructive.push({ change, safeReason, allowedBy, blocked: safeReason === undefined && allowedBy === undefined });
    } else if (change.kind === "update") {
      const attributes = changedProtectedAttributes(change);
      if (attributes.length === 0) continue;
      const allowedBy = allow(change);
      protectedUpdates.push({ change, attributes, allowedBy, blocked: allowedBy === undefined });
    }
  }

  const drift: DriftFinding[] = plan.drift
    .filter((c) => c.mode === "managed" && !isSafeToRemove(c.type))
    .map((change) => ({ change, attributes: change.kind === "update" ? changedProtectedAttributes(change) : [] }));

  const hasChanges = plan.changes.some((c) => c.kind !== "no-op") || plan.outputChanges.length > 0;
  const problems = planProblems(plan, hasChanges);
  const blocked: BlockedFinding[] = [
    ...destructive.filter((d) => d.blocked).map((d) => ({ what: "removal" as const, ...d })),
    ...protectedUpdates.filter((u) => u.blocked).map((u) => ({ what: "protected-update" as const, ...u })),
  ];
  return {
    plan,
    countsByType: new Map([...countsByType.entries()].sort(([a], [b]) => a.localeCompare(b))),
    totals,
    destructive,
    protectedUpdates,
    problems,
    drift,
    moved,
    imported,
    blocked,
    unusedAllowances: allowances.filter((a) => !used.has(a.text)).map((a) => a.text),
    ok: problems.length === 0 && blocked.length === 0,
    empty: Object.values(totals).every((n) => n === 0),
  };
}
