/**
 * The gate step, as the approval-gate rule (approval-gate-rules.ts) reads it: which environments a step running the
 * gate script checks (as the script decides), which steps hold a credential, and whether a gate step and everything
 * before it are intact (attacker review F3, re-review R1, R2, R4). Pure functions over parsed YAML.
 */
import { isConfigureAws, Job, runs, Step, steps, Workflow } from "./workflow-rules";

export const GATE_SCRIPT = ".github/scripts/check-environment-gates.js";
export const PROTECTED_ENVIRONMENTS = ["staging", "prod"] as const;
/** The only env a gate step may set: anything else (NODE_OPTIONS, GITHUB_API_URL, GITHUB_REPOSITORY, GATE_DEPLOY_BRANCHES...) can steer the script. */
const GATE_STEP_ENV = ["GITHUB_TOKEN", "GATE_MODE", "GATE_ENVIRONMENTS", "GATE_BRANCH_ONLY_ENVIRONMENTS"];
/**
 * Workflow- and job-level env keys that reach the gate step and could steer node or the script (a deny-list: those
 * levels also carry the project's own TF_* and the like, which the script never reads).
 */
const STEERS_GATE = /^(NODE_|GITHUB_|GATE_|RUNNER_|ACTIONS_|OPENSSL_|SSL_|LD_|DYLD_|UV_)|PROXY|^(PATH|HOME|TMPDIR|BASH_ENV|ENV|SHELLOPTS|BASHOPTS|PS4)$/i;
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
/** A job as GitHub reads it, with the keys the Job type leaves out. */
export type RawJob = Job & { "continue-on-error"?: unknown; container?: unknown; services?: unknown; defaults?: unknown; secrets?: unknown; with?: unknown };
export type RawStep = Step & { "continue-on-error"?: unknown; shell?: unknown; "working-directory"?: unknown };
export const lower = (list: readonly string[]): string[] => list.map((e) => e.toLowerCase());

export const GATE_RUN = new RegExp(`^\\s*node\\s+${GATE_SCRIPT.replace(/\./g, "\\.")}\\s*$`);

/** The words of a GATE_* variable as the script splits them, each `${{ ... }}` kept whole (spaces inside removed). */
export function gateWords(value: unknown): string[] {
  return String(value ?? "")
    .replace(/\$\{\{([^}]*)\}\}/g, (_m, inner: string) => `\${{${inner.replace(/\s+/g, "")}}}`)
    .split(/[\s,]+/)
    .filter(Boolean);
}
/** `${{ matrix.env }}` and `${{matrix.env}}` compare equal. */
export const normalizeExpression = (text: string): string => gateWords(text).join(" ");

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
export function checkGateStepIntact(wf: Workflow, id: string, job: Job, isProtected: boolean): string[] {
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
