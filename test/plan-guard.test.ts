import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  classifyActions,
  evaluatePlan,
  matchesAllowance,
  normalizeAllowances,
  parsePlan,
  PlanInputError,
  PROTECTED_RESOURCE_TYPES,
  renderMarkdown,
  renderText,
} from "../scripts/lib/plan-guard/guard";
import { EXIT_BAD_INPUT, EXIT_BLOCKED, EXIT_OK, main, PlanGuardIo, processIo } from "../scripts/plan-guard";

const FIXTURES = path.join(__dirname, "fixtures", "plans");
const fixture = (name: string): string => path.join(FIXTURES, name);
const load = (name: string) => parsePlan(fs.readFileSync(fixture(name), "utf8"), name);

interface CapturedIo extends PlanGuardIo {
  out: string;
  err: string;
  written: Map<string, string>;
}

function captureIo(overrides: Partial<PlanGuardIo> = {}): CapturedIo {
  const io: CapturedIo = {
    out: "",
    err: "",
    written: new Map(),
    stdout: (t) => void (io.out += t),
    stderr: (t) => void (io.err += t),
    readFile: processIo.readFile,
    writeFile: (file, text) => void io.written.set(file, text),
    ...overrides,
  };
  return io;
}

describe("classifyActions", () => {
  it.each([
    [["no-op"], "no-op"],
    [["create"], "create"],
    [["read"], "read"],
    [["update"], "update"],
    [["delete", "create"], "replace"],
    [["create", "delete"], "replace"],
    [["delete"], "delete"],
    [["forget"], "forget"],
  ])("%j -> %s", (actions, kind) => {
    expect(classifyActions(actions)).toBe(kind);
  });

  it("rejects combinations Terraform does not document", () => {
    expect(() => classifyActions(["update", "delete"])).toThrow(/unsupported action list/);
    expect(() => classifyActions([])).toThrow(/unsupported/);
  });
});

describe("matchesAllowance / normalizeAllowances", () => {
  it("matches exact addresses only, unless the pattern ends in *", () => {
    expect(matchesAllowance("aws_sqs_queue.dlq", "aws_sqs_queue.dlq")).toBe(true);
    expect(matchesAllowance("aws_sqs_queue.dlq_old", "aws_sqs_queue.dlq")).toBe(false);
    expect(matchesAllowance('aws_sqs_queue.dlq["a"]', "aws_sqs_queue.dlq*")).toBe(true);
    expect(matchesAllowance("module.x.aws_sqs_queue.dlq", "aws_sqs_queue.dlq*")).toBe(false);
    expect(matchesAllowance("anything", "*")).toBe(true);
    // "*" only counts at the end: elsewhere it is a literal character.
    expect(matchesAllowance("aws_sqs_queue.dlq", "aws_*.dlq")).toBe(false);
  });

  it("splits comma/whitespace separated values and drops blanks", () => {
    expect(normalizeAllowances(["a.b, c.d", " ", "e.f\ng.h", "a.b"])).toEqual(["a.b", "c.d", "e.f", "g.h"]);
    expect(normalizeAllowances([""])).toEqual([]);
  });
});

describe("evaluatePlan on fixtures", () => {
  it("no-op plan: empty, ok, data reads ignored", () => {
    const r = evaluatePlan(load("noop.json"));
    expect(r.empty).toBe(true);
    expect(r.ok).toBe(true);
    expect(r.countsByType.size).toBe(0);
    expect(renderText(r)).toContain("No changes.");
  });

  it("update in place of a protected resource is fine and counted", () => {
    const r = evaluatePlan(load("update-in-place.json"));
    expect(r.ok).toBe(true);
    expect(r.destructive).toHaveLength(0);
    expect(r.totals).toEqual({ create: 1, update: 2, replace: 0, delete: 0, forget: 0 });
    expect(r.countsByType.get("aws_cloudwatch_event_bus")).toEqual({ create: 0, update: 1, replace: 0, delete: 0, forget: 0 });
  });

  it('blocks a ["delete","create"] replace of a protected queue and names the forcing attributes', () => {
    const r = evaluatePlan(load("replace-delete-create-protected.json"));
    expect(r.ok).toBe(false);
    expect(r.blocked.map((b) => b.change.address)).toEqual(["aws_sqs_queue.dlq"]);
    expect(r.blocked[0].change.kind).toBe("replace");
    const text = renderText(r);
    expect(text).toContain("replace [delete, create]");
    expect(text).toContain("forced by fifo_queue, name");
    expect(text).toContain("BLOCKED");
  });

  it('blocks a ["create","delete"] (create_before_destroy) replace of a protected bus', () => {
    const r = evaluatePlan(load("replace-create-delete-protected.json"));
    expect(r.ok).toBe(false);
    expect(r.blocked[0].change.address).toBe("module.bus.aws_cloudwatch_event_bus.this");
    expect(r.totals.replace).toBe(1);
  });

  it("blocks deletion of a protected log group but not of the unprotected rule next to it", () => {
    const r = evaluatePlan(load("delete-protected.json"));
    expect(r.ok).toBe(false);
    expect(r.destructive.map((d) => [d.change.address, d.blocked])).toEqual([
      ["aws_cloudwatch_log_group.events", true],
      ["aws_cloudwatch_event_rule.catch_all", false],
    ]);
  });

  it("allows deletion of unprotected resources, but still lists them", () => {
    const r = evaluatePlan(load("delete-unprotected.json"));
    expect(r.ok).toBe(true);
    expect(r.destructive).toHaveLength(2);
    expect(renderText(r)).toContain("Destructive changes (2):");
  });

  it("an exact allowance unblocks only that address", () => {
    const plan = load("allowance.json");
    const blockedWithout = evaluatePlan(plan).blocked.map((b) => b.change.address);
    expect(blockedWithout).toEqual(['aws_sqs_queue.dlq["orders"]', 'aws_sqs_queue.dlq["users"]', "aws_cloudwatch_event_archive.partner", "aws_sqs_queue.dlq_old"]);

    const r = evaluatePlan(plan, { allowDestroy: ["aws_cloudwatch_event_archive.partner"] });
    expect(r.blocked.map((b) => b.change.address)).toEqual(['aws_sqs_queue.dlq["orders"]', 'aws_sqs_queue.dlq["users"]', "aws_sqs_queue.dlq_old"]);
    expect(r.destructive.find((d) => d.change.address === "aws_cloudwatch_event_archive.partner")?.allowedBy).toBe("aws_cloudwatch_event_archive.partner");
  });

  it("a glob allowance unblocks every address with that prefix, and reports unused allowances", () => {
    const r = evaluatePlan(load("allowance.json"), { allowDestroy: ["aws_sqs_queue.dlq*", "aws_cloudwatch_event_archive.partner", "aws_kms_key.typo"] });
    expect(r.ok).toBe(true);
    expect(r.unusedAllowances).toEqual(["aws_kms_key.typo"]);
    expect(renderText(r)).toContain("warning: --allow-destroy aws_kms_key.typo matched no delete or replace");
  });

  it("treats forget as a state-only removal, never blocked", () => {
    const r = evaluatePlan(load("allowance.json"), { allowDestroy: ["aws_*"] });
    expect(r.forgotten.map((f) => f.address)).toEqual(["genesyscloud_oauth_client.eventbridge"]);
    expect(r.ok).toBe(true);
    expect(renderText(r)).toContain("deposed object 0a1b2c3d");
  });

  it("a plan without resource_changes is a valid empty plan", () => {
    const r = evaluatePlan(load("no-resource-changes.json"));
    expect(r.empty).toBe(true);
    expect(r.ok).toBe(true);
  });

  it("protects exactly the documented resource types", () => {
    expect([...PROTECTED_RESOURCE_TYPES].sort()).toEqual(
      [
        "aws_cloudwatch_event_archive",
        "aws_cloudwatch_event_bus",
        "aws_cloudwatch_log_group",
        "aws_kinesis_stream",
        "aws_kms_key",
        "aws_s3_bucket",
        "aws_secretsmanager_secret",
        "aws_sqs_queue",
        "genesyscloud_integration",
        "genesyscloud_oauth_client",
      ].sort(),
    );
    expect(PROTECTED_RESOURCE_TYPES).not.toContain("aws_secretsmanager_secret_version");
  });
});

describe("parsePlan errors name the file and the problem", () => {
  it("malformed JSON", () => {
    expect(() => load("malformed.json")).toThrow(PlanInputError);
    expect(() => load("malformed.json")).toThrow(/^malformed\.json: not valid JSON/);
  });
  it("state JSON instead of a plan", () => {
    expect(() => load("state-not-plan.json")).toThrow(/state JSON/);
  });
  it("unknown action", () => {
    expect(() => load("bad-actions.json")).toThrow(/resource_changes\[0\]: aws_sqs_queue\.q: `change\.actions` must be/);
  });
  it("binary plan file, empty file, non-object, missing format_version, bad resource_changes", () => {
    expect(() => parsePlan("PK\u0003\u0004...", "dev.tfplan")).toThrow(/dev\.tfplan: this is a binary plan file/);
    expect(() => parsePlan("  \n", "x.json")).toThrow(/x\.json: the file is empty/);
    expect(() => parsePlan("[]", "x.json")).toThrow(/expected a JSON object/);
    expect(() => parsePlan("{}", "x.json")).toThrow(/missing string field `format_version`/);
    expect(() => parsePlan('{"format_version":"2.0"}', "x.json")).toThrow(/unsupported format_version "2.0"/);
    expect(() => parsePlan('{"format_version":"1.2","resource_changes":{}}', "x.json")).toThrow(/must be an array/);
    expect(() => parsePlan('{"format_version":"1.2","resource_changes":[{"type":"t"}]}', "x.json")).toThrow(/resource_changes\[0\]: missing string `address`/);
  });
});

describe("renderMarkdown", () => {
  it("has a per-type table, the destructive list and the verdict", () => {
    const md = renderMarkdown(evaluatePlan(load("delete-protected.json")), "Plan for dev");
    expect(md).toMatch(/^### ⛔ Plan for dev/);
    expect(md).toContain("| `aws_cloudwatch_log_group` | 0 | 0 | 0 | 1 |");
    expect(md).toContain("⛔ `aws_cloudwatch_log_group.events`: delete; delete_because_no_resource_config; PROTECTED, NOT ALLOWED");
    expect(md).toContain("**BLOCKED: 1 protected resource(s)");
  });
  it("marks a clean plan", () => {
    expect(renderMarkdown(evaluatePlan(load("noop.json")))).toMatch(/^### ✅ Terraform plan/);
  });
});

describe("main (CLI end to end, in process)", () => {
  it("exit 0 and a summary on stdout for a safe plan, Markdown written when asked", async () => {
    const io = captureIo();
    const code = await main(["--plan", fixture("update-in-place.json"), "--summary-md", "out/guard.md", "--title", "Plan for dev"], io);
    expect(code).toBe(EXIT_OK);
    expect(io.out).toContain("1 to create, 2 to update, 0 to replace, 0 to delete");
    expect(io.written.get("out/guard.md")).toMatch(/^### ✅ Plan for dev/);
    expect(io.err).toBe("");
  });

  it("exit 2 (blocked) for a protected delete, with the address on stderr; annotations when on GitHub", async () => {
    const io = captureIo({ githubAnnotations: true });
    const code = await main(["--plan", fixture("delete-protected.json")], io);
    expect(code).toBe(EXIT_BLOCKED);
    expect(io.err).toContain("BLOCKED: delete of protected aws_cloudwatch_log_group aws_cloudwatch_log_group.events");
    expect(io.out).toContain("::error title=plan-guard");
  });

  it("--allow-destroy (repeated, comma separated, glob) turns blocked into ok", async () => {
    const io = captureIo();
    const code = await main(["--plan", fixture("allowance.json"), "--allow-destroy", "aws_sqs_queue.dlq*", "--allow-destroy", "aws_cloudwatch_event_archive.partner,aws_sqs_queue.dlq_old"], io);
    expect(code).toBe(EXIT_OK);
    expect(io.out).toContain("allowed by --allow-destroy aws_sqs_queue.dlq*");
  });

  it("an empty --allow-destroy value (blank dispatch input) allows nothing", async () => {
    const code = await main(["--plan", fixture("delete-protected.json"), "--allow-destroy", ""], captureIo());
    expect(code).toBe(EXIT_BLOCKED);
  });

  it("exit 3 for a missing file, naming it", async () => {
    const io = captureIo();
    const code = await main(["--plan", fixture("does-not-exist.json")], io);
    expect(code).toBe(EXIT_BAD_INPUT);
    expect(io.err).toMatch(/bad input: .*does-not-exist\.json: file not found/);
  });

  it("exit 3 for a malformed file", async () => {
    const io = captureIo();
    expect(await main(["--plan", fixture("malformed.json")], io)).toBe(EXIT_BAD_INPUT);
    expect(io.err).toContain("malformed.json: not valid JSON");
  });

  it("exit 3 for bad arguments; --help documents the exit codes and exits 0", async () => {
    const bad = captureIo();
    expect(await main([], bad)).toBe(EXIT_BAD_INPUT);
    expect(bad.err).toMatch(/Missing required argument: plan/);
    expect(await main(["--plan", "x", "--bogus"], captureIo())).toBe(EXIT_BAD_INPUT);

    const help = captureIo();
    expect(await main(["--help"], help)).toBe(EXIT_OK);
    expect(help.out).toContain("Exit codes:");
    expect(help.out).toMatch(/2\s+BLOCKED/);
    expect(help.out).toMatch(/3\s+bad input/);
  });

  it("writes the Markdown file through the real filesystem io", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-guard-"));
    const md = path.join(dir, "nested", "summary.md");
    const io = captureIo({ writeFile: processIo.writeFile });
    expect(await main(["--plan", fixture("replace-delete-create-protected.json"), "--summary-md", md], io)).toBe(EXIT_BLOCKED);
    expect(fs.readFileSync(md, "utf8")).toContain("`aws_sqs_queue.dlq`");
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("reports a summary file it cannot write as bad input naming the file (exit 3), not a crash", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-guard-"));
    const io = captureIo({ writeFile: processIo.writeFile });
    expect(await main(["--plan", fixture("update-in-place.json"), "--summary-md", dir], io)).toBe(EXIT_BAD_INPUT);
    expect(io.err).toBe(`plan-guard: bad input: cannot write ${dir} (EISDIR): pass a file path in a writable folder\n`);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
