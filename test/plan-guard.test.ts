import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import yargs from "yargs";
import { parseCommandLine } from "../scripts/lib/cli";
import { evaluatePlan, parsePlan, PlanInputError, renderMarkdown, renderText } from "../scripts/lib/plan-guard/guard";
import { annotation, EXIT_BAD_INPUT, EXIT_BLOCKED, EXIT_OK, main, PlanGuardIo, processIo } from "../scripts/plan-guard";

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
    // The target that points at the replaced queue gets a new ARN: a protected update, blocked too.
    expect(r.blocked.map((b) => b.change.address)).toEqual(["aws_sqs_queue.dlq", "aws_cloudwatch_event_target.sqs"]);
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

  // Issue #10 item 8: the rule next to the log group was let through because its type was not listed.
  it("blocks deletion of the log group and of the rule next to it", () => {
    const r = evaluatePlan(load("delete-protected.json"));
    expect(r.ok).toBe(false);
    expect(r.destructive.map((d) => [d.change.address, d.blocked])).toEqual([
      ["aws_cloudwatch_log_group.events", true],
      ["aws_cloudwatch_event_rule.catch_all", true],
    ]);
  });

  it("deny by default: deletes of every type not on the safe list are blocked, unknown types included", () => {
    const r = evaluatePlan(load("delete-unlisted-types.json"));
    expect(r.ok).toBe(false);
    expect(r.blocked.map((b) => b.change.type)).toEqual([
      "aws_cloudwatch_event_rule",
      "aws_cloudwatch_event_target",
      "aws_sns_topic",
      "aws_kms_alias",
      "aws_sqs_queue_policy",
      "genesyscloud_auth_role",
      "acme_widget",
      "aws_cloudwatch_metric_alarm",
    ]);
    // An alarm deleted outright (not replaced, not forgotten) takes monitoring away silently.
    const alarm = r.destructive.find((d) => d.change.type === "aws_cloudwatch_metric_alarm");
    expect(alarm).toMatchObject({ blocked: true, safeReason: undefined });
    const text = renderText(r);
    expect(text).toContain("!! acme_widget.thing: delete; NOT ALLOWED: acme_widget is not on the safe list");
    expect(text).toContain("!! aws_cloudwatch_metric_alarm.dlq_depth: delete; ");
    expect(text).toContain("NOT ALLOWED: aws_cloudwatch_metric_alarm may be replaced or forgotten, not deleted outright");
    expect(text).toContain("delete_because_no_resource_config: its resource block was removed from the configuration");
  });

  it("an allowance that covers a safe-type removal counts as used", () => {
    const r = evaluatePlan(load("delete-unlisted-types.json"), { allowDestroy: ["aws_cloudwatch_metric_alarm.dlq_depth"] });
    expect(r.unusedAllowances).toEqual([]);
    expect(r.blocked).toHaveLength(7);
  });

  it("the rule and target that used to pass are blocked, and allowed one address at a time", () => {
    expect(evaluatePlan(load("delete-unprotected.json")).blocked).toHaveLength(2);
    const r = evaluatePlan(load("delete-unprotected.json"), { allowDestroy: ["aws_cloudwatch_event_rule.catch_all"] });
    expect(r.blocked.map((b) => b.change.address)).toEqual(["aws_cloudwatch_event_target.catch_all_logs"]);
    expect(renderText(r)).toContain("Destructive changes (2):");
  });

  it("an exact allowance unblocks only that address", () => {
    const plan = load("allowance.json");
    const blockedWithout = evaluatePlan(plan).blocked.map((b) => b.change.address);
    expect(blockedWithout).toEqual([
      'aws_sqs_queue.dlq["orders"]',
      'aws_sqs_queue.dlq["users"]',
      "aws_cloudwatch_event_archive.partner",
      "genesyscloud_oauth_client.eventbridge",
      "aws_sqs_queue.dlq_old",
    ]);

    const r = evaluatePlan(plan, { allowDestroy: ["aws_cloudwatch_event_archive.partner"] });
    expect(r.blocked.map((b) => b.change.address)).toEqual(['aws_sqs_queue.dlq["orders"]', 'aws_sqs_queue.dlq["users"]', "genesyscloud_oauth_client.eventbridge", "aws_sqs_queue.dlq_old"]);
    expect(r.destructive.find((d) => d.change.address === "aws_cloudwatch_event_archive.partner")?.allowedBy).toBe("aws_cloudwatch_event_archive.partner");
  });

  it("a glob inside one name unblocks the names it matches, and reports unused allowances", () => {
    const r = evaluatePlan(load("allowance.json"), {
      allowDestroy: ["aws_sqs_queue.dlq*", "aws_cloudwatch_event_archive.partner", "genesyscloud_oauth_client.eventbridge", "aws_kms_key.typo"],
    });
    expect(r.ok).toBe(true);
    expect(r.unusedAllowances).toEqual(["aws_kms_key.typo"]);
    expect(renderText(r)).toContain("warning: --allow-destroy aws_kms_key.typo matched nothing in this plan");
    expect(renderText(r)).toContain("deposed object 0a1b2c3d");
  });

  it("a resource address without a key allows all its instances, not its look-alikes", () => {
    const r = evaluatePlan(load("allowance.json"), { allowDestroy: ["aws_sqs_queue.dlq", "aws_cloudwatch_event_archive.partner", "genesyscloud_oauth_client.eventbridge"] });
    expect(r.blocked.map((b) => b.change.address)).toEqual(["aws_sqs_queue.dlq_old"]);
  });

  // Issue #10 item 11.
  it("allowances match whole segments: module.x is not module.x2; keys with commas stay whole", () => {
    const plan = load("allowance-segments.json");
    const blockedWith = (allow: string[]) => evaluatePlan(plan, { allowDestroy: allow }).blocked.map((b) => b.change.address);
    expect(blockedWith(["module.x"])).toEqual(["module.x2.aws_sqs_queue.q", 'aws_sqs_queue.dlq["a,b"]', "aws_sqs_queue.dlq[0]", "aws_sqs_queue.dlq_prod_orders"]);
    expect(blockedWith(['aws_sqs_queue.dlq["a,b"]'])).toEqual(["module.x.aws_sqs_queue.q", "module.x2.aws_sqs_queue.q", "aws_sqs_queue.dlq[0]", "aws_sqs_queue.dlq_prod_orders"]);
    expect(blockedWith(["aws_sqs_queue.dlq[0]", "aws_sqs_queue.dlq_prod_orders"])).toEqual(["module.x.aws_sqs_queue.q", "module.x2.aws_sqs_queue.q", 'aws_sqs_queue.dlq["a,b"]']);
  });

  it("a bare * or a pattern naming nothing is bad input, not an allowance", () => {
    expect(() => evaluatePlan(load("allowance.json"), { allowDestroy: ["*"] })).toThrow(/would allow every address/);
    expect(() => evaluatePlan(load("allowance.json"), { allowDestroy: ["aws_sqs_queue.dlq, *.*"] })).toThrow(/matches every address in its scope/);
  });

  // Issue #10 item 10.
  it('forget and ["create","forget"] of protected resources are blocked; of a safe type, not', () => {
    const r = evaluatePlan(load("forget.json"));
    expect(r.ok).toBe(false);
    expect(r.totals).toEqual({ create: 0, update: 0, replace: 1, delete: 0, forget: 2 });
    expect(r.destructive.map((d) => [d.change.address, d.change.kind, d.blocked])).toEqual([
      ["genesyscloud_oauth_client.smoke_a", "forget", true],
      ["aws_secretsmanager_secret.smoke", "replace", true],
      ["aws_cloudwatch_metric_alarm.old", "forget", false],
    ]);
    const text = renderText(r);
    expect(text).toContain("genesyscloud_oauth_client.smoke_a: forget (the object is kept but no longer managed)");
    expect(text).toContain("aws_secretsmanager_secret.smoke: replace [create, forget]; replace_by_request: requested with -replace");
    expect(evaluatePlan(load("forget.json"), { allowDestroy: ["genesyscloud_oauth_client.smoke_a", "aws_secretsmanager_secret.smoke"] }).ok).toBe(true);
  });

  it("the Logs policy handover (README \"Terraform addresses\"): its forget is blocked until that exact address is allowed", async () => {
    // Shape of a `removed { destroy = false }` change as Terraform 1.11 writes it (terraform show -json of such a plan).
    const plan = JSON.stringify({
      format_version: "1.2",
      terraform_version: "1.11.4",
      applyable: true,
      complete: true,
      errored: false,
      resource_changes: [
        {
          address: "aws_cloudwatch_log_resource_policy.log_delivery",
          mode: "managed",
          type: "aws_cloudwatch_log_resource_policy",
          name: "log_delivery",
          provider_name: "registry.terraform.io/hashicorp/aws",
          change: { actions: ["forget"], before: { policy_name: "genesys-dev-eventbridge-logs" }, after: null, after_unknown: {}, before_sensitive: {}, after_sensitive: false },
          action_reason: "delete_because_no_resource_config",
        },
      ],
    });
    expect(evaluatePlan(parsePlan(plan, "handover")).destructive.map((d) => [d.change.kind, d.blocked])).toEqual([["forget", true]]);
    expect(evaluatePlan(parsePlan(plan, "handover"), { allowDestroy: ["aws_cloudwatch_log_resource_policy.log_delivery"] }).ok).toBe(true);
    // The CLI's BLOCKED line is what .github/scripts/plan-guard.sh reads to name the address in its dispatch hint:
    // the same pattern, with the type and the address as its last two words.
    const io = captureIo({ readFile: () => new TextEncoder().encode(plan) });
    expect(await main(["--plan", "handover.json"], io)).toBe(EXIT_BLOCKED);
    const lines = io.err.split("\n").filter((l) => /^plan-guard: BLOCKED: .* of (protected )?.* is not allowed without --allow-destroy$/.test(l));
    expect(lines.map((l) => l.replace(/ is not allowed without --allow-destroy$/, "").split(" ").slice(-2))).toEqual([["aws_cloudwatch_log_resource_policy", "aws_cloudwatch_log_resource_policy.log_delivery"]]);
  });

  it("updates of protected attributes are blocked, with what changed and no sensitive value; harmless updates pass", () => {
    const r = evaluatePlan(load("protected-updates.json"));
    expect(r.ok).toBe(false);
    expect(r.protectedUpdates.map((u) => [u.change.address, u.attributes.map((a) => a.attribute)])).toEqual([
      ["aws_secretsmanager_secret.rotation", ["kms_key_id"]],
      ["aws_kms_key.key", ["enable_key_rotation"]],
      ["aws_cloudwatch_log_group.events", ["retention_in_days"]],
      ["genesyscloud_integration.eventbridge", ["config"]],
    ]);
    const text = renderText(r);
    expect(text).toContain('aws_secretsmanager_secret.rotation: update of protected kms_key_id ("arn:aws:kms:eu-west-1:111122223333:key/aaaa" → "arn:aws:kms:eu-west-1:111122223333:key/bbbb"); NOT ALLOWED');
    expect(text).toContain("aws_kms_key.key: update of protected enable_key_rotation (true → false)");
    expect(text).toContain("retention_in_days (known only after apply)");
    expect(text).toContain("config (sensitive value changed)");
    expect(text).not.toContain("new");
    const allowed = evaluatePlan(load("protected-updates.json"), {
      allowDestroy: ["aws_secretsmanager_secret.rotation", "aws_kms_key.key", "aws_cloudwatch_log_group.events", "genesyscloud_integration.eventbridge"],
    });
    expect(allowed.ok).toBe(true);
    expect(renderText(allowed)).toContain("OK: nothing is removed or changed in a protected attribute without an allowance (4 allowed by --allow-destroy).");
  });

  it("drift of protected resources is shown (not of safe types) and does not block by itself", () => {
    const r = evaluatePlan(load("drift.json"));
    expect(r.ok).toBe(true);
    expect(r.drift.map((d) => [d.change.address, d.attributes.map((a) => a.attribute)])).toEqual([
      ["aws_kms_key.key", ["policy"]],
      ["aws_sqs_queue.dlq", []],
    ]);
    const text = renderText(r);
    expect(text).toContain("Drift of protected resources (2)");
    expect(text).toContain("aws_kms_key.key: changed outside Terraform; protected: policy (changed)");
    expect(text).toContain("aws_sqs_queue.dlq: deleted outside Terraform");
    expect(renderMarkdown(r)).toMatch(/^### ⚠️/);
  });

  it.each([
    ["errored.json", "errored", "`errored` is true"],
    ["deferred.json", "complete", "`complete` is false"],
    ["deferred.json", "deferred_changes", 'genesyscloud_oauth_client.smoke[*] (provider_config_unknown)'],
    ["unapplyable-with-changes.json", "applyable", "`applyable` is false although the plan lists changes"],
    ["action-invocations.json", "action_invocations", "action.aws_lambda_invoke.warmup"],
  ])("%s fails, naming %s", (file, field, text) => {
    const r = evaluatePlan(load(file));
    expect(r.ok).toBe(false);
    expect(r.blocked).toHaveLength(0);
    expect(r.problems.map((p) => p.field)).toContain(field);
    expect(r.problems.map((p) => p.message).join("\n")).toContain(text);
    expect(renderText(r)).toContain("BLOCKED: the plan cannot be applied as is");
  });

  it("deferred action invocations and a bare complete:false fail too", () => {
    const deferredAction = parsePlan(
      JSON.stringify({ format_version: "1.2", deferred_action_invocations: [{ reason: "deferred_prereq", action_invocation: { address: "action.aws_lambda_invoke.x" } }] }),
      "x.json",
    );
    expect(evaluatePlan(deferredAction).problems.map((p) => p.message)).toEqual([expect.stringContaining("action.aws_lambda_invoke.x")]);
    expect(evaluatePlan(parsePlan('{"format_version":"1.2","complete":false}', "x.json")).problems.map((p) => p.field)).toEqual(["complete"]);
  });

  it("an unapplyable plan with no changes is a normal 'nothing to apply', and older plans without the flags pass", () => {
    const r = evaluatePlan(load("no-resource-changes.json"));
    expect(r.ok).toBe(true);
    expect(renderText(r)).toContain("No changes: nothing to apply.");
    const old = parsePlan('{"format_version":"1.0","planned_values":{},"resource_changes":[]}', "old.json");
    expect([old.errored, old.complete, old.applyable]).toEqual([undefined, undefined, undefined]);
    expect(evaluatePlan(old).ok).toBe(true);
  });

  it("a plan without resource_changes is a valid empty plan", () => {
    const r = evaluatePlan(load("no-resource-changes.json"));
    expect(r.empty).toBe(true);
    expect(r.ok).toBe(true);
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
  it("unknown action list", () => {
    expect(() => load("bad-actions.json")).toThrow(/resource_changes\[0\]: unsupported actions \["destroy"\] at aws_sqs_queue\.q/);
  });
  it("a data source with anything but a read, a bad mode, an address that disagrees with type/name", () => {
    const plan = (change: object) => JSON.stringify({ format_version: "1.2", resource_changes: [change] });
    const base = { address: "data.aws_iam_policy_document.p", mode: "data", type: "aws_iam_policy_document", name: "p", change: { actions: ["delete"] } };
    expect(() => parsePlan(plan(base), "x.json")).toThrow(/unsupported actions \["delete"\] at data\.aws_iam_policy_document\.p/);
    expect(() => parsePlan(plan({ ...base, mode: "ephemeral", change: { actions: ["read"] } }), "x.json")).toThrow(/`mode` must be "managed" or "data"/);
    expect(() => parsePlan(plan({ ...base, address: "aws_iam_policy_document.p", change: { actions: ["read"] } }), "x.json")).toThrow(/does not agree with `type`/);
    expect(() => parsePlan(plan({ ...base, address: "data.aws_iam_policy_document.p[", change: { actions: ["read"] } }), "x.json")).toThrow(/cannot read the address/);
  });
  it("errored/complete/applyable must be booleans when present; deferred changes must have known action lists", () => {
    expect(() => parsePlan('{"format_version":"1.2","errored":"no"}', "x.json")).toThrow(/`errored` must be true or false/);
    expect(() =>
      parsePlan('{"format_version":"1.2","deferred_changes":[{"reason":"x","resource_change":{"address":"a.b","change":{"actions":["nuke"]}}}]}', "x.json"),
    ).toThrow(/deferred_changes\[0\]: unsupported actions \["nuke"\] at a\.b/);
  });
  it("binary plan file, empty file, non-object, missing format_version, bad resource_changes", () => {
    expect(() => parsePlan("PK\u0003\u0004...", "dev.tfplan")).toThrow(/dev\.tfplan: this is a binary plan file/);
    expect(() => parsePlan("  \n", "x.json")).toThrow(/x\.json: the file is empty/);
    expect(() => parsePlan("[]", "x.json")).toThrow(/expected a JSON object/);
    expect(() => parsePlan("{}", "x.json")).toThrow(/missing string field `format_version`/);
    expect(() => parsePlan('{"format_version":"2.0"}', "x.json")).toThrow(/unsupported format_version "2.0": plan-guard reads major version 1/);
    expect(() => parsePlan('{"format_version":"10.1"}', "x.json")).toThrow(/unsupported format_version/);
    expect(() => parsePlan('{"format_version":"1"}', "x.json")).not.toThrow();
    expect(() => parsePlan('{"format_version":"1.2","resource_changes":{}}', "x.json")).toThrow(/must be an array/);
    expect(() => parsePlan('{"format_version":"1.2","resource_changes":[{"type":"t"}]}', "x.json")).toThrow(/resource_changes\[0\]: missing string `address`/);
  });
});

describe("renderMarkdown", () => {
  it("has a per-type table, the destructive list and the verdict", () => {
    const md = renderMarkdown(evaluatePlan(load("delete-protected.json")), "Plan for dev");
    expect(md).toMatch(/^### ⛔ Plan for dev/);
    expect(md).toContain("| `aws_cloudwatch_log_group` | 0 | 0 | 0 | 1 |");
    expect(md).toContain(
      "⛔ `aws_cloudwatch_log_group.events`: delete; delete_because_no_resource_config: its resource block was removed from the configuration; NOT ALLOWED: aws_cloudwatch_log_group is not on the safe list",
    );
    expect(md).toContain("**BLOCKED: 2 change(s) need an allowance");
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
    const code = await main(["--plan", fixture("allowance.json"), "--allow-destroy", "aws_sqs_queue.dlq*", "--allow-destroy", "aws_cloudwatch_event_archive.partner,aws_sqs_queue.dlq_old genesyscloud_oauth_client.eventbridge"], io);
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

describe("main: plan-level failures, allowances and input faults (issue #10, issue #13 item 8)", () => {
  it("exit 2 for an errored plan, naming the field on stderr", async () => {
    const io = captureIo({ githubAnnotations: true });
    expect(await main(["--plan", fixture("errored.json")], io)).toBe(EXIT_BLOCKED);
    expect(io.err).toContain("plan-guard: BLOCKED: `errored` is true");
    expect(io.out).toContain("::error title=plan-guard");
  });

  it("exit 2 for a protected update, naming the attribute", async () => {
    const io = captureIo();
    expect(await main(["--plan", fixture("protected-updates.json")], io)).toBe(EXIT_BLOCKED);
    expect(io.err).toContain("BLOCKED: update of protected kms_key_id of aws_secretsmanager_secret aws_secretsmanager_secret.rotation is not allowed without --allow-destroy");
  });

  it("annotations escape what would end the workflow command early", () => {
    expect(annotation("plan-guard (a:b,c.json)", 'aws_sqs_queue.q["50%\nx"]')).toBe('::error title=plan-guard (a%3Ab%2Cc.json)::aws_sqs_queue.q["50%25%0Ax"]\n');
  });

  it("an output change with an undocumented action list is bad input too", () => {
    expect(() => parsePlan('{"format_version":"1.2","output_changes":{"bus_arn":{"actions":["explode"]}}}', "x.json")).toThrow(
      /^x\.json: output_changes: unsupported actions \["explode"\] at output\.bus_arn/,
    );
  });

  it("exit 3 for an undocumented action list, with the address", async () => {
    const io = captureIo();
    expect(await main(["--plan", fixture("bad-actions.json")], io)).toBe(EXIT_BAD_INPUT);
    expect(io.err).toContain('unsupported actions ["destroy"] at aws_sqs_queue.q');
  });

  it("exit 3 for a bare * allowance, with how to name addresses", async () => {
    const io = captureIo();
    expect(await main(["--plan", fixture("delete-protected.json"), "--allow-destroy", "*"], io)).toBe(EXIT_BAD_INPUT);
    expect(io.err).toMatch(/^plan-guard: bad input: --allow-destroy: "\*" would allow every address; name the resources/);
  });

  it("exit 3, not an internal error, for a repeated --plan", async () => {
    const io = captureIo();
    expect(await main(["--plan", "a.json", "--plan", "b.json"], io)).toBe(EXIT_BAD_INPUT);
    expect(io.err).toContain("plan-guard: --plan was given 2 times (a.json, b.json); give it once");
    expect(io.err).not.toContain("internal error");
  });

  it("reads a plan file with a UTF-8 BOM, refuses UTF-16 with the bash hint (real files)", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-guard-"));
    const text = fs.readFileSync(fixture("update-in-place.json"), "utf8");
    const bom = path.join(dir, "bom.json");
    const utf16 = path.join(dir, "utf16.json");
    fs.writeFileSync(bom, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, "utf8")]));
    fs.writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]));
    try {
      const ok = captureIo();
      expect(await main(["--plan", bom], ok)).toBe(EXIT_OK);
      expect(ok.out).toContain("1 to create, 2 to update");
      const bad = captureIo();
      expect(await main(["--plan", utf16], bad)).toBe(EXIT_BAD_INPUT);
      expect(bad.err).toBe(
        `plan-guard: bad input: ${utf16}: the plan file is UTF-16; write it with \`terraform show -json plan.tfplan > plan.json\` from bash, or convert it to UTF-8\n`,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("parseCommandLine (scripts/lib/cli.ts): a single-value option given twice is a usage error for every CLI", () => {
  const parse = (argv: string[]) => {
    const io = captureIo();
    const parser = yargs([])
      .option("audit-log", { type: "string" })
      .option("timeout", { type: "number" })
      .option("only", { type: "string", array: true, default: [] as string[] })
      .option("dry-run", { type: "boolean", default: false });
    return { outcome: parseCommandLine<Record<string, unknown>>("rotate", parser, argv, io, 2), io };
  };

  it("names the option and its values; repeatable (array) options and repeated booleans stay fine", () => {
    const { outcome, io } = parse(["--audit-log", "a.jsonl", "--audit-log", "b.jsonl", "--timeout", "1", "--timeout", "2"]);
    expect(outcome).toEqual({ kind: "exit", code: 2 });
    expect(io.err).toContain("rotate: --audit-log was given 2 times (a.jsonl, b.jsonl); give it once; --timeout was given 2 times (1, 2); give it once");
    const ok = parse(["--only", "a", "--only", "b", "--dry-run", "--dry-run", "--audit-log", "x"]);
    expect(ok.outcome).toMatchObject({ kind: "run", args: { only: ["a", "b"], "dry-run": true, "audit-log": "x" } });
  });
});
