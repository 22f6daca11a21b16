/**
 * Rules for the GitHub Actions workflows in .github/workflows, as pure functions over parsed YAML.
 * Every rule returns a list of violations (empty = fine), so tests can both assert a workflow passes
 * and that a mutated copy fails.
 */

export type Permissions = Record<string, string> | string;

export interface Step {
  id?: string;
  name?: string;
  if?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}

export interface Job {
  name?: string;
  needs?: string | string[];
  if?: string;
  environment?: string | { name: string; url?: string };
  permissions?: Permissions;
  concurrency?: string | { group: string; "cancel-in-progress"?: boolean | string };
  env?: Record<string, unknown>;
  strategy?: { matrix?: Record<string, unknown> };
  steps?: Step[];
  uses?: string;
}

export interface Workflow {
  name?: string;
  on: Record<string, unknown>;
  permissions?: Permissions;
  env?: Record<string, unknown>;
  jobs: Record<string, Job>;
}

export const ENVIRONMENTS = ["dev", "staging", "prod"] as const;
export const SETUP_TOOLCHAIN = "./.github/actions/setup-toolchain";
const CONFIGURE_AWS = "aws-actions/configure-aws-credentials@";

const TERRAFORM_APPLY = /\bterraform\b[^\n]*\sapply(\s|$)/m;
const TERRAFORM_PLAN = /\bterraform\b[^\n]*\splan(\s|$)/m;
export const TERRAFORM_ANY = /(^|[\s;&|(])terraform\s/m;

export const steps = (job: Job): Step[] => job.steps ?? [];
export const usesAction = (step: Step, action: string): boolean => (step.uses ?? "").startsWith(action);
export const runs = (step: Step, pattern: RegExp): boolean => typeof step.run === "string" && pattern.test(step.run);
export const indexOf = (job: Job, predicate: (s: Step) => boolean): number => steps(job).findIndex(predicate);
const lastIndexOf = (job: Job, predicate: (s: Step) => boolean): number => {
  const all = steps(job);
  for (let i = all.length - 1; i >= 0; i--) if (predicate(all[i])) return i;
  return -1;
};

export const isApplyStep = (s: Step): boolean => runs(s, TERRAFORM_APPLY);
export const isGuardStep = (s: Step): boolean => runs(s, /\bplan-guard\b/);
export const isSmokeStep = (s: Step): boolean => runs(s, /\bnpm run (--silent )?smoke\b/);
export const isConfigureAws = (s: Step): boolean => usesAction(s, CONFIGURE_AWS);

export function needsOf(job: Job): string[] {
  if (job.needs === undefined) return [];
  return Array.isArray(job.needs) ? job.needs : [job.needs];
}

/** All jobs `jobId` waits for, directly or not. */
export function transitiveNeeds(wf: Workflow, jobId: string, seen = new Set<string>()): Set<string> {
  for (const dep of needsOf(wf.jobs[jobId] ?? {})) {
    if (seen.has(dep)) continue;
    seen.add(dep);
    transitiveNeeds(wf, dep, seen);
  }
  return seen;
}

export function environmentName(job: Job): string | undefined {
  if (job.environment === undefined) return undefined;
  return typeof job.environment === "string" ? job.environment : job.environment.name;
}

/** Which deployment environment a job works on: its GitHub environment without "-plan", else its TF_ENV. */
export function targetEnvironment(job: Job): string | undefined {
  const env = environmentName(job);
  if (env !== undefined) return env.replace(/-plan$/, "");
  const tfEnv = job.env?.TF_ENV;
  return typeof tfEnv === "string" ? tfEnv : undefined;
}

export function permissionsOf(p: Permissions | undefined): Record<string, string> {
  if (p === undefined) return {};
  if (typeof p === "string") return p === "write-all" ? { "*": "write" } : {};
  return p;
}

function githubScripts(job: Job): string[] {
  return steps(job)
    .filter((s) => usesAction(s, "actions/github-script@"))
    .map((s) => String(s.with?.script ?? ""));
}

function triggers(wf: Workflow): string[] {
  return typeof wf.on === "string" ? [wf.on] : Array.isArray(wf.on) ? (wf.on as string[]) : Object.keys(wf.on ?? {});
}

/** Top-level permissions are empty or read-only contents; every job declares its own, and every write is used. */
export function checkPermissions(wf: Workflow): string[] {
  const problems: string[] = [];
  const top = wf.permissions;
  const topOk = top !== undefined && typeof top === "object" && Object.entries(top).every(([k, v]) => k === "contents" && v === "read");
  if (!topOk) problems.push(`top-level permissions must be {} or {contents: read}, got ${JSON.stringify(top)}`);

  for (const [id, job] of Object.entries(wf.jobs)) {
    if (job.permissions === undefined || typeof job.permissions !== "object") {
      problems.push(`${id}: must declare its permissions explicitly as a map`);
      continue;
    }
    const perms = permissionsOf(job.permissions);
    const hasConfigure = steps(job).some(isConfigureAws);
    if (hasConfigure && perms["id-token"] !== "write") problems.push(`${id}: runs configure-aws-credentials without id-token: write`);
    for (const [scope, level] of Object.entries(perms)) {
      if (level !== "write") continue;
      const scripts = githubScripts(job);
      const used =
        scope === "id-token"
          ? hasConfigure
          : scope === "pull-requests"
            ? triggers(wf).some((t) => t.startsWith("pull_request")) && scripts.some((s) => /\b(createComment|updateComment)\b/.test(s))
            : scope === "issues"
              ? scripts.some((s) => /issues\.(create|update|createComment)\b/.test(s))
              : false;
      if (!used) problems.push(`${id}: has ${scope}: write but does not use it`);
    }
  }
  return problems;
}

/** Every non-local `uses:` line is pinned to a 40-hex commit with a `# vX.Y.Z` comment. Works on raw text (comments are lost in YAML). */
/**
 * Every action the workflows and the toolchain action may use, by exact commit, with its release (re-review R4: a
 * SHA that exists only in a fork of the action's repository resolves as well as the real one, so the form of a pin
 * proves nothing). A Dependabot bump fails checkPinnedActions until its new pin is written here: check that the SHA
 * is the commit of that release in the action's own repository, then add it.
 */
export const KNOWN_ACTION_PINS: Readonly<Record<string, string>> = Object.freeze({
  "actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683": "v4.2.2",
  "actions/download-artifact@d3f86a106a0bac45b974a628896c90dbdf5c8093": "v4.3.0",
  "actions/github-script@ed597411d8f924073f98dfc5c65a23a2325f34cd": "v8.0.0",
  "actions/setup-node@49933ea5288caeca8642d1e84afbd3f7d6820020": "v4.4.0",
  "actions/upload-artifact@ea165f8d65b6e75b540449e92b4886f43607fa02": "v4.6.2",
  "aws-actions/configure-aws-credentials@7474bc4690e29a8392af63c5b98e7449536d5c3a": "v4.3.1",
  "hashicorp/setup-terraform@b9cd54a3c349d3f38e8881555d616ced269862dd": "v3.1.2",
});

export function checkPinnedActions(text: string, file: string): string[] {
  const problems: string[] = [];
  text.split("\n").forEach((line, i) => {
    const m = /^\s*(?:-\s+)?uses:\s*["']?([^\s"'#]+)["']?\s*(#.*)?$/.exec(line);
    if (!m) return;
    const [, ref, comment] = m;
    if (ref.startsWith("./")) return;
    if (ref.startsWith("docker://")) {
      if (!/@sha256:[0-9a-f]{64}$/.test(ref)) problems.push(`${file}:${i + 1}: docker action not pinned by digest: ${ref}`);
      return;
    }
    if (!/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/.test(ref)) problems.push(`${file}:${i + 1}: ${ref} is not pinned to a full commit SHA`);
    else if (!comment || !/#\s*v\d+(\.\d+)*\b/.test(comment)) problems.push(`${file}:${i + 1}: ${ref} has no "# vX.Y.Z" version comment`);
    else if (KNOWN_ACTION_PINS[ref] === undefined) {
      problems.push(`${file}:${i + 1}: ${ref} is not a known pin: check the SHA is the release's commit in that action's repository, then add it to KNOWN_ACTION_PINS (test/support/workflow-rules.ts)`);
    } else if (!new RegExp(`#\\s*${KNOWN_ACTION_PINS[ref].replace(/\./g, "\\.")}\\b`).test(comment)) {
      problems.push(`${file}:${i + 1}: ${ref} is ${KNOWN_ACTION_PINS[ref]}, but its comment says "${comment.trim()}"`);
    }
  });
  return problems;
}

/** Terraform only through the toolchain action (version from .terraform-version), before any terraform command. */
export function checkTerraformSource(wf: Workflow, text: string): string[] {
  const problems: string[] = [];
  if (/hashicorp\/setup-terraform/.test(text)) problems.push(`uses hashicorp/setup-terraform directly; use ${SETUP_TOOLCHAIN}`);
  if (/terraform_version|terraform-version:/.test(text)) problems.push("sets a Terraform version; the version lives only in .terraform-version");
  let usesTerraform = false;
  for (const [id, job] of Object.entries(wf.jobs)) {
    const first = indexOf(job, (s) => runs(s, TERRAFORM_ANY));
    if (first < 0) continue;
    usesTerraform = true;
    const setup = indexOf(job, (s) => s.uses === SETUP_TOOLCHAIN && String(s.with?.terraform ?? "true") !== "false");
    if (setup < 0 || setup > first) problems.push(`${id}: runs terraform without ${SETUP_TOOLCHAIN} (terraform enabled) before it`);
  }
  if (usesTerraform && String(wf.env?.TF_IN_AUTOMATION) !== "1") problems.push("runs terraform but the workflow env does not set TF_IN_AUTOMATION=1");
  return problems;
}

/** Composite action: Terraform version read from .terraform-version, wrapper off. */
export function checkToolchainAction(action: { runs?: { steps?: Step[] } }): string[] {
  const problems: string[] = [];
  const all = action.runs?.steps ?? [];
  const tf = all.filter((s) => usesAction(s, "hashicorp/setup-terraform@"));
  if (tf.length !== 1) problems.push(`expected exactly one hashicorp/setup-terraform step, found ${tf.length}`);
  for (const s of tf) {
    const version = String(s.with?.terraform_version ?? "");
    if (!/^\$\{\{\s*steps\.[\w-]+\.outputs\.version\s*\}\}$/.test(version)) problems.push(`terraform_version must come from the .terraform-version step output, got "${version}"`);
    if (s.with?.terraform_wrapper !== false && s.with?.terraform_wrapper !== "false") problems.push("terraform_wrapper must be false");
  }
  if (!all.some((s) => runs(s, /\.terraform-version/))) problems.push("no step reads .terraform-version");
  return problems;
}

/** No `${{ secrets.* }}` inside run scripts, and secret-bearing env vars are never printed. */
export function checkSecretsNotEchoed(wf: Workflow): string[] {
  const problems: string[] = [];
  const secretVars = (env: Record<string, unknown> | undefined): string[] =>
    Object.entries(env ?? {})
      .filter(([, v]) => typeof v === "string" && /\bsecrets\./.test(v))
      .map(([k]) => k);
  const workflowSecrets = secretVars(wf.env);
  for (const [id, job] of Object.entries(wf.jobs)) {
    const jobSecrets = [...workflowSecrets, ...secretVars(job.env)];
    steps(job).forEach((s, i) => {
      if (typeof s.run !== "string") return;
      const where = `${id} step ${i + 1} (${s.name ?? "unnamed"})`;
      if (/\bsecrets\./.test(s.run)) problems.push(`${where}: run script references secrets.* directly; pass secrets through env`);
      const names = [...jobSecrets, ...secretVars(s.env)];
      if (names.length > 0 && /^\s*set\s+-[a-z]*x/m.test(s.run)) problems.push(`${where}: set -x with secrets in the environment`);
      for (const name of names) {
        const printed = new RegExp(`\\b(echo|printf|cat|tee|env|printenv)\\b[^\\n]*\\$\\{?${name}\\b|\\bprintenv\\s+${name}\\b|^\\s*(env|printenv)\\s*$`, "m");
        if (printed.test(s.run)) problems.push(`${where}: may print secret variable ${name}`);
      }
    });
  }
  return problems;
}

/** Saved-plan promotion: per environment, plan -> reviewed apply of THAT plan -> smoke; next env waits for smoke. */
export function checkDeployPipeline(wf: Workflow, order: readonly string[] = ENVIRONMENTS): string[] {
  const problems: string[] = [];
  const smokeJobOf = new Map<string, string>();

  for (const env of order) {
    const applyJobs = Object.entries(wf.jobs).filter(([, job]) => steps(job).some(isApplyStep) && targetEnvironment(job) === env);
    if (applyJobs.length !== 1) {
      problems.push(`${env}: expected exactly one job applying it, found ${applyJobs.length}`);
      continue;
    }
    const [id, job] = applyJobs[0];
    if (environmentName(job) !== env) problems.push(`${id}: apply job must run in GitHub environment "${env}", got ${JSON.stringify(job.environment)}`);

    const c = job.concurrency;
    if (typeof c !== "object" || c.group !== `deploy-${env}` || c["cancel-in-progress"] !== false) {
      problems.push(`${id}: needs concurrency {group: deploy-${env}, cancel-in-progress: false}, got ${JSON.stringify(c)}`);
    }

    const apply = indexOf(job, isApplyStep);
    const applyRun = steps(job)[apply].run ?? "";
    if (!/\.tfplan\b/.test(applyRun)) problems.push(`${id}: terraform apply must apply the saved .tfplan file`);
    for (const flag of ["-auto-approve", "-destroy", "-replace", "-target", "-var", "-refresh-only"]) {
      if (applyRun.includes(flag)) problems.push(`${id}: terraform apply of a saved plan must not use ${flag}`);
    }
    if (steps(job).some((s) => runs(s, TERRAFORM_PLAN))) problems.push(`${id}: makes a fresh terraform plan; it must apply the reviewed one`);

    const download = indexOf(job, (s) => usesAction(s, "actions/download-artifact@") && /^tfplan-/.test(String(s.with?.name ?? "")));
    if (download < 0) {
      problems.push(`${id}: does not download a tfplan-* artifact`);
    } else {
      const w = steps(job)[download].with ?? {};
      const name = String(w.name);
      if ("run-id" in w || "github-token" in w || "repository" in w) problems.push(`${id}: downloads the plan from another run (run-id/github-token/repository set)`);
      if (!name.includes("${{ github.run_id }}")) problems.push(`${id}: plan artifact name must include \${{ github.run_id }}`);
      if (download > apply) problems.push(`${id}: downloads the plan after applying`);
      const producers = needsOf(job).filter((dep) =>
        steps(wf.jobs[dep] ?? {}).some((s) => usesAction(s, "actions/upload-artifact@") && String(s.with?.name ?? "") === name),
      );
      if (producers.length !== 1) {
        problems.push(`${id}: the plan artifact ${name} must be uploaded by a job it needs directly`);
      } else if (!steps(wf.jobs[producers[0]]).some((s) => runs(s, /\bterraform\b[^\n]*\splan\s[^\n]*-out[= ]/))) {
        problems.push(`${producers[0]}: uploads ${name} but does not run terraform plan -out`);
      }
    }

    const guard = indexOf(job, isGuardStep);
    if (guard < 0 || guard > apply) problems.push(`${id}: plan-guard must run before terraform apply in the same job`);

    const smoke = lastIndexOf(job, isSmokeStep);
    if (smoke < 0 || smoke < apply) {
      problems.push(`${id}: smoke tests must run after terraform apply`);
    } else {
      const run = steps(job)[smoke].run ?? "";
      if (!/--env\b/.test(run) || !/--junit\b/.test(run)) problems.push(`${id}: smoke step must pass --env and --junit`);
      const upload = steps(job).findIndex((s, i) => i > smoke && usesAction(s, "actions/upload-artifact@") && /always\(\)/.test(s.if ?? ""));
      if (upload < 0) problems.push(`${id}: must upload the smoke report (if: always()) after the smoke step`);
      const outputs = indexOf(job, (s) => runs(s, new RegExp(`terraform\\b[^\\n]*\\soutput -json\\s*>\\s*"?outputs/(\\$TF_ENV|${env})\\.json`)));
      if (outputs < 0 || outputs < apply || outputs > smoke) problems.push(`${id}: must write outputs/${env}.json with terraform output -json between apply and smoke`);
      smokeJobOf.set(env, id);
    }
  }

  for (let i = 1; i < order.length; i++) {
    const previousSmoke = smokeJobOf.get(order[i - 1]);
    if (previousSmoke === undefined) continue;
    for (const [id, job] of Object.entries(wf.jobs)) {
      if (targetEnvironment(job) !== order[i]) continue;
      if (!transitiveNeeds(wf, id).has(previousSmoke)) problems.push(`${id}: ${order[i]} job must (transitively) need ${previousSmoke}, where ${order[i - 1]} is smoke-tested`);
    }
  }
  return problems;
}

/** Monthly cron and an `environment` choice input (dev/staging/prod/all). */
export function checkRotateTriggers(wf: Workflow): string[] {
  const problems: string[] = [];
  const schedules = (wf.on.schedule ?? []) as { cron?: string }[];
  const monthly = schedules.some((s) => {
    const f = (s.cron ?? "").trim().split(/\s+/);
    return f.length === 5 && /^\d+$/.test(f[0]) && /^\d+$/.test(f[1]) && /^([1-9]|1\d|2[0-8])$/.test(f[2]) && f[3] === "*" && f[4] === "*";
  });
  if (!monthly) problems.push(`needs a monthly schedule (fixed minute, hour and day 1-28 of every month), got ${JSON.stringify(schedules)}`);
  const dispatch = wf.on.workflow_dispatch as { inputs?: Record<string, { type?: string; options?: string[] }> } | undefined;
  const input = dispatch?.inputs?.environment;
  if (input?.type !== "choice" || JSON.stringify([...(input.options ?? [])].sort()) !== JSON.stringify(["all", "dev", "prod", "staging"])) {
    problems.push(`workflow_dispatch needs an "environment" choice input with dev, staging, prod, all; got ${JSON.stringify(input)}`);
  }
  return problems;
}

/** Rotation jobs: rotation role + GitHub environment, outputs in place, rotate then the token smoke test. */
export function checkRotateJobs(wf: Workflow): string[] {
  const problems: string[] = [];
  const jobs = Object.entries(wf.jobs).filter(([, j]) => steps(j).some((s) => runs(s, /\bnpm run (--silent )?rotate\b/)));
  if (jobs.length === 0) problems.push("no job runs npm run rotate");
  for (const [id, job] of jobs) {
    if (environmentName(job) === undefined) problems.push(`${id}: must run in the GitHub environment`);
    const configure = steps(job).find(isConfigureAws);
    if (!configure || !/AWS_ROTATION_ROLE_ARN/.test(String(configure.with?.["role-to-assume"] ?? ""))) problems.push(`${id}: must assume the rotation role`);
    const rotate = indexOf(job, (s) => runs(s, /\bnpm run (--silent )?rotate -- --env "?\$TF_ENV"? --all --json/));
    const smoke = indexOf(job, (s) => runs(s, /\bnpm run smoke -- --env "?\$TF_ENV"? --only token/));
    if (rotate < 0) problems.push(`${id}: must run npm run rotate -- --env <env> --all --json`);
    if (smoke < 0 || smoke < rotate) problems.push(`${id}: must run npm run smoke -- --env <env> --only token after rotating`);
    const outputs = indexOf(
      job,
      (s) => runs(s, /terraform\b[^\n]*\soutput -json\s*>\s*"?outputs\//) || (usesAction(s, "actions/download-artifact@") && s.with?.path === "outputs"),
    );
    if (outputs < 0 || outputs > rotate) problems.push(`${id}: must write outputs/<env>.json before rotating`);
  }
  return problems;
}

/** Plan-only workflows (ci, drift) never apply and never use the apply role. */
export function checkReadOnly(wf: Workflow): string[] {
  const problems: string[] = [];
  for (const [id, job] of Object.entries(wf.jobs)) {
    if (steps(job).some(isApplyStep)) problems.push(`${id}: runs terraform apply in a plan-only workflow`);
    for (const s of steps(job).filter(isConfigureAws)) {
      if (!/AWS_PLAN_ROLE_ARN/.test(String(s.with?.["role-to-assume"] ?? ""))) problems.push(`${id}: assumes a role other than the plan role`);
    }
  }
  return problems;
}
