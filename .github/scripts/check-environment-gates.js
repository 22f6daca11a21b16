// @ts-check
/**
 * Approval gate that fails closed: before the deploy or the rotation workflow (deploy.yml, rotate-secrets.yml) lets
 * any job into the `staging` or `prod` GitHub environment, this asks GitHub whether each of those environments exists and is protected by
 * required reviewers. Anything but the documented answer of a protected environment fails the job.
 *
 * Why: a job that names an environment which does not exist CREATES it, without protection rules; and on
 * a private repository required reviewers need GitHub Enterprise (Free, Pro and Team offer them on public
 * repositories only; Free has no environments at all on private ones). Without this check `plan-prod ->
 * apply-prod` would then run with nobody reviewing the plan. See docs/ci-cd.md "Approval gates".
 *
 * API (REST "Get an environment", version 2022-11-28):
 *   GET /repos/{owner}/{repo}/environments/{environment_name}
 *   https://docs.github.com/en/rest/deployments/environments#get-an-environment
 *   Answer: { name, can_admins_bypass?, protection_rules?: [ { type: "wait_timer" | "required_reviewers" |
 *   "branch_policy", prevent_self_review?, reviewers?: [ { type: "User" | "Team", reviewer } ] } ],
 *   deployment_branch_policy: { protected_branches, custom_branch_policies } | null }; 404 when it does not exist.
 *   With custom deployment branch policies, also GET .../environments/{environment_name}/deployment-branch-policies
 *   ("List deployment branch policies", https://docs.github.com/en/rest/deployments/branch-policies): { total_count,
 *   branch_policies: [ { id, name, type? } ] }, same token permission.
 *   Token: "Anyone with read access to the repository can use this endpoint"; GitHub App and fine-grained
 *   tokens need the repository permission "Actions" (read). GITHUB_TOKEN is a GitHub App installation token,
 *   so the job grants `permissions: actions: read` (without it GitHub answers 403 "Resource not accessible
 *   by integration").
 *
 * With GATE_MODE=recorded-approval (recorded-approval.js) the reviewer items below are replaced by a recorded approval
 * of the merged pull request; the branch items still hold. Otherwise it passes an environment only when ALL of these
 * hold in the answer:
 *   - HTTP 200 with a JSON object naming that environment;
 *   - a protection rule of type "required_reviewers" listing at least one reviewer;
 *   - that rule has prevent_self_review === true (whoever started the run cannot approve it);
 *   - deployment_branch_policy is not null (not every branch may deploy); with custom policies, the list is readable,
 *     not empty, and no pattern is made of wildcards and slashes only (such as `*` or `**`).
 * can_admins_bypass === true is reported as a warning (admins can also edit the rules themselves).
 *
 * CLI: node .github/scripts/check-environment-gates.js
 *   env GATE_ENVIRONMENTS ("staging prod"), GATE_BRANCH_ONLY_ENVIRONMENTS (optional, "dev": checked for their
 *   deployment branches only, also when GATE_ENVIRONMENTS names them; see planChecks; naming staging or prod, in any
 *   case, fails as misconfigured), GATE_DEPLOY_BRANCHES
 *   (optional, default "main"), GATE_MODE (the repository variable vars.GATE_MODE: unset/"environment-reviewers", or
 *   "recorded-approval": see recorded-approval.js; any other value fails), GITHUB_REPOSITORY (owner/repo), GITHUB_TOKEN,
 *   GITHUB_API_URL (default https://api.github.com), GITHUB_STEP_SUMMARY (optional), GITHUB_OUTPUT (optional: the
 *   step output `problems`, one line, empty when every environment is gated), GITHUB_WORKFLOW (the workflow's name, a
 *   default variable GitHub sets: words the closing line; the gate step may not set it, test/support/gate-step-rules.ts).
 *   Exit 0: every environment is gated; 1: at least one is not, or the answer could not be judged.
 */
/* global fetch, AbortSignal, setTimeout -- Node 18+ globals (eslint.config.js lists only the CommonJS ones) */
"use strict";

const fs = require("node:fs");
const crypto = require("node:crypto");
const { MODE_RECORDED, parseGateMode, checkRecordedApproval } = require("./recorded-approval.js");

const API_VERSION = "2022-11-28";
const DOCS = "docs/ci-cd.md (Approval gates)";
const PLAN_HINT =
  "On a private or internal repository, required reviewers need GitHub Enterprise (GitHub Free, Pro and Team offer them " +
  "on public repositories only), or set the repository variable GATE_MODE=recorded-approval (docs/ci-cd.md \"Recorded approval\"); " +
  "see " + DOCS + ".";

/**
 * @typedef {{ status: number, body: unknown, text?: string }} ApiAnswer  one HTTP answer (body: parsed JSON, or undefined)
 * @typedef {{ environment: string, ok: boolean, problems: string[], warnings: string[], reviewers: string[] }} GateResult
 */

/** @param {unknown} v @returns {v is Record<string, unknown>} */
const isObject = (v) => typeof v === "object" && v !== null && !Array.isArray(v);

/** @param {unknown} v */
const show = (v) => {
  const text = JSON.stringify(v);
  return text === undefined ? String(v) : text.length > 200 ? `${text.slice(0, 200)}…` : text;
};

/** @param {unknown} entry */
function reviewerName(entry) {
  if (!isObject(entry)) return `unreadable reviewer ${show(entry)}`;
  const r = isObject(entry.reviewer) ? entry.reviewer : {};
  const name = r.login ?? r.slug ?? r.name ?? r.id;
  return `${String(entry.type ?? "?")} ${String(name ?? "?")}`;
}

/**
 * Judges one answer of GET /repos/{owner}/{repo}/environments/{name}. Pure: no I/O.
 * @param {string} name
 * @param {ApiAnswer} answer
 * @returns {GateResult}
 */
function evaluateEnvironment(name, answer, options = { requireReviewers: true }) {
  /** @type {GateResult} */
  const result = { environment: name, ok: false, problems: [], warnings: [], reviewers: [] };
  const fail = (/** @type {string} */ p) => {
    result.problems.push(p);
    return result;
  };
  const message = isObject(answer.body) && typeof answer.body.message === "string" ? `: ${answer.body.message}` : "";

  if (answer.status === 404) {
    return fail(
      `GitHub environment "${name}" does not exist (HTTP 404${message}). A job that names it would create it WITHOUT protection ` +
        `rules. Create it (Settings > Environments) with required reviewers, "Prevent self-review" and deployments from main only. ${PLAN_HINT}`,
    );
  }
  if (answer.status === 401) {
    return fail(`the token was rejected (HTTP 401${message}): if the repository secret ENVIRONMENTS_READ_TOKEN is set, it has expired or is wrong (renew or delete it); otherwise pass \${{ github.token }} as GITHUB_TOKEN.`);
  }
  if (answer.status === 403) {
    return fail(
      `the token may not read environment "${name}" (HTTP 403${message}). Give the gate job "permissions: actions: read" ` +
        `(GitHub's "Get an environment" needs the Actions read permission). If the job already has it and an organization policy ` +
        `still refuses the job token, store a fine-grained token with only "Actions: read" on this repository as secret ` +
        `ENVIRONMENTS_READ_TOKEN. If the message mentions a rate limit, re-run later.`,
    );
  }
  if (answer.status !== 200) return fail(`unexpected answer HTTP ${answer.status} for environment "${name}": ${show(answer.body ?? answer.text)}.`);
  const env = answer.body;
  if (!isObject(env)) return fail(`HTTP 200 but the answer is not a JSON object: ${show(answer.body ?? answer.text)}.`);
  if (typeof env.name !== "string" || env.name.toLowerCase() !== name.toLowerCase()) {
    return fail(`the answer describes environment ${show(env.name)}, not "${name}".`);
  }
  if (options.requireReviewers !== false) {
    if (!Array.isArray(env.protection_rules)) {
      return fail(`environment "${name}" has no protection rules (protection_rules is ${show(env.protection_rules)}). ${PLAN_HINT}`);
    }
    const rules = env.protection_rules.filter(isObject);
    const reviewerRules = rules.filter((r) => r.type === "required_reviewers");
    if (reviewerRules.length === 0) {
      const types = rules.map((r) => String(r.type)).join(", ") || "none";
      return fail(`environment "${name}" has no required-reviewers rule (rules found: ${types}). ${PLAN_HINT}`);
    }
    const withReviewers = reviewerRules.filter((r) => Array.isArray(r.reviewers) && r.reviewers.length > 0);
    if (withReviewers.length === 0) {
      return fail(`environment "${name}" has a required-reviewers rule that lists no reviewer (reviewers: ${show(reviewerRules[0].reviewers)}). Add the people or team who approve deployments.`);
    }
    const rule = withReviewers[0];
    result.reviewers = /** @type {unknown[]} */ (rule.reviewers).map(reviewerName);
    if (rule.prevent_self_review !== true) {
      result.problems.push(
        `environment "${name}": "Prevent self-review" is off (prevent_self_review: ${show(rule.prevent_self_review)}), so whoever started the run ` +
          `may approve it alone. Turn it on in the environment's required reviewers settings.`,
      );
    }
  }
  const branchPolicy = env.deployment_branch_policy;
  if (!isObject(branchPolicy)) {
    result.problems.push(
      `environment "${name}" lets every branch deploy (deployment_branch_policy: ${show(branchPolicy)}). ` +
        `Restrict "Deployment branches and tags" to "Selected branches and tags" with main only.`,
    );
  } else if (branchPolicy.custom_branch_policies !== true) {
    // "Protected branches only" is not enough: GitHub documents that when no branch protection rule exists, all
    // branches can deploy (REST "Create or update an environment", deployment_branch_policy.protected_branches).
    result.problems.push(
      `environment "${name}" does not name its deployment branches (deployment_branch_policy: ${show(branchPolicy)}): "protected branches" ` +
        `lets every branch deploy when no branch protection rule exists, and any protected branch otherwise. Choose "Selected branches and tags" with main only.`,
    );
  }
  if (env.can_admins_bypass === true) {
    result.warnings.push(`environment "${name}": administrators may bypass the protection rules (can_admins_bypass: true); untick "Allow administrators to bypass configured protection rules" to stop that.`);
  }
  result.ok = result.problems.length === 0;
  return result;
}

/**
 * Judges one answer of GET .../environments/{name}/deployment-branch-policies. Pure: no I/O.
 * @param {string} name
 * @param {ApiAnswer} answer
 * @returns {string[]} problems (empty: every policy names real branches)
 */
function evaluateBranchPolicies(name, answer, allowedBranches = ["main"]) {
  const where = `environment "${name}" has custom deployment branch policies`;
  if (answer.status !== 200) return [`${where}, but listing them answered HTTP ${answer.status}: ${show(answer.body ?? answer.text)}.`];
  const list = isObject(answer.body) ? answer.body.branch_policies : undefined;
  if (!Array.isArray(list)) return [`${where}, but the answer has no branch_policies list: ${show(answer.body ?? answer.text)}.`];
  if (list.length === 0) return [`${where} and none is set, so no branch may deploy. Add ${allowedBranches.join(", ")}.`];
  const open = list.filter((p) => !isObject(p) || typeof p.name !== "string" || /^[*/]+$/.test(p.name)).map((p) => (isObject(p) ? show(p.name) : show(p)));
  if (open.length > 0) return [`${where} that match every branch (${open.join(", ")}). Allow ${allowedBranches.join(", ")} only.`];
  // Exactly the named branches: a pattern (main*, release/*) or a tag policy lets other refs deploy.
  const other = list.filter((p) => (p.type !== undefined && p.type !== "branch") || !allowedBranches.includes(p.name));
  if (other.length > 0) {
    const names = other.map((p) => `${p.type === "tag" ? "tag " : ""}${show(p.name)}`).join(", ");
    return [`${where} that let other refs deploy (${names}). Allow ${allowedBranches.join(", ")} only (set GATE_DEPLOY_BRANCHES to change the list).`];
  }
  return [];
}

/**
 * GET one path of the repository's API. Retries 429/5xx and network errors (attempts in total: `attempts`),
 * never turns an error into a pass; status 0 means no answer came.
 * @param {{ apiUrl: string, repository: string, token: string, path: string, fetchImpl?: typeof fetch, attempts?: number, retryDelayMs?: number, timeoutMs?: number }} o
 * @returns {Promise<ApiAnswer>}
 */
async function getRepoJson(o) {
  const doFetch = o.fetchImpl ?? fetch;
  const url = `${o.apiUrl.replace(/\/+$/, "")}/repos/${o.repository}/${o.path}`;
  const attempts = o.attempts ?? 3;
  /** @type {ApiAnswer} */
  let last = { status: 0, body: undefined, text: "no attempt made" };
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const res = await doFetch(url, {
        headers: { Accept: "application/vnd.github+json", Authorization: `Bearer ${o.token}`, "X-GitHub-Api-Version": API_VERSION, "User-Agent": "genesys-eventbridge-infra-gate" },
        signal: AbortSignal.timeout(o.timeoutMs ?? 20000),
      });
      const text = await res.text();
      let body;
      try {
        body = text === "" ? undefined : JSON.parse(text);
      } catch {
        body = undefined;
      }
      last = { status: res.status, body, text: text.slice(0, 500) };
      if (res.status !== 429 && res.status < 500) return last;
    } catch (err) {
      last = { status: 0, body: undefined, text: `request failed: ${err instanceof Error ? err.message : String(err)}` };
    }
    if (attempt < attempts) await new Promise((r) => setTimeout(r, o.retryDelayMs ?? 2000));
  }
  return last;
}

/**
 * Which environment is checked how, in order: every name in GATE_ENVIRONMENTS, then those only in
 * GATE_BRANCH_ONLY_ENVIRONMENTS, each once. Reviewers are required for every one of them EXCEPT those named in
 * GATE_BRANCH_ONLY_ENVIRONMENTS (deny by default: a name nobody listed as branch-only needs reviewers). So a matrix
 * job can pass its own environment (`GATE_ENVIRONMENTS: ${{ matrix.env }}`, `GATE_BRANCH_ONLY_ENVIRONMENTS: dev`):
 * its dev leg checks dev's branches, its staging and prod legs their reviewers. Pure.
 * @param {Record<string, string | undefined>} env
 * @returns {{ environment: string, requireReviewers: boolean }[]}
 */
function planChecks(env) {
  const words = (/** @type {string | undefined} */ v) => (v ?? "").split(/[\s,]+/).filter(Boolean);
  const branchOnly = words(env.GATE_BRANCH_ONLY_ENVIRONMENTS);
  return [...new Set([...words(env.GATE_ENVIRONMENTS), ...branchOnly])].map((environment) => ({ environment, requireReviewers: !branchOnly.includes(environment) }));
}

/** Environments never checked for their branches only (GATE_BRANCH_ONLY_ENVIRONMENTS may not name them, in any case). */
const ALWAYS_REVIEWED = ["staging", "prod"];

/** Escapes a workflow command's data (https://github.com/actions/toolkit/blob/main/packages/core/src/command.ts). @param {string} s */
const escapeData = (s) => s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");

/** @param {GateResult[]} results */
function renderSummary(results) {
  const lines = ["### Approval gates", "", "| environment | verdict | reviewers | problems and warnings |", "|---|---|---|---|"];
  for (const r of results) {
    const notes = [...r.problems, ...r.warnings.map((w) => `warning: ${w}`)].join("<br>").replace(/\|/g, "\\|") || "-";
    lines.push(`| ${r.environment} | ${r.ok ? "✅ gated" : "❌ NOT gated"} | ${r.reviewers.join(", ") || "-"} | ${notes} |`);
  }
  return `${lines.join("\n")}\n`;
}

/**
 * Checks every environment; returns the exit code and prints annotations. Configuration errors fail too.
 * @param {Record<string, string | undefined>} env
 * @param {{ fetchImpl?: typeof fetch, retryDelayMs?: number, write?: (line: string) => void }} [deps]
 * @returns {Promise<{ exitCode: number, results: GateResult[] }>}
 */
async function main(env, deps = {}) {
  const write = deps.write ?? ((line) => process.stdout.write(`${line}\n`));
  const words = (/** @type {string | undefined} */ v) => (v ?? "").split(/[\s,]+/).filter(Boolean);
  const environments = words(env.GATE_ENVIRONMENTS);
  const allowedBranches = words(env.GATE_DEPLOY_BRANCHES).length > 0 ? words(env.GATE_DEPLOY_BRANCHES) : ["main"];
  const repository = env.GITHUB_REPOSITORY ?? "";
  const token = env.GITHUB_TOKEN ?? "";
  const config = [];
  if (environments.length === 0) config.push("GATE_ENVIRONMENTS is empty: name the environments to check (e.g. \"staging prod\"); checking nothing is not a pass");
  if (!/^[\w.-]+\/[\w.-]+$/.test(repository)) config.push(`GITHUB_REPOSITORY must be owner/repo, got ${show(repository)}`);
  if (token === "") config.push("GITHUB_TOKEN is empty: pass ${{ github.token }} to the step through env");
  const gateMode = parseGateMode(env.GATE_MODE);
  if ("error" in gateMode) config.push(gateMode.error);
  // A branch-only environment needs no reviewers and, in recorded mode, no approval at all: staging and prod never
  // are (re-review R1: `GATE_ENVIRONMENTS: \${{ matrix.env }}` with `GATE_BRANCH_ONLY_ENVIRONMENTS: dev staging prod`
  // would have waved the prod leg through). GitHub environment names are case-insensitive, so `Prod` is prod.
  const reviewedOnly = words(env.GATE_BRANCH_ONLY_ENVIRONMENTS).filter((e) => ALWAYS_REVIEWED.includes(e.toLowerCase()));
  if (reviewedOnly.length > 0) {
    config.push(`GATE_BRANCH_ONLY_ENVIRONMENTS names ${reviewedOnly.join(", ")}: ${ALWAYS_REVIEWED.join(" and ")} always need a review, never only a branch check; list only dev there (e.g. "dev")`);
  }
  if (config.length > 0) {
    for (const c of config) write(`::error title=Approval gate check misconfigured::${escapeData(c)}`);
    report(env, config.map((c) => `misconfigured: ${c}`), `### Approval gates\n\n❌ misconfigured:\n\n${config.map((c) => `- ${c}`).join("\n")}\n`);
    return { exitCode: 1, results: [] };
  }
  const results = [];
  // GATE_MODE=recorded-approval (recorded-approval.js): a reviewed environment needs no required reviewers, but its
  // branch policy still, and the run's commit a recorded approval (asked once per run, whichever environment asks).
  const recorded = "mode" in gateMode && gateMode.mode === MODE_RECORDED;
  const request = { apiUrl: env.GITHUB_API_URL || "https://api.github.com", repository, token, fetchImpl: deps.fetchImpl, retryDelayMs: deps.retryDelayMs };
  /** @type {Awaited<ReturnType<typeof checkRecordedApproval>> | undefined} */
  let approval;
  for (const { environment, requireReviewers } of planChecks(env)) {
    const base = `environments/${encodeURIComponent(environment)}`;
    const answer = await getRepoJson({ ...request, path: base });
    const result = answer.status === 0 ? { environment, ok: false, problems: [`could not ask GitHub about "${environment}" (${answer.text}).`], warnings: [], reviewers: [] } : evaluateEnvironment(environment, answer, { requireReviewers: requireReviewers && !recorded });
    const branchPolicy = isObject(answer.body) ? answer.body.deployment_branch_policy : undefined;
    if (answer.status === 200 && isObject(branchPolicy) && branchPolicy.custom_branch_policies === true) {
      const policies = await getRepoJson({ ...request, path: `${base}/deployment-branch-policies?per_page=100` });
      result.problems.push(...evaluateBranchPolicies(environment, policies, allowedBranches));
    }
    if (recorded && requireReviewers) {
      approval ??= await checkRecordedApproval(env, (path) => getRepoJson({ ...request, path }), allowedBranches);
      result.problems.push(...approval.problems.map((p) => `recorded approval (GATE_MODE=${MODE_RECORDED}): ${p}`));
      result.reviewers = approval.approvers.map((a) => `${a} (approved pull request #${approval?.pullRequest})`);
    }
    result.ok = result.problems.length === 0;
    results.push(result);
    for (const p of result.problems) write(`::error title=Approval gate missing (${environment})::${escapeData(p)}`);
    for (const w of result.warnings) write(`::warning title=Approval gate (${environment})::${escapeData(w)}`);
    if (result.ok && requireReviewers && !recorded) write(`${environment}: gated by required reviewers (${result.reviewers.join(", ")}), self-review prevented, deployments from ${allowedBranches.join(", ")} only.`);
    if (result.ok && requireReviewers && recorded) write(`${environment}: recorded approval by ${result.reviewers.join(", ")} (GATE_MODE=${MODE_RECORDED}), deployments from ${allowedBranches.join(", ")} only.`);
    if (result.ok && !requireReviewers) write(`${environment}: deployments from ${allowedBranches.join(", ")} only (no reviewers required).`);
  }
  const exitCode = results.every((r) => r.ok) ? 0 : 1;
  const closing = exitCode === 0 ? undefined : closingLine(env.GITHUB_WORKFLOW, recorded);
  const problems = results.flatMap((r) => r.problems.map((p) => `${r.environment}: ${p}`));
  report(env, problems, renderSummary(results) + (closing ? `\n**${closing.title}:** ${closing.text}\n` : ""));
  if (closing) write(`::error title=${closing.title}::${escapeData(closing.text)}`);
  return { exitCode, results };
}

/**
 * The closing line of a failed check, worded by workflow and mode. GITHUB_WORKFLOW is the workflow's `name:` (a default
 * variable). A re-run keeps the run's commit: in recorded mode that never helps (the approval belongs to a merge commit
 * that must be main's tip), so it says to start a new run. Pure.
 * @param {string | undefined} workflow
 * @param {boolean} recorded
 * @returns {{ title: string, text: string }}
 */
function closingLine(workflow, recorded) {
  const rotation = /rotat/i.test(workflow ?? "");
  const what = rotation ? "Rotation stopped" : workflow && !/deploy/i.test(workflow) ? `${workflow} stopped` : "Deploy stopped";
  const held = rotation ? "nothing was rotated, in no environment (dev included)" : "staging/prod would run without a required review";
  const next = recorded
    ? `fix what is named above (${DOCS}; "Recorded approval"), then start a new run from main's tip (a re-run keeps this commit and fails again)${rotation ? ": run the workflow by dispatch, or wait for the next schedule" : ""}`
    : `fix the environments named above (${DOCS}), then re-run${rotation ? " the failed jobs or dispatch the workflow" : ""}`;
  return { title: what, text: `${held}; ${next}.` };
}

/**
 * Writes the problems to the job summary and to the step output `problems` (one line; GitHub's multi-line syntax with a
 * random delimiter, so no text in a problem can end the value or set another output:
 * https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/workflow-commands-for-github-actions#multiline-strings).
 * Problems hold names, HTTP statuses and GitHub's messages, never the token.
 * @param {Record<string, string | undefined>} env
 * @param {string[]} problems
 * @param {string} summary
 */
function report(env, problems, summary) {
  if (env.GITHUB_STEP_SUMMARY) fs.appendFileSync(env.GITHUB_STEP_SUMMARY, summary);
  if (env.GITHUB_OUTPUT) {
    const line = problems.join(" | ").replace(/[\r\n]+/g, " ").slice(0, 4000);
    const delimiter = `ghadelimiter_${crypto.randomUUID()}`;
    fs.appendFileSync(env.GITHUB_OUTPUT, `problems<<${delimiter}\n${line}\n${delimiter}\n`);
  }
}

module.exports = { evaluateEnvironment, evaluateBranchPolicies, getRepoJson, planChecks, renderSummary, closingLine, main, API_VERSION };

if (require.main === module) {
  main(process.env).then(
    (r) => {
      process.exitCode = r.exitCode;
    },
    (err) => {
      process.stdout.write(`::error title=Approval gate check crashed::${escapeData(err instanceof Error ? err.stack ?? err.message : String(err))}\n`);
      process.exitCode = 1;
    },
  );
}
