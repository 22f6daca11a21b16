/**
 * The approval-gate rule for GitHub Actions workflows (issue #10 item 6): every job that can enter a protected
 * environment waits for a gate job that checked it through GitHub's API (.github/scripts/check-environment-gates.js)
 * and checks it again itself before any credential. A pure function over parsed YAML returning violations, like
 * workflow-rules.ts; re-exported by workflow-safety-rules.ts.
 */
import { environmentName, indexOf, isApplyStep, Job, permissionsOf, runs, steps, transitiveNeeds, Workflow } from "./workflow-rules";
import { checkGateStepIntact, GATE_RUN, GATE_SCRIPT, gateEnvironments, isCredentialStep, isPreGateStep, lower, normalizeExpression, PROTECTED_ENVIRONMENTS, RawJob, RawStep, readsSecret } from "./gate-step-rules";

export { GATE_SCRIPT, PROTECTED_ENVIRONMENTS, gateEnvironments, isCredentialStep, isPreGateStep, readsSecret };

/**
 * A job `if` holding a status function runs without the implicit success() (so after a failed gate): always(),
 * failure(), cancelled(), and success() too (`success() || true`). Expression function names are case-insensitive
 * (attacker review F3: `${{ ALWAYS() }}`).
 */
const BYPASSES_FAILURE = /\b(always|failure|cancelled|success)\s*\(/i;
/**
 * In a workflow that enters staging or prod, the only workflow- and job-level env keys (an allow-list: that env
 * reaches every step, the gate re-check included, and names like BASH_ENV, ENV, SHELLOPTS, BASHOPTS or PS4 run code
 * before each `run:` step; re-review R2 B). Exactly what deploy.yml and rotate-secrets.yml set; any other value goes on
 * the step that needs it.
 */
const PROTECTED_WORKFLOW_ENV = ["TF_IN_AUTOMATION", "TF_INPUT", "TF_ENV", "STACK_DIR", "PLAN_SHA256", "SMOKE_CANARY"];
/** Triggers whose runs carry code or refs that a pull request controls while holding the repository's secrets. */
const UNSAFE_TRIGGERS = ["pull_request_target", "workflow_run"];

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
