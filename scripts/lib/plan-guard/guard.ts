/**
 * Plan guard: pure functions over `terraform show -json <planfile>` output.
 *
 * The plan JSON format is documented at
 * https://developer.hashicorp.com/terraform/internals/json-format ("Plan Representation").
 * Only the parts used here are modelled: `format_version` and `resource_changes[]` with
 * `address`, `type`, `name`, `mode`, `deposed`, `action_reason`, `change.actions` and `change.replace_paths`.
 */

/** Resource types whose deletion or replacement loses data or breaks the Genesys <-> AWS link. */
export const PROTECTED_RESOURCE_TYPES: readonly string[] = Object.freeze([
  "aws_cloudwatch_event_bus",
  "aws_cloudwatch_event_archive",
  "genesyscloud_integration",
  "genesyscloud_oauth_client",
  // aws_secretsmanager_secret_version is deliberately not listed: rotation, not Terraform, owns versions.
  "aws_secretsmanager_secret",
  "aws_cloudwatch_log_group",
  // Queues and DLQs hold undelivered events.
  "aws_sqs_queue",
  "aws_kinesis_stream",
  "aws_kms_key",
  "aws_s3_bucket",
]);

/** A single Terraform action as written in `change.actions`. */
export type TerraformAction = "no-op" | "create" | "read" | "update" | "delete" | "forget";

/** What a resource change amounts to, after folding the action list. */
export type ChangeKind = "no-op" | "create" | "read" | "update" | "replace" | "delete" | "forget";

/** Change kinds that destroy the remote object. */
export const DESTRUCTIVE_KINDS: readonly ChangeKind[] = Object.freeze(["delete", "replace"]);

export interface ResourceChange {
  readonly address: string;
  readonly type: string;
  readonly name: string;
  readonly mode: "managed" | "data";
  readonly kind: ChangeKind;
  /** The raw action list, e.g. ["delete","create"]. */
  readonly actions: readonly TerraformAction[];
  /** Set when the change concerns a deposed object (left behind by a failed create_before_destroy). */
  readonly deposed?: string;
  /** Terraform's reason code, e.g. "replace_because_cannot_update" or "delete_because_no_resource_config". */
  readonly actionReason?: string;
  /** Attribute paths that force replacement, rendered as dotted strings. */
  readonly replacePaths: readonly string[];
}

export interface ParsedPlan {
  /** Where the plan came from (file name), used in messages. */
  readonly source: string;
  readonly formatVersion: string;
  readonly terraformVersion?: string;
  readonly changes: readonly ResourceChange[];
}

/** Raised for input that is not a readable Terraform JSON plan. The message names the source and the problem. */
export class PlanInputError extends Error {
  constructor(
    readonly source: string,
    readonly problem: string,
  ) {
    super(`${source}: ${problem}`);
    this.name = "PlanInputError";
  }
}

const ACTIONS: ReadonlySet<string> = new Set<TerraformAction>(["no-op", "create", "read", "update", "delete", "forget"]);

/** Folds a documented `change.actions` list into one kind; throws on a combination Terraform does not produce. */
export function classifyActions(actions: readonly string[]): ChangeKind {
  const key = actions.join(",");
  switch (key) {
    case "no-op":
    case "create":
    case "read":
    case "update":
    case "delete":
    case "forget":
      return key;
    case "delete,create":
    case "create,delete":
      return "replace";
    default:
      throw new Error(`unsupported action list [${actions.map((a) => JSON.stringify(a)).join(", ")}]`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function renderPath(path: unknown): string {
  if (!Array.isArray(path)) return String(path);
  return path.map((step) => (typeof step === "number" ? `[${step}]` : String(step))).join(".").replace(/\.\[/g, "[");
}

/**
 * Parses and validates the text of `terraform show -json <planfile>`.
 * A plan without `resource_changes` (Terraform omits it when nothing is managed) is a valid, empty plan.
 */
export function parsePlan(text: string, source: string): ParsedPlan {
  if (text.startsWith("PK")) {
    throw new PlanInputError(
      source,
      "this is a binary plan file (zip), not JSON; convert it with `terraform show -json <planfile> > plan.json`",
    );
  }
  if (text.trim() === "") throw new PlanInputError(source, "the file is empty; expected the output of `terraform show -json <planfile>`");
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new PlanInputError(source, `not valid JSON (${(err as Error).message})`);
  }
  if (!isRecord(doc)) throw new PlanInputError(source, "expected a JSON object at the top level");
  const formatVersion = doc.format_version;
  if (typeof formatVersion !== "string") {
    throw new PlanInputError(source, "missing string field `format_version`; is this the output of `terraform show -json <planfile>`?");
  }
  if (!/^1\./.test(formatVersion)) {
    throw new PlanInputError(source, `unsupported format_version ${JSON.stringify(formatVersion)} (expected 1.x)`);
  }
  if (!("planned_values" in doc) && !("resource_changes" in doc) && ("values" in doc)) {
    throw new PlanInputError(source, "this looks like state JSON (`terraform show -json` without a plan file), not a plan");
  }
  const raw = doc.resource_changes;
  if (raw === undefined || raw === null) {
    return { source, formatVersion, terraformVersion: stringOrUndefined(doc.terraform_version), changes: [] };
  }
  if (!Array.isArray(raw)) throw new PlanInputError(source, "`resource_changes` must be an array");
  const changes = raw.map((entry, index) => parseChange(entry, `resource_changes[${index}]`, source));
  return { source, formatVersion, terraformVersion: stringOrUndefined(doc.terraform_version), changes };
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function parseChange(entry: unknown, where: string, source: string): ResourceChange {
  const fail = (problem: string): never => {
    throw new PlanInputError(source, `${where}: ${problem}`);
  };
  if (!isRecord(entry)) return fail("expected an object");
  const { address, type, name } = entry;
  if (typeof address !== "string" || address === "") return fail("missing string `address`");
  if (typeof type !== "string" || type === "") return fail(`${address}: missing string \`type\``);
  if (typeof name !== "string") return fail(`${address}: missing string \`name\``);
  const mode = entry.mode === "data" ? "data" : "managed";
  const change = entry.change;
  if (!isRecord(change)) return fail(`${address}: missing object \`change\``);
  const actions = change.actions;
  if (!Array.isArray(actions) || actions.length === 0 || !actions.every((a): a is TerraformAction => typeof a === "string" && ACTIONS.has(a))) {
    return fail(`${address}: \`change.actions\` must be a non-empty list of ${[...ACTIONS].join(", ")}; got ${JSON.stringify(actions)}`);
  }
  let kind: ChangeKind;
  try {
    kind = classifyActions(actions);
  } catch (err) {
    return fail(`${address}: ${(err as Error).message}`);
  }
  const replacePaths = Array.isArray(change.replace_paths) ? change.replace_paths.map(renderPath) : [];
  return {
    address,
    type,
    name,
    mode,
    kind,
    actions,
    deposed: stringOrUndefined(entry.deposed),
    actionReason: stringOrUndefined(entry.action_reason),
    replacePaths,
  };
}

/** True when `pattern` is exactly `address`, or ends in `*` and `address` starts with what precedes it. */
export function matchesAllowance(address: string, pattern: string): boolean {
  if (pattern.endsWith("*")) return address.startsWith(pattern.slice(0, -1));
  return address === pattern;
}

/** Splits `--allow-destroy` values on commas and whitespace, dropping empties (so a blank dispatch input allows nothing). */
export function normalizeAllowances(values: readonly string[]): string[] {
  const out: string[] = [];
  for (const value of values) {
    for (const part of value.split(/[\s,]+/)) {
      if (part !== "" && !out.includes(part)) out.push(part);
    }
  }
  return out;
}

export interface GuardOptions {
  /** Exact addresses or trailing-`*` globs that may be deleted or replaced. */
  readonly allowDestroy?: readonly string[];
  /** Overrides {@link PROTECTED_RESOURCE_TYPES}. */
  readonly protectedTypes?: readonly string[];
}

export interface TypeCounts {
  create: number;
  update: number;
  replace: number;
  delete: number;
  forget: number;
}

export interface DestructiveChange {
  readonly change: ResourceChange;
  readonly protected: boolean;
  /** The allowance that permits it, when one does. */
  readonly allowedBy?: string;
  /** True when the guard refuses the plan because of this change. */
  readonly blocked: boolean;
}

export interface GuardResult {
  readonly plan: ParsedPlan;
  /** Per resource type, counts of managed-resource changes (no-op and data reads excluded). */
  readonly countsByType: ReadonlyMap<string, TypeCounts>;
  readonly totals: TypeCounts;
  /** Deletes and replaces, in plan order. */
  readonly destructive: readonly DestructiveChange[];
  /** Changes that remove a resource from state without destroying it. */
  readonly forgotten: readonly ResourceChange[];
  readonly blocked: readonly DestructiveChange[];
  /** Allowances that matched no destructive change (probably a typo). */
  readonly unusedAllowances: readonly string[];
  readonly ok: boolean;
  /** True when nothing at all changes (managed resources). */
  readonly empty: boolean;
}

function emptyCounts(): TypeCounts {
  return { create: 0, update: 0, replace: 0, delete: 0, forget: 0 };
}

/** Applies the protection rules to a parsed plan. Pure: no I/O. */
export function evaluatePlan(plan: ParsedPlan, options: GuardOptions = {}): GuardResult {
  const protectedTypes = new Set(options.protectedTypes ?? PROTECTED_RESOURCE_TYPES);
  const allowances = normalizeAllowances(options.allowDestroy ?? []);
  const used = new Set<string>();
  const countsByType = new Map<string, TypeCounts>();
  const totals = emptyCounts();
  const destructive: DestructiveChange[] = [];
  const forgotten: ResourceChange[] = [];

  for (const change of plan.changes) {
    if (change.mode === "data" || change.kind === "no-op" || change.kind === "read") continue;
    const counts = countsByType.get(change.type) ?? emptyCounts();
    counts[change.kind] += 1;
    totals[change.kind] += 1;
    countsByType.set(change.type, counts);

    if (change.kind === "forget") {
      forgotten.push(change);
      continue;
    }
    if (change.kind !== "delete" && change.kind !== "replace") continue;
    const isProtected = protectedTypes.has(change.type);
    const allowedBy = allowances.find((pattern) => matchesAllowance(change.address, pattern));
    if (allowedBy !== undefined) used.add(allowedBy);
    destructive.push({ change, protected: isProtected, allowedBy, blocked: isProtected && allowedBy === undefined });
  }

  const sortedCounts = new Map([...countsByType.entries()].sort(([a], [b]) => a.localeCompare(b)));
  const blocked = destructive.filter((d) => d.blocked);
  const empty = Object.values(totals).every((n) => n === 0);
  return {
    plan,
    countsByType: sortedCounts,
    totals,
    destructive,
    forgotten,
    blocked,
    unusedAllowances: allowances.filter((a) => !used.has(a)),
    ok: blocked.length === 0,
    empty,
  };
}

function describeDestructive(d: DestructiveChange): string {
  const c = d.change;
  const what = c.kind === "replace" ? `replace [${c.actions.join(", ")}]` : "delete";
  const bits: string[] = [what];
  if (c.deposed) bits.push(`deposed object ${c.deposed}`);
  if (c.actionReason) bits.push(c.actionReason);
  if (c.replacePaths.length > 0) bits.push(`forced by ${c.replacePaths.join(", ")}`);
  if (d.blocked) bits.push("PROTECTED, NOT ALLOWED");
  else if (d.protected) bits.push(`protected, allowed by --allow-destroy ${d.allowedBy ?? ""}`.trimEnd());
  else if (d.allowedBy) bits.push(`allowed by --allow-destroy ${d.allowedBy}`);
  return bits.join("; ");
}

function verdict(result: GuardResult): string {
  if (result.ok) return "OK: no protected resource is deleted or replaced without an allowance.";
  return `BLOCKED: ${result.blocked.length} protected resource(s) would be deleted or replaced. Re-run with --allow-destroy <address> only if this is intended.`;
}

/** Plain-text summary for logs. */
export function renderText(result: GuardResult): string {
  const lines: string[] = [];
  const t = result.totals;
  lines.push(`Plan ${result.plan.source}: ${t.create} to create, ${t.update} to update, ${t.replace} to replace, ${t.delete} to delete${t.forget ? `, ${t.forget} to forget` : ""}.`);
  if (result.empty) {
    lines.push("No changes.");
  } else {
    const width = Math.max(13, ...[...result.countsByType.keys()].map((k) => k.length));
    const forget = t.forget > 0;
    lines.push("");
    lines.push(`${"resource type".padEnd(width)}  create  update  replace  delete${forget ? "  forget" : ""}`);
    for (const [type, c] of result.countsByType) {
      lines.push(
        `${type.padEnd(width)}  ${String(c.create).padStart(6)}  ${String(c.update).padStart(6)}  ${String(c.replace).padStart(7)}  ${String(c.delete).padStart(6)}` +
          (forget ? `  ${String(c.forget).padStart(6)}` : ""),
      );
    }
  }
  lines.push("");
  if (result.destructive.length === 0) {
    lines.push("Destructive changes: none.");
  } else {
    lines.push(`Destructive changes (${result.destructive.length}):`);
    for (const d of result.destructive) lines.push(`  ${d.blocked ? "!!" : "- "} ${d.change.address}: ${describeDestructive(d)}`);
  }
  if (result.forgotten.length > 0) {
    lines.push(`Removed from state without destroying (${result.forgotten.length}):`);
    for (const f of result.forgotten) lines.push(`  - ${f.address}`);
  }
  for (const a of result.unusedAllowances) lines.push(`warning: --allow-destroy ${a} matched no delete or replace in this plan`);
  lines.push("");
  lines.push(verdict(result));
  return lines.join("\n") + "\n";
}

/** Longest destructive list written to Markdown; GitHub comments are capped at 65,535 characters. */
const MAX_MD_ROWS = 200;

function mdCode(text: string): string {
  return "`" + text.replace(/`/g, "'") + "`";
}

/** Markdown summary for $GITHUB_STEP_SUMMARY and pull-request comments. */
export function renderMarkdown(result: GuardResult, title = "Terraform plan"): string {
  const t = result.totals;
  const lines: string[] = [];
  const icon = result.ok ? (result.destructive.length > 0 ? "⚠️" : "✅") : "⛔";
  lines.push(`### ${icon} ${title}`);
  lines.push("");
  lines.push(`**${t.create}** to create, **${t.update}** to update, **${t.replace}** to replace, **${t.delete}** to delete${t.forget ? `, **${t.forget}** to forget` : ""}.`);
  lines.push("");
  if (!result.empty) {
    const forget = t.forget > 0;
    lines.push(`| resource type | create | update | replace | delete |${forget ? " forget |" : ""}`);
    lines.push(`|---|---:|---:|---:|---:|${forget ? "---:|" : ""}`);
    for (const [type, c] of result.countsByType) {
      lines.push(`| ${mdCode(type)} | ${c.create} | ${c.update} | ${c.replace} | ${c.delete} |${forget ? ` ${c.forget} |` : ""}`);
    }
    lines.push("");
  }
  if (result.destructive.length > 0) {
    lines.push(`**Destructive changes (${result.destructive.length})**`);
    lines.push("");
    for (const d of result.destructive.slice(0, MAX_MD_ROWS)) {
      lines.push(`- ${d.blocked ? "⛔" : d.protected ? "⚠️" : "➖"} ${mdCode(d.change.address)}: ${describeDestructive(d)}`);
    }
    if (result.destructive.length > MAX_MD_ROWS) lines.push(`- … and ${result.destructive.length - MAX_MD_ROWS} more (see the job log)`);
    lines.push("");
  }
  if (result.forgotten.length > 0) {
    lines.push(`Removed from state without destroying: ${result.forgotten.map((f) => mdCode(f.address)).join(", ")}`);
    lines.push("");
  }
  for (const a of result.unusedAllowances) lines.push(`> warning: \`--allow-destroy ${a}\` matched no delete or replace in this plan`);
  if (result.unusedAllowances.length > 0) lines.push("");
  lines.push(result.ok ? verdict(result) : `**${verdict(result)}**`);
  return lines.join("\n") + "\n";
}
