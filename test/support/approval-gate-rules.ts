/**
 * The approval-gate rule for GitHub Actions workflows (issue #10 item 6): every job that can enter a protected
 * environment waits for a gate job that checked it through GitHub's API (.github/scripts/check-environment-gates.js)
 * and checks it again itself before any credential. A pure function over parsed YAML returning violations, like
 * workflow-rules.ts; re-exported by workflow-safety-rules.ts.
 */
import { environmentName, indexOf, isApplyStep, isConfigureAws, Job, permissionsOf, runs, Step, steps, transitiveNeeds, Workflow } from "./workflow-rules";

export const GATE_SCRIPT = ".github/scripts/check-environment-gates.js";
export const PROTECTED_ENVIRONMENTS = ["staging", "prod"] as const;
/**
 * A job `if` holding a status function runs without the implicit success() (so after a failed gate): always(),
 * failure(), cancelled(), and success() too (`success() || true`). Expression function names are case-insensitive
 * (attacker review F3: `${{ ALWAYS() }}`).
 */
const BYPASSES_FAILURE = /\b(always|failure|cancelled|success)\s*\(/i;
/** The only env a gate step may set: anything else (NODE_OPTIONS, GITHUB_API_URL, GITHUB_REPOSITORY, GATE_DEPLOY_BRANCHES...) can steer the script. */
const GATE_STEP_ENV = ["GITHUB_TOKEN", "GATE_MODE", "GATE_ENVIRONMENTS", "GATE_BRANCH_ONLY_ENVIRONMENTS"];
/**
 * Workflow- and job-level env keys that reach the gate step and could steer node or the script (a deny-list: those
 * levels also carry the project's own TF_* and the like, which the script never reads).
 */
const STEERS_GATE = /^(NODE_|GITHUB_|GATE_|RUNNER_|ACTIONS_|OPENSSL_|SSL_|LD_|DYLD_|UV_)|PROXY|^(PATH|HOME|TMPDIR|BASH_ENV|ENV|SHELLOPTS|BASHOPTS|PS4)$/i;
/**
 * In a workflow that enters staging or prod, the only workflow- and job-level env keys (an allow-list: that env
 * reaches every step, the gate re-check included, and names like BASH_ENV, ENV, SHELLOPTS, BASHOPTS or PS4 run code
 * before each `run:` step; re-review R2 B). Exactly what deploy.yml and rotate-secrets.yml set; any other value goes on
 * the step that needs it.
 */
const PROTECTED_WORKFLOW_ENV = ["TF_IN_AUTOMATION", "TF_INPUT", "TF_ENV", "STACK_DIR", "PLAN_SHA256", "SMOKE_CANARY"];
/**
 * The only actions that may run before the gate step, by exact pin, with the `with:` keys each may take (re-review
 * R4: a SHA that exists only in a fork of the action's repository resolves as well as the real one, so a pin's form
 * proves nothing). These are the pins the workflows use today, with their version comments; moving one is a reviewed
 * edit of this list.
 */
const PRE_GATE_ACTIONS: Readonly<Record<string, { version: string; with: readonly string[] }>> = {
  "actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683": { version: "v4.2.2", with: ["persist-credentials", "fetch-depth"] },
  "actions/setup-node@49933ea5288caeca8642d1e84afbd3f7d6820020": { version: "v4.4.0", with: ["node-version"] },
};
const PRE_GATE_HINT = `only checkout of this commit (no repository, ref or path) and setup-node may, with no env, each exactly as ${Object.entries(PRE_GATE_ACTIONS)
  .map(([uses, a]) => `${uses} # ${a.version} (with: ${a.with.join(", ")})`)
  .join(" or ")}`;

/**
 * A step that may run before the gate step: one of PRE_GATE_ACTIONS, pinned exactly as listed, with only its allowed `with:`
 * keys and no env (`NODE_OPTIONS: --require ./x.js` on setup-node runs repository code inside the action; re-review R2 D).
 */
export function isPreGateStep(step: Step): boolean {
  const action = PRE_GATE_ACTIONS[String(step.uses ?? "")];
  return step.run === undefined && action !== undefined && Object.keys(step.env ?? {}).length === 0 && Object.keys(step.with ?? {}).every((k) => action.with.includes(k));
}
/** Triggers whose runs carry code or refs that a pull request controls while holding the repository's secrets. */
const UNSAFE_TRIGGERS = ["pull_request_target", "workflow_run"];

/** A job as GitHub reads it, with the keys the Job type leaves out. */
type RawJob = Job & { "continue-on-error"?: unknown; container?: unknown; services?: unknown; defaults?: unknown; secrets?: unknown; with?: unknown };
type RawStep = Step & { "continue-on-error"?: unknown; shell?: unknown; "working-directory"?: unknown };
const lower = (list: readonly string[]): string[] => list.map((e) => e.toLowerCase());

const GATE_RUN = new RegExp(`^\\s*node\\s+${GATE_SCRIPT.replace(/\./g, "\\.")}\\s*$`);

/** The words of a GATE_* variable as the script splits them, each `${{ ... }}` kept whole (spaces inside removed). */
function gateWords(value: unknown): string[] {
  return String(value ?? "")
    .replace(/\$\{\{([^}]*)\}\}/g, (_m, inner: string) => `\${{${inner.replace(/\s+/g, "")}}}`)
    .split(/[\s,]+/)
    .filter(Boolean);
}
/** `${{ matrix.env }}` and `${{matrix.env}}` compare equal. */
const normalizeExpression = (text: string): string => gateWords(text).join(" ");

/**
 * A step that runs the gate script; returns what it checks for required reviewers, as the script decides
 * (planChecks in the script): the words of GATE_ENVIRONMENTS minus those of GATE_BRANCH_ONLY_ENVIRONMENTS. Words may
 * be expressions (`${{matrix.env}}`); a branch-only list that is an expression or names staging or prod (in any case)
 * makes the step prove nothing (empty).
 */
export function gateEnvironments(step: Step): string[] {
  if (!runs(step, GATE_RUN)) return [];
  const branchOnly = gateWords(step.env?.GATE_BRANCH_ONLY_ENVIRONMENTS);
  if (branchOnly.some((w) => w.includes("${{"))) return [];
  // The script refuses a branch-only list naming staging or prod (re-review R1), so such a step proves nothing.
  if (lower(branchOnly).some((w) => (PROTECTED_ENVIRONMENTS as readonly string[]).includes(w))) return [];
  return gateWords(step.env?.GATE_ENVIRONMENTS).filter((e) => !branchOnly.includes(e));
}

/**
 * Whether a value (any YAML subtree) reads a secret other than the gate's own read token, in any `${{ }}` expression:
 * `secrets.X`, `secrets['X']`, `toJSON(secrets)`, `SECRETS.X` (context names are case-insensitive; attacker review F3).
 */
export function readsSecret(value: unknown): boolean {
  const text = JSON.stringify(value ?? null);
  return [...text.matchAll(/\$\{\{([\s\S]*?)\}\}/g)].some((m) => /\bsecrets\b/i.test(m[1].replace(/\bsecrets\.(ENVIRONMENTS_READ_TOKEN|GITHUB_TOKEN)\b/gi, "")));
}

/** A step that holds a credential: assumes an AWS role, or reads a secret other than the gate's own read token. */
export function isCredentialStep(step: Step): boolean {
  return isConfigureAws(step) || readsSecret(step);
}

/**
 * A step that runs the gate script must be exactly that: no shell, no working-directory, env keys from GATE_STEP_ENV
 * only; in its job, no default shell or working directory, no container and no env that steers node or the script; and
 * before the job's LAST gate step only other gate steps, checkout (of this commit: no repository/ref/path) and
 * setup-node (a version only), none with env, so that nothing rewrote the script or the runtime (attacker review F3;
 * re-review R2: a decoy gate step first no longer opens a window). In a job that enters staging or prod, no gate step
 * is conditional.
 */
function checkGateStepIntact(wf: Workflow, id: string, job: Job, isProtected: boolean): string[] {
  const problems: string[] = [];
  const all = steps(job);
  const last = all.map((s) => runs(s, GATE_RUN)).lastIndexOf(true);
  if (last < 0) return problems;
  for (const s of all.filter((x) => runs(x, GATE_RUN)) as RawStep[]) {
    if (s.shell !== undefined) problems.push(`${id}: the gate step must not set shell (got ${JSON.stringify(s.shell)})`);
    if (s["working-directory"] !== undefined) problems.push(`${id}: the gate step must not set working-directory`);
    const extra = Object.keys(s.env ?? {}).filter((k) => !GATE_STEP_ENV.includes(k));
    if (extra.length > 0) problems.push(`${id}: the gate step may set only ${GATE_STEP_ENV.join(", ")} in env, not ${extra.join(", ")}`);
    // In the gate job and in every re-check: another token could answer for another identity or fail open.
    if (!/^\$\{\{\s*(secrets\.ENVIRONMENTS_READ_TOKEN\s*\|\|\s*)?(github\.token|secrets\.GITHUB_TOKEN)\s*\}\}$/.test(String(s.env?.GITHUB_TOKEN ?? ""))) {
      problems.push(`${id}: the gate step must get GITHUB_TOKEN from github.token (or secrets.ENVIRONMENTS_READ_TOKEN || github.token)`);
    }
  }
  const raw = job as RawJob;
  // The job's container runs every step, the gate's bash and node included, in an image the workflow picks (R2 C).
  if (raw.container !== undefined) problems.push(`${id}: runs the gate script, so it must not set container: (its image would run the gate step's shell and node)`);
  if (isProtected) {
    // A conditional gate step in a protected job is a decoy at best (R2 A): the re-check that counts runs always.
    for (const s of all.filter((x) => runs(x, GATE_RUN)) as RawStep[]) {
      if (s.if !== undefined || s["continue-on-error"] !== undefined) problems.push(`${id}: enters staging or prod, so its gate steps must not be conditional or continue on error (if: ${JSON.stringify(s.if)})`);
    }
  }
  for (const [where, defaults] of [["workflow", (wf as Workflow & { defaults?: unknown }).defaults], ["job", raw.defaults]] as const) {
    if (defaults !== undefined) problems.push(`${id}: runs the gate script, so its ${where} must set no defaults (a default shell or working-directory changes what the gate step runs)`);
  }
  for (const [where, env] of [["workflow", wf.env], ["job", job.env]] as const) {
    const steering = Object.keys(env ?? {}).filter((k) => STEERS_GATE.test(k));
    if (steering.length > 0) problems.push(`${id}: runs the gate script, so its ${where} env must not set ${steering.join(", ")} (it reaches the gate step)`);
  }
  // Every step before the LAST gate step: a decoy gate step first (conditional, or on dev) must not open a window
  // for a step that rewrites the script, runs a local action or adds to $GITHUB_PATH before the real one (R2 A).
  all.slice(0, last).forEach((s, i) => {
    if (!runs(s, GATE_RUN) && !isPreGateStep(s)) problems.push(`${id}: step ${i + 1} (${s.name ?? s.uses ?? "run"}) runs before the gate script; ${PRE_GATE_HINT}`);
  });
  return problems;
}

/**
 * Every job that can enter a protected GitHub environment (named literally, or through a matrix: a literal list, its
 * `include` entries, or a list computed by an expression, which is taken to contain every protected environment) runs
 * only after a gate job proved that environment has required reviewers, and checks it again itself:
 * - it (transitively) needs a gate job checking that environment, and no job on the way may run after a failure
 *   (always(), failure(), cancelled() in `if`);
 * - its own steps run the gate script on that environment (literally, or by the very expression of its
 *   `environment:`, e.g. `${{ matrix.env }}`), unconditionally, before the first step that assumes a role or reads a
 *   secret, and, when the job has id-token: write, before any step but checkout and setup-node (every step may then
 *   request the environment's OIDC token); its job env reads no secret (that would reach every step).
 * A gate job (runs the gate script, holds no credential) names no environment (that would create a missing one), is
 * not conditional, cannot be skipped into success (no continue-on-error), may read environments (actions: read)
 * and passes GITHUB_TOKEN to the script. Applies to every workflow file: one without protected jobs needs no gate.
 * Attacker review F3: environment names compare case-insensitively (as GitHub's do); a job calling a non-local workflow
 * is flagged (it may enter any environment with `secrets: inherit`); secret reads are seen in every spelling
 * (readsSecret), also in a protected job's container/services; every gate step is intact (checkGateStepIntact); a job
 * that names a protected environment is judged as one even if its only recognised step is the re-check; and a workflow
 * that enters staging or prod, or calls a local workflow (which may), runs on no pull_request_target or workflow_run.
 */
export function checkApprovalGates(wf: Workflow, protectedEnvs: readonly string[] = PROTECTED_ENVIRONMENTS): string[] {
  const problems: string[] = [];
  const protectedLower = lower(protectedEnvs);
  const entersProtected = (job: Job): boolean => {
    const named = environmentName(job);
    if (named === undefined) return false;
    const expanded = expandEnvironment(job, named, protectedEnvs);
    return expanded === undefined || lower(expanded).some((e) => protectedLower.includes(e));
  };
  const gates = new Map<string, string[]>();
  for (const [id, job] of Object.entries(wf.jobs)) {
    problems.push(...checkGateStepIntact(wf, id, job, entersProtected(job)));
    const checked = lower(
      steps(job)
        .flatMap(gateEnvironments)
        .filter((e) => !e.includes("${{")),
    );
    // A gate job checks and holds nothing; a protected job's own re-check (below) does not make it one, even when
    // none of its steps is a credential this rule recognises (it is judged as a protected job instead).
    if (checked.length === 0 || entersProtected(job) || steps(job).some((s) => isApplyStep(s) || isCredentialStep(s))) continue;
    gates.set(id, checked);
    const raw = job as RawJob;
    if (job.environment !== undefined) problems.push(`${id}: the gate job must not name an environment (a missing one would be created unprotected)`);
    if (raw["continue-on-error"] !== undefined) problems.push(`${id}: the gate job must not continue on error`);
    if (job.if !== undefined) problems.push(`${id}: the gate job must not be conditional`);
    if (permissionsOf(job.permissions).actions !== "read") problems.push(`${id}: the gate job needs permissions actions: read to read environments`);
    for (const s of steps(job)) {
      if (gateEnvironments(s).length === 0) continue;
      const rawStep = s as RawStep;
      if (rawStep["continue-on-error"] !== undefined || s.if !== undefined) problems.push(`${id}: the gate step must not be conditional or continue on error`);
    }
  }

  // The gate mode is the repository's setting (vars.GATE_MODE, docs/ci-cd.md), never a value a workflow picks; with it
  // the job must be able to read pull requests (recorded-approval.js).
  for (const [id, job] of Object.entries(wf.jobs)) {
    for (const s of steps(job).filter((x) => runs(x, GATE_RUN))) {
      const mode = s.env?.GATE_MODE;
      if (mode === undefined) continue;
      if (String(mode).replace(/\s+/g, "") !== "${{vars.GATE_MODE}}") problems.push(`${id}: GATE_MODE must come from the repository variable (\${{ vars.GATE_MODE }}), not ${JSON.stringify(mode)}`);
      if (permissionsOf(job.permissions)["pull-requests"] !== "read") problems.push(`${id}: passes GATE_MODE, so it needs permissions pull-requests: read (recorded-approval reads the pull request's reviews)`);
    }
  }

  const protectedJobs: string[] = [];
  const localCalls: string[] = [];
  for (const [id, job] of Object.entries(wf.jobs)) {
    // A called workflow can enter any environment with this run's secrets (`secrets: inherit`), out of this rule's
    // sight. A local one (./.github/workflows/x.yml, same commit) is itself a workflow file every rule checks.
    const called = (job as RawJob).uses;
    if (called !== undefined && !/^\.\/\.github\/workflows\/[\w.-]+\.ya?ml$/.test(String(called))) {
      problems.push(`${id}: calls the workflow ${JSON.stringify(called)}, which this rule cannot check; call only local workflows (./.github/workflows/...) or inline its jobs`);
      protectedJobs.push(id);
    } else if (called !== undefined) localCalls.push(`${id} calls ${String(called)}`);
    const named = environmentName(job);
    if (named === undefined) continue;
    const expanded = expandEnvironment(job, named, protectedEnvs);
    if (expanded === undefined) {
      problems.push(`${id}: environment ${JSON.stringify(named)} is an expression this rule cannot read; name the environment literally or through a matrix`);
      protectedJobs.push(id);
      continue;
    }
    // GitHub environment names are case-insensitive: `Prod` and `PROD` are prod (attacker review F3).
    const reached = [...new Set(lower(expanded).filter((e) => protectedLower.includes(e)))];
    if (reached.length > 0) protectedJobs.push(id);
    for (const env of reached) problems.push(...checkGatedJob(wf, id, job, named, env, gates));
  }
  if (gates.size === 0 && protectedJobs.length > 0) problems.push(`no job runs ${GATE_SCRIPT}`);
  if (protectedJobs.length > 0) {
    if (readsSecret(wf.env)) problems.push("the workflow env reads a secret, which every step of every job sees, before any gate re-check; move it to the step that needs it");
    for (const [where, env] of [["workflow", wf.env], ...Object.entries(wf.jobs).map(([id, j]) => [`${id}: job`, j.env] as const)] as const) {
      const extra = Object.keys(env ?? {}).filter((k) => !PROTECTED_WORKFLOW_ENV.includes(k));
      if (extra.length > 0) {
        problems.push(`${where} env sets ${extra.join(", ")}; a workflow that enters staging or prod may set only ${PROTECTED_WORKFLOW_ENV.join(", ")} there (that env reaches every step, the gate re-check included); set it on the step that needs it`);
      }
    }
  }
  // A local workflow it calls may enter staging or prod with this run's trigger, ref and (`secrets: inherit`) secrets:
  // the caller is judged like a workflow that enters them itself (re-review R3).
  if (protectedJobs.length > 0 || localCalls.length > 0) {
    const on = wf.on as unknown;
    const triggers = typeof on === "string" ? [on] : Array.isArray(on) ? on.map(String) : Object.keys((on as Record<string, unknown> | null) ?? {});
    const why = protectedJobs.length > 0 ? "" : `, or calls one that may (${localCalls.join(", ")}),`;
    for (const t of triggers.filter((x) => UNSAFE_TRIGGERS.includes(x))) {
      problems.push(`on.${t}: a workflow that enters staging or prod${why} must not run on ${t} (it runs with the repository's secrets on behalf of a pull request or another run)`);
    }
  }
  return problems;
}

/**
 * The environments a job's `environment:` can take: the literal, or `${{ matrix.<key> }}<suffix>` over the matrix's
 * values; undefined for any other expression (attacker review: `${{ 'prod' }}` hid a job from the rule). A matrix
 * whose values are computed (`${{ fromJSON(...) }}`, here or in `include`) can hold anything: every protected
 * environment that ends with the suffix is returned (so `${{ matrix.env }}-plan` reaches none of them).
 */
function expandEnvironment(job: Job, named: string, protectedEnvs: readonly string[]): string[] | undefined {
  if (!named.includes("${{")) return [named];
  const m = /^\$\{\{\s*matrix\.([\w-]+)\s*\}\}([\w-]*)$/.exec(named);
  if (!m) return undefined;
  const [, key, suffix] = m;
  const values = matrixValues(job.strategy?.matrix, key);
  if (values === "computed") return protectedEnvs.filter((p) => p.endsWith(suffix.toLowerCase()));
  return values?.map((v) => `${v}${suffix}`);
}

/**
 * The values matrix key `key` can take: literal strings, "computed" when an expression decides, undefined when unreadable.
 * Keys equal but for case (`env`, `ENV`) count as one, their values together: expression property names are looked up
 * case-insensitively, and this rule must not depend on which of two such keys GitHub picks (deny by default).
 */
function matrixValues(matrix: unknown, key: string): string[] | "computed" | undefined {
  const isExpr = (v: unknown): boolean => typeof v === "string" && v.includes("${{");
  if (isExpr(matrix)) return "computed";
  if (typeof matrix !== "object" || matrix === null || Array.isArray(matrix)) return undefined;
  const m = matrix as Record<string, unknown>;
  const found: unknown[] = [];
  const sameKey = (o: Record<string, unknown>): unknown[] => Object.keys(o).filter((k) => k.toLowerCase() === key.toLowerCase()).map((k) => o[k]);
  for (const direct of sameKey(m)) {
    if (isExpr(direct)) return "computed";
    if (Array.isArray(direct)) found.push(...direct);
    else return undefined;
  }
  const include = m.include;
  if (isExpr(include)) return "computed";
  if (Array.isArray(include)) {
    for (const entry of include) {
      if (isExpr(entry)) return "computed";
      if (typeof entry === "object" && entry !== null) found.push(...sameKey(entry as Record<string, unknown>));
    }
  }
  if (found.length === 0) return undefined;
  if (found.some(isExpr)) return "computed";
  return found.every((v) => typeof v === "string") ? (found as string[]) : undefined;
}

function checkGatedJob(wf: Workflow, id: string, job: Job, named: string, env: string, gates: Map<string, string[]>): string[] {
  const problems: string[] = [];
  const upstream = transitiveNeeds(wf, id);
  const gate = [...gates].find(([gateId, envs]) => upstream.has(gateId) && envs.includes(env));
  const ownLower = normalizeExpression(named).toLowerCase();
  if (!gate) return [`${id}: runs in protected environment "${env}" without (transitively) needing a gate job that checks "${env}"`];
  const check = indexOf(job, (s) => {
    const checked = gateEnvironments(s);
    const unconditional = s.if === undefined && (s as RawStep)["continue-on-error"] === undefined;
    const words = lower(checked);
    return unconditional && (words.includes(env) || words.includes(ownLower));
  });
  // With id-token: write, every step can request the environment's OIDC token (ACTIONS_ID_TOKEN_REQUEST_URL/_TOKEN
  // are in each step's env), so only checkout and setup-node may come first; `npm ci` runs dependencies' code.
  const oidc = permissionsOf(job.permissions)["id-token"] === "write";
  const credentials = indexOf(job, (s) => gateEnvironments(s).length === 0 && (isCredentialStep(s) || (oidc && !isPreGateStep(s))));
  if (check < 0 || (credentials >= 0 && check > credentials)) {
    problems.push(
      `${id}: must check again that "${env}" is gated, in the job, before it assumes a role or reads a secret (run ${GATE_SCRIPT} with GATE_ENVIRONMENTS naming it` +
        `${oidc ? "; with id-token: write only checkout and setup-node may run before it" : ""})`,
    );
  }
  const raw = job as RawJob;
  if (readsSecret(job.env)) problems.push(`${id}: its job env reads a secret, which every step sees before the gate re-check; move it to the step that needs it`);
  for (const key of ["container", "services"] as const) {
    if (readsSecret(raw[key])) problems.push(`${id}: its ${key} reads a secret (e.g. credentials:), which the runner uses before any step and so before the gate re-check`);
  }
  const path = [id, ...[...upstream].filter((dep) => dep !== gate[0] && transitiveNeeds(wf, dep).has(gate[0]))];
  for (const p of path) {
    if (BYPASSES_FAILURE.test(wf.jobs[p]?.if ?? "")) problems.push(`${id}: ${p} has if: ${wf.jobs[p].if}, which would run it after the gate failed`);
  }
  return problems;
}
