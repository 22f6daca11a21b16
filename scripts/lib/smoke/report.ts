/**
 * Renders a smoke report: a readable table (stdout), JUnit XML (one testsuite per area, one testcase per
 * check) and JSON. Results are already redacted; every renderer runs the final text through the redactor again.
 */
import { XMLBuilder } from "fast-xml-parser";
import type { Redactor } from "../redact";
import { SmokeArea, SmokeReport, SmokeResult, SmokeStatus } from "./types";

const AREAS: readonly SmokeArea[] = ["genesys", "aws", "canary"];
const LABEL: Record<SmokeStatus, string> = { pass: "PASS", fail: "FAIL", skip: "SKIP" };

/** The report of a run; results are listed by area (genesys, aws, canary), in run order within an area. */
export function buildReport(environment: string, startedAt: number, finishedAt: number, runResults: readonly SmokeResult[]): SmokeReport {
  const results = [...runResults].sort((a, b) => AREAS.indexOf(a.area) - AREAS.indexOf(b.area));
  const count = (status: SmokeStatus): number => results.filter((r) => r.status === status).length;
  const failed = count("fail");
  return {
    environment,
    startedAt: new Date(startedAt).toISOString(),
    durationMs: finishedAt - startedAt,
    ok: failed === 0,
    counts: { total: results.length, passed: count("pass"), failed, skipped: count("skip") },
    results,
  };
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

/** The table printed on stdout. */
export function renderTable(report: SmokeReport, redactor: Redactor, heading?: string): string {
  const rows = report.results.map((r) => [LABEL[r.status], r.id, seconds(r.durationMs), r.reason]);
  const header = ["STATUS", "CHECK", "TIME", "REASON"];
  const widths = [0, 1, 2].map((i) => Math.max(header[i].length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]): string =>
    [cells[0].padEnd(widths[0]), cells[1].padEnd(widths[1]), cells[2].padStart(widths[2]), cells[3]].join("  ").trimEnd();
  const { passed, failed, skipped, total } = report.counts;
  const lines = [
    heading ?? `Smoke tests for ${report.environment} (started ${report.startedAt})`,
    "",
    line(header),
    ...rows.map(line),
    "",
    `${report.ok ? "OK" : "FAILED"}: ${passed} passed, ${failed} failed, ${skipped} skipped of ${total} in ${seconds(report.durationMs)}`,
  ];
  return redactor.redact(lines.join("\n") + "\n");
}

/**
 * Text that is valid in XML 1.0 whatever a reason contains: characters XML 1.0 forbids (control characters other
 * than tab, newline and carriage return; lone surrogates; U+FFFE/U+FFFF) become `\u{…}` escapes. `<`, `&`, `"`
 * and `]]>` are escaped by the builder (processEntities), so they need nothing here.
 */
export function xmlSafe(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching the characters XML forbids is the point.
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, (c) => `\\u{${c.charCodeAt(0).toString(16)}}`);
}

/** JUnit XML that CI reporters (GitHub test reporters, Jenkins, GitLab) accept. */
export function renderJUnit(report: SmokeReport, redactor: Redactor): string {
  const suites = AREAS.map((area) => ({ area, results: report.results.filter((r) => r.area === area) })).filter((s) => s.results.length > 0);
  const time = (ms: number): string => (ms / 1000).toFixed(3);
  const document = {
    "?xml": { "@_version": "1.0", "@_encoding": "UTF-8" },
    testsuites: {
      "@_name": `smoke ${report.environment}`,
      "@_tests": report.counts.total,
      "@_failures": report.counts.failed,
      "@_errors": 0,
      "@_skipped": report.counts.skipped,
      "@_time": time(report.durationMs),
      testsuite: suites.map(({ area, results }) => ({
        "@_name": `smoke.${report.environment}.${area}`,
        "@_tests": results.length,
        "@_failures": results.filter((r) => r.status === "fail").length,
        "@_errors": 0,
        "@_skipped": results.filter((r) => r.status === "skip").length,
        "@_time": time(results.reduce((sum, r) => sum + r.durationMs, 0)),
        "@_timestamp": report.startedAt.replace(/\.\d+Z$/, ""),
        testcase: results.map((r) => {
          const reason = xmlSafe(redactor.redact(r.reason));
          return {
            "@_classname": `smoke.${report.environment}.${area}`,
            "@_name": xmlSafe(r.id),
            "@_time": time(r.durationMs),
            ...(r.status === "fail" ? { failure: { "@_message": reason, "@_type": "SmokeCheckFailed", "#text": `${xmlSafe(r.title)}\n${reason}` } } : {}),
            ...(r.status === "skip" ? { skipped: { "@_message": reason } } : {}),
            ...(r.status === "pass" ? { "system-out": reason } : {}),
          };
        }),
      })),
    },
  };
  const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: "@_", format: true, suppressEmptyNode: true, processEntities: true });
  return redactor.redact(builder.build(document) as string);
}

/** The machine-readable report. */
export function renderJson(report: SmokeReport, redactor: Redactor): string {
  return redactor.stringify(report, 2) + "\n";
}
