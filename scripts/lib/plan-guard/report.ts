/** Text (job log) and Markdown (job summary, PR comment) renderings of a guard result. */
import { explainReason } from "./actions";
import { isSafeToRemove } from "./policy";
import { BlockedFinding, DriftFinding, GuardResult, ProtectedUpdate, RemovalFinding } from "./evaluate";

function what(d: RemovalFinding): string {
  const c = d.change;
  if (c.kind === "forget") return "forget (the object is kept but no longer managed)";
  if (c.kind === "replace") return `replace [${c.actions.join(", ")}]`;
  return "delete";
}

export function describeRemoval(d: RemovalFinding): string {
  const c = d.change;
  const bits: string[] = [what(d)];
  if (c.deposed) bits.push(`deposed object ${c.deposed}`);
  if (c.actionReason) bits.push(explainReason(c.actionReason));
  if (c.replacePaths.length > 0) bits.push(`forced by ${c.replacePaths.join(", ")}`);
  if (d.blocked) {
    bits.push(isSafeToRemove(c.type) ? `NOT ALLOWED: ${c.type} may be replaced or forgotten, not deleted outright` : `NOT ALLOWED: ${c.type} is not on the safe list`);
  }
  else if (d.safeReason) bits.push(`safe type: ${c.type} holds nothing`);
  else bits.push(`allowed by --allow-destroy ${d.allowedBy ?? ""}`.trimEnd());
  return bits.join("; ");
}

export function describeUpdate(u: ProtectedUpdate): string {
  const attrs = u.attributes.map((a) => `${a.attribute} (${a.detail})`).join(", ");
  const status = u.blocked ? "NOT ALLOWED" : `allowed by --allow-destroy ${u.allowedBy ?? ""}`.trimEnd();
  return `update of protected ${attrs}; ${status}`;
}

function describeDrift(d: DriftFinding): string {
  const c = d.change;
  const head = c.kind === "delete" ? "deleted outside Terraform" : c.kind === "update" ? "changed outside Terraform" : `drift [${c.actions.join(", ")}]`;
  if (d.attributes.length === 0) return head;
  return `${head}; protected: ${d.attributes.map((a) => `${a.attribute} (${a.detail})`).join(", ")}`;
}

/** One line per blocked finding, for stderr and GitHub annotations. */
export function blockedMessage(b: BlockedFinding): string {
  const c = b.change;
  if (b.what === "removal") {
    const kind = c.kind === "replace" ? `replace [${c.actions.join(", ")}]` : c.kind;
    return `${kind} of protected ${c.type} ${c.address} is not allowed without --allow-destroy`;
  }
  return `update of protected ${b.attributes.map((a) => a.attribute).join(", ")} of ${c.type} ${c.address} is not allowed without --allow-destroy`;
}

function verdict(result: GuardResult): string {
  if (result.ok) {
    const allowed = result.destructive.filter((d) => d.allowedBy && !d.safeReason).length + result.protectedUpdates.filter((u) => u.allowedBy).length;
    return `OK: nothing is removed or changed in a protected attribute without an allowance${allowed > 0 ? ` (${allowed} allowed by --allow-destroy)` : ""}.`;
  }
  const parts: string[] = [];
  if (result.problems.length > 0) parts.push(`the plan cannot be applied as is (${result.problems.map((p) => p.field).join(", ")})`);
  if (result.blocked.length > 0) {
    parts.push(`${result.blocked.length} change(s) need an allowance; re-run with --allow-destroy <address> only if this is intended`);
  }
  return `BLOCKED: ${parts.join("; ")}.`;
}

function summaryLine(result: GuardResult, bold: (n: number) => string): string {
  const t = result.totals;
  return `${bold(t.create)} to create, ${bold(t.update)} to update, ${bold(t.replace)} to replace, ${bold(t.delete)} to delete${t.forget ? `, ${bold(t.forget)} to forget` : ""}.`;
}

function noChangesNote(result: GuardResult): string {
  return result.plan.applyable === false && result.problems.length === 0 ? "No changes: nothing to apply." : "No changes.";
}

/** Plain-text summary for logs. */
export function renderText(result: GuardResult): string {
  const lines: string[] = [];
  const t = result.totals;
  lines.push(`Plan ${result.plan.source}: ${summaryLine(result, String)}`);
  if (result.empty) {
    lines.push(noChangesNote(result));
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
  if (result.problems.length > 0) {
    lines.push(`Plan problems (${result.problems.length}):`);
    for (const p of result.problems) lines.push(`  !! ${p.message}`);
  }
  if (result.destructive.length === 0) {
    lines.push("Destructive changes: none.");
  } else {
    lines.push(`Destructive changes (${result.destructive.length}):`);
    for (const d of result.destructive) lines.push(`  ${d.blocked ? "!!" : "- "} ${d.change.address}: ${describeRemoval(d)}`);
  }
  if (result.protectedUpdates.length > 0) {
    lines.push(`Updates of protected attributes (${result.protectedUpdates.length}):`);
    for (const u of result.protectedUpdates) lines.push(`  ${u.blocked ? "!!" : "- "} ${u.change.address}: ${describeUpdate(u)}`);
  }
  if (result.drift.length > 0) {
    lines.push(`Drift of protected resources (${result.drift.length}), changed outside Terraform since the last apply:`);
    for (const d of result.drift) lines.push(`  -  ${d.change.address}: ${describeDrift(d)}`);
  }
  for (const m of result.moved) lines.push(`Moved: ${m.previousAddress} -> ${m.address}`);
  for (const i of result.imported) lines.push(`Imported: ${i.address}`);
  for (const a of result.unusedAllowances) lines.push(`warning: --allow-destroy ${a} matched nothing in this plan`);
  lines.push("");
  lines.push(verdict(result));
  return lines.join("\n") + "\n";
}

/** Longest list written to Markdown; GitHub comments are capped at 65,535 characters. */
const MAX_MD_ROWS = 200;

function mdCode(text: string): string {
  return "`" + text.replace(/`/g, "'") + "`";
}

function mdList<T>(lines: string[], heading: string, items: readonly T[], row: (item: T) => string): void {
  if (items.length === 0) return;
  lines.push(`**${heading} (${items.length})**`);
  lines.push("");
  for (const item of items.slice(0, MAX_MD_ROWS)) lines.push(row(item));
  if (items.length > MAX_MD_ROWS) lines.push(`- … and ${items.length - MAX_MD_ROWS} more (see the job log)`);
  lines.push("");
}

/** Markdown summary for $GITHUB_STEP_SUMMARY and pull-request comments. */
export function renderMarkdown(result: GuardResult, title = "Terraform plan"): string {
  const t = result.totals;
  const lines: string[] = [];
  const attention = result.destructive.length > 0 || result.protectedUpdates.length > 0 || result.drift.length > 0;
  const icon = result.ok ? (attention ? "⚠️" : "✅") : "⛔";
  lines.push(`### ${icon} ${title}`);
  lines.push("");
  lines.push(summaryLine(result, (n) => `**${n}**`));
  lines.push("");
  if (result.empty) {
    lines.push(noChangesNote(result));
    lines.push("");
  } else {
    const forget = t.forget > 0;
    lines.push(`| resource type | create | update | replace | delete |${forget ? " forget |" : ""}`);
    lines.push(`|---|---:|---:|---:|---:|${forget ? "---:|" : ""}`);
    for (const [type, c] of result.countsByType) {
      lines.push(`| ${mdCode(type)} | ${c.create} | ${c.update} | ${c.replace} | ${c.delete} |${forget ? ` ${c.forget} |` : ""}`);
    }
    lines.push("");
  }
  mdList(lines, "Plan problems", result.problems, (p) => `- ⛔ ${p.message}`);
  mdList(lines, "Destructive changes", result.destructive, (d) => `- ${d.blocked ? "⛔" : d.safeReason ? "➖" : "⚠️"} ${mdCode(d.change.address)}: ${describeRemoval(d)}`);
  mdList(lines, "Updates of protected attributes", result.protectedUpdates, (u) => `- ${u.blocked ? "⛔" : "⚠️"} ${mdCode(u.change.address)}: ${describeUpdate(u)}`);
  mdList(lines, "Drift of protected resources", result.drift, (d) => `- ⚠️ ${mdCode(d.change.address)}: ${describeDrift(d)}`);
  mdList(lines, "Moved", result.moved, (m) => `- ${mdCode(m.previousAddress ?? "")} → ${mdCode(m.address)}`);
  mdList(lines, "Imported", result.imported, (i) => `- ${mdCode(i.address)}`);
  for (const a of result.unusedAllowances) lines.push(`> warning: \`--allow-destroy ${a}\` matched nothing in this plan`);
  if (result.unusedAllowances.length > 0) lines.push("");
  lines.push(result.ok ? verdict(result) : `**${verdict(result)}**`);
  return lines.join("\n") + "\n";
}
