/**
 * Exit codes and the summary of a rotation run (table for people, JSON for tools). Every string that leaves
 * the process goes through the caller's Redactor; nothing here holds a secret.
 */
import type { ServiceResult } from "./rotation";

export const EXIT_ROTATED = 0;
/** Unexpected internal error (a bug). */
export const EXIT_INTERNAL = 1;
/** Bad input: command line, environment variables, missing or invalid stack outputs file. */
export const EXIT_USAGE = 2;
export const EXIT_NOTHING_TO_DO = 10;
export const EXIT_FAILED_UNCHANGED = 20;
export const EXIT_FAILED_AFTER_REGENERATION = 30;

export const EXIT_CODES_HELP = `Exit codes:
  0   every selected service was rotated (or a dry run found nothing wrong)
  10  nothing to do: no service selected, or every selected service was skipped: already rotated in this run
      (same --run-id), rotated less than --min-age-days ago, or (--bootstrap-only) it already had a credential
  20  failed, and Genesys and the secrets are unchanged by this run (e.g. another run holds the rotation lock,
      the secret has RotationEnabled, Genesys unavailable): fix the cause and re-run
  30  failed after a secret was reset in Genesys or a secret was written: follow the recovery steps printed on
      stderr (also in the JSON report); re-running the job resumes
  1   internal error (a bug)        2   bad input: command line, environment, missing/invalid outputs file`;

/** The run's report (the --json output). */
export interface RotationReport {
  readonly environment: string;
  readonly dryRun: boolean;
  readonly exitCode: number;
  readonly outcome: string;
  readonly rotator?: { readonly clientId: string; readonly source: "secret" | "environment" };
  readonly genesysRequests: { readonly total: number; readonly authentication: number };
  /** Secrets Manager calls of the run (locks included; per service in services[].awsCalls). */
  readonly awsCalls: number;
  readonly services: readonly ServiceResult[];
  /** A failure before any service ran (configuration, outputs, rotator login). */
  readonly error?: string;
}

/** The exit code of a set of service results: the worst one wins. */
export function exitCodeOf(results: readonly ServiceResult[]): number {
  if (results.some((r) => r.status === "failed" && (r.regenerated || r.storeChanged))) return EXIT_FAILED_AFTER_REGENERATION;
  if (results.some((r) => r.status === "failed")) return EXIT_FAILED_UNCHANGED;
  if (results.some((r) => r.status === "rotated" || r.status === "resumed" || r.status === "planned")) return EXIT_ROTATED;
  return EXIT_NOTHING_TO_DO;
}

export function outcomeText(code: number): string {
  switch (code) {
    case EXIT_ROTATED:
      return "ok";
    case EXIT_NOTHING_TO_DO:
      return "nothing to do";
    case EXIT_FAILED_UNCHANGED:
      return "failed (nothing changed)";
    case EXIT_FAILED_AFTER_REGENERATION:
      return "failed after a secret reset: recovery needed";
    default:
      return "error";
  }
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + " ".repeat(width - text.length);
}

/** The human summary: one row per service, then totals and recovery steps. */
export function renderTable(report: RotationReport): string {
  const header = ["SERVICE", "STATUS", "ACTIVE", "CLIENT ID", "VERSION", "REQUESTS", "NOTE"];
  const rows = report.services.map((r) => [
    r.service,
    r.status,
    r.client ?? "-",
    r.clientId ?? "-",
    r.versionId ?? "-",
    String(r.genesysRequests),
    r.message ?? "",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : pad(c, widths[i]))).join("  ").trimEnd();
  const out: string[] = [];
  out.push(`OAuth secret rotation, environment ${report.environment}${report.dryRun ? " (DRY RUN: nothing was written)" : ""}`);
  if (report.rotator) out.push(`rotator: OAuth client ${report.rotator.clientId} (credential from ${report.rotator.source === "secret" ? "the rotation secret" : "GENESYSCLOUD_OAUTHCLIENT_*"})`);
  if (report.services.length > 0) out.push("", line(header), ...rows.map(line));
  out.push(
    "",
    `Genesys requests: ${report.genesysRequests.total} in total (rotator login ${report.genesysRequests.authentication}; per service in REQUESTS). Secrets Manager calls: ${report.awsCalls}.`,
  );
  if (report.error) out.push(`error: ${report.error}`);
  out.push(`result: ${report.outcome} (exit ${report.exitCode})`);
  return out.join("\n") + "\n";
}

/** Recovery steps of every failed service, for stderr. */
export function renderRecovery(report: RotationReport): string {
  const blocks = report.services
    .filter((r) => r.status === "failed")
    .map((r) => [`FAILED: ${r.service}: ${r.message ?? ""}`, ...r.recovery.map((s, i) => `  ${i + 1}. ${s}`)].join("\n"));
  return blocks.length ? blocks.join("\n") + "\n" : "";
}
