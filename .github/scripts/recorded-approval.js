// @ts-check
/**
 * The documented alternative approval gate (GATE_MODE=recorded-approval), for repositories whose plan has no
 * required reviewers on environments (private repositories on GitHub Pro or Team): a staging/prod job runs only if
 * the commit it runs is the merge commit of a pull request into main that a second person approved, before the merge,
 * on the pull request's final head commit. Called by check-environment-gates.js; it has no CLI of its own.
 *
 * Passes only when ALL of these hold (anything else fails, saying what came back):
 *   - the run is a push, schedule or workflow_dispatch on refs/heads/main (GATE_DEPLOY_BRANCHES), for a 40-hex GITHUB_SHA;
 *   - a workflow_dispatch sets no allow_destroy* input (read from the event payload, GITHUB_EVENT_PATH): a destroy
 *     needs environment reviewers, who see the patterns before approving; this mode has nobody at that moment;
 *   - GITHUB_SHA is the branch's current tip, and an active ruleset makes every change to the branch an independently
 *     approved pull request (main-branch.js, attacker review F1, F2);
 *   - "List pull requests associated with a commit" (GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls,
 *     https://docs.github.com/en/rest/commits/commits#list-pull-requests-associated-with-a-commit; "Lists the merged
 *     pull request that introduced the commit to the repository") returns exactly one pull request with
 *     merged_at set, merge_commit_sha === GITHUB_SHA, base.ref main and base.repo.full_name this repository
 *     (fields of GitHub's "pull-request-simple" schema: number, user.login, head.sha, base.ref, merged_at, merge_commit_sha);
 *   - "List reviews for a pull request" (GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews,
 *     https://docs.github.com/en/rest/pulls/reviews#list-reviews-for-a-pull-request; "The list of reviews returns in
 *     chronological order"; fine-grained tokens need "Pull requests" repository permission (read); review fields
 *     id, user {login, type}, state, commit_id (null once the commit is gone), submitted_at), read page by page:
 *     taking each reviewer's LAST review that decides (APPROVED, CHANGES_REQUESTED, DISMISSED; COMMENTED and
 *     PENDING decide nothing), no reviewer's last decision is CHANGES_REQUESTED, and at least one is APPROVED with
 *     commit_id === the pull request's head.sha (not stale), user.type "User" (no bot or app: a workflow token
 *     may be allowed to approve pull requests), author_association OWNER, MEMBER or COLLABORATOR (the review field
 *     "How the author is associated with the repository"; CONTRIBUTOR, NONE and the like show no access to it; no
 *     value proves write access, the ruleset's required approval does: see ASSOCIATED),
 *     submitted_at no later than merged_at, by someone who is neither the
 *     pull request's author nor GITHUB_ACTOR nor GITHUB_TRIGGERING_ACTOR (who started, or re-ran, this run;
 *     https://docs.github.com/en/actions/reference/workflows-and-actions/variables).
 * What it does not prove: that the approver read the plan of this run (the pull request's plan comment is from CI,
 * not from this run), nor who may bypass the ruleset (its bypass list is not in "Get rules for a branch"): a bypassing
 * push to main is refused as a deploy of its own, but rides along with the next approved merge. docs/ci-cd.md
 * "Recorded approval" says so.
 */
"use strict";

const fs = require("node:fs");
const { checkMainBranch } = require("./main-branch.js");

const MODE_REVIEWERS = "environment-reviewers";
const MODE_RECORDED = "recorded-approval";
const MAX_REVIEW_PAGES = 10;
const EVENTS = ["push", "schedule", "workflow_dispatch"];
const DECIDING = ["APPROVED", "CHANGES_REQUESTED", "DISMISSED"];
/**
 * author_association values that show the reviewer belongs to the repository (owner, organization member, collaborator).
 * They do NOT prove write access: MEMBER is "a member of the organization that owns the repository" (with the base
 * permission Read, say), COLLABORATOR "invited to collaborate on the repository" (with Read or Triage too)
 * (https://docs.github.com/en/graphql/reference/enums#commentauthorassociation). What proves that someone with write
 * access approved is the ruleset's required approval, which checkMainBranch demands (required_approving_review_count
 * >= 1) and which counts only "approving reviews from people with write or admin permissions"
 * (https://docs.github.com/articles/approving-a-pull-request-with-required-reviews). This check only refuses reviewers
 * with no standing in the repository at all (CONTRIBUTOR, NONE, ...). docs/ci-cd.md "Recorded approval".
 */
const ASSOCIATED = ["OWNER", "MEMBER", "COLLABORATOR"];

/**
 * @typedef {{ status: number, body: unknown, text?: string }} ApiAnswer
 * @typedef {(path: string) => Promise<ApiAnswer>} Get  GET one path below /repos/{owner}/{repo}/
 * @typedef {{ ok: boolean, problems: string[], approvers: string[], pullRequest?: number }} ApprovalResult
 */

/** @param {unknown} v @returns {v is Record<string, unknown>} */
const isObject = (v) => typeof v === "object" && v !== null && !Array.isArray(v);
/** @param {unknown} v */
const show = (v) => {
  const text = JSON.stringify(v);
  return text === undefined ? String(v) : text.length > 200 ? `${text.slice(0, 200)}…` : text;
};
/** @param {unknown} v */
const lower = (v) => (typeof v === "string" ? v.toLowerCase() : "");
/** @param {unknown} o @param {string[]} keys */
const dig = (o, ...keys) => keys.reduce((acc, k) => (isObject(acc) ? acc[k] : undefined), o);

/**
 * The gate mode from GATE_MODE (the repository variable vars.GATE_MODE): unset or empty means environment reviewers.
 * @param {string | undefined} value
 * @returns {{ mode: "environment-reviewers" | "recorded-approval" } | { error: string }}
 */
function parseGateMode(value) {
  const v = (value ?? "").trim();
  if (v === "" || v === MODE_REVIEWERS) return { mode: MODE_REVIEWERS };
  if (v === MODE_RECORDED) return { mode: MODE_RECORDED };
  return { error: `GATE_MODE is ${show(value)}, which is no gate mode: leave the repository variable GATE_MODE unset (or "${MODE_REVIEWERS}") for environment reviewers, or set it to "${MODE_RECORDED}" (docs/ci-cd.md "Recorded approval").` };
}

/**
 * The run's own facts, before any request: ref, sha, event, and no allow_destroy input on a dispatch. Pure but for
 * reading the event payload file.
 * @param {Record<string, string | undefined>} env
 * @param {string[]} allowedBranches
 * @returns {string[]} problems
 */
function checkRun(env, allowedBranches) {
  const problems = [];
  const sha = env.GITHUB_SHA ?? "";
  if (!/^[0-9a-f]{40}$/.test(sha)) problems.push(`GITHUB_SHA must be a 40-hex commit, got ${show(sha)}.`);
  if (!env.GITHUB_ACTOR) problems.push("GITHUB_ACTOR is empty: cannot tell who started the run, so no approver can be told apart from them.");
  const refs = allowedBranches.map((b) => `refs/heads/${b}`);
  if (!refs.includes(env.GITHUB_REF ?? "")) problems.push(`the run is on ${show(env.GITHUB_REF)}; a recorded approval counts only for runs on ${refs.join(", ")}.`);
  const event = env.GITHUB_EVENT_NAME ?? "";
  if (!EVENTS.includes(event)) problems.push(`event ${show(event)} is not one this gate judges (${EVENTS.join(", ")}).`);
  if (event === "workflow_dispatch") {
    let payload;
    try {
      payload = JSON.parse(fs.readFileSync(env.GITHUB_EVENT_PATH ?? "", "utf8"));
    } catch (err) {
      problems.push(`cannot read the dispatch's inputs from GITHUB_EVENT_PATH ${show(env.GITHUB_EVENT_PATH)} (${err instanceof Error ? err.message : String(err)}), so cannot rule out allow_destroy.`);
      return problems;
    }
    const inputs = isObject(payload) && isObject(payload.inputs) ? payload.inputs : {};
    const destroys = Object.entries(inputs).filter(([k, v]) => /^allow_destroy/i.test(k) && String(v ?? "").trim() !== "");
    if (destroys.length > 0) {
      problems.push(
        `this dispatch sets ${destroys.map(([k]) => k).join(", ")}: with GATE_MODE=${MODE_RECORDED} nobody approves this run, and a destroy needs environment reviewers who see the patterns first. ` +
          `Run it without allow_destroy, or apply the destroy outside the pipeline under your own review (README "Plan and apply one environment").`,
      );
    }
  }
  return problems;
}

/**
 * Picks the pull request whose merge into main produced `sha`. Pure.
 * @param {ApiAnswer} answer  of GET commits/{sha}/pulls
 * @returns {{ pr?: Record<string, unknown>, problems: string[] }}
 */
function findMergedPullRequest(answer, sha, repository, allowedBranches) {
  if (answer.status !== 200) return { problems: [`listing the pull requests of commit ${sha} answered HTTP ${answer.status}: ${show(answer.body ?? answer.text)}${answer.status === 403 ? ' (give the job "permissions: pull-requests: read")' : ""}.`] };
  if (!Array.isArray(answer.body)) return { problems: [`listing the pull requests of commit ${sha} did not answer a list: ${show(answer.body ?? answer.text)}.`] };
  const why = [];
  const matches = [];
  for (const pr of answer.body) {
    if (!isObject(pr)) {
      why.push(`unreadable entry ${show(pr)}`);
      continue;
    }
    const n = `#${show(pr.number)}`;
    if (typeof pr.merged_at !== "string" || pr.merged_at === "") why.push(`${n} is not merged (merged_at: ${show(pr.merged_at)})`);
    else if (pr.merge_commit_sha !== sha) why.push(`${n}'s merge commit is ${show(pr.merge_commit_sha)}, not this run's commit`);
    else if (!allowedBranches.includes(String(dig(pr, "base", "ref")))) why.push(`${n} was merged into ${show(dig(pr, "base", "ref"))}, not ${allowedBranches.join(", ")}`);
    else if (lower(dig(pr, "base", "repo", "full_name")) !== repository.toLowerCase()) why.push(`${n} belongs to ${show(dig(pr, "base", "repo", "full_name"))}`);
    else matches.push(pr);
  }
  if (matches.length === 1) return { pr: matches[0], problems: [] };
  if (matches.length > 1) return { problems: [`commit ${sha} is the merge commit of ${matches.length} pull requests (${matches.map((p) => `#${show(p.number)}`).join(", ")}); cannot tell which approval counts.`] };
  return {
    problems: [
      `commit ${sha} is not the merge commit of a pull request into ${allowedBranches.join(", ")} (${why.length > 0 ? why.join("; ") : "no pull request is associated with it"}). ` +
        `With GATE_MODE=${MODE_RECORDED} only merged pull requests deploy: pushing to main directly, or deploying another commit, needs environment reviewers.`,
    ],
  };
}

/**
 * Judges the reviews of the merged pull request. Pure.
 * @param {Record<string, unknown>} pr
 * @param {unknown[]} reviews  chronological, as GitHub lists them
 * @param {{ actor: string, triggeringActor?: string }} run
 * @returns {ApprovalResult}
 */
function evaluateReviews(pr, reviews, run) {
  const number = typeof pr.number === "number" ? pr.number : undefined;
  const where = `pull request #${show(pr.number)}`;
  /** @type {ApprovalResult} */
  const result = { ok: false, problems: [], approvers: [], pullRequest: number };
  const head = dig(pr, "head", "sha");
  const author = dig(pr, "user", "login");
  const mergedAt = Date.parse(String(pr.merged_at));
  if (typeof head !== "string" || !/^[0-9a-f]{40}$/.test(head)) result.problems.push(`${where} has no readable head.sha (${show(head)}).`);
  if (typeof author !== "string" || author === "") result.problems.push(`${where} has no readable author (user.login: ${show(author)}).`);
  if (Number.isNaN(mergedAt)) result.problems.push(`${where} has an unreadable merged_at (${show(pr.merged_at)}).`);
  if (result.problems.length > 0) return result;

  /** @type {Map<string, Record<string, unknown>>} each reviewer's last deciding review */
  const last = new Map();
  for (const review of reviews) {
    if (!isObject(review)) {
      result.problems.push(`${where}: unreadable review ${show(review)}.`);
      return result;
    }
    const login = dig(review, "user", "login");
    // A review whose user is null (a deleted account) cannot be told apart from anyone: it counts for nothing.
    if (typeof login !== "string" || !DECIDING.includes(String(review.state))) continue;
    last.set(login.toLowerCase(), review);
  }
  /** @type {Map<string, string>} who may not approve, and why (the first reason given for a login stays) */
  const excluded = new Map();
  for (const [login, why] of [
    [author, "the pull request's author"],
    [run.actor, "who started this run (GITHUB_ACTOR)"],
    [run.triggeringActor, "who started or re-ran this run (GITHUB_TRIGGERING_ACTOR)"],
  ]) {
    if (lower(login) !== "" && !excluded.has(lower(login))) excluded.set(lower(login), why);
  }
  const rejected = [];
  for (const review of last.values()) {
    const login = String(dig(review, "user", "login"));
    const state = String(review.state);
    if (state === "CHANGES_REQUESTED") {
      result.problems.push(`${where}: ${login} requested changes (review ${show(review.id)}) and did not approve afterwards.`);
      continue;
    }
    if (state === "DISMISSED") {
      rejected.push(`${login}'s last review was dismissed`);
      continue;
    }
    const submitted = Date.parse(String(review.submitted_at));
    const who = excluded.get(login.toLowerCase());
    if (who !== undefined) rejected.push(`${login} is ${who}`);
    else if (dig(review, "user", "type") !== "User") rejected.push(`${login} is a ${show(dig(review, "user", "type"))}, not a person`);
    else if (!ASSOCIATED.includes(String(review.author_association))) rejected.push(`${login}'s author_association is ${show(review.author_association)}, not ${ASSOCIATED.join(", ")} (no sign of access to this repository)`);
    else if (review.commit_id !== head) rejected.push(`${login} approved ${show(review.commit_id)}, not the final head ${head} (stale)`);
    else if (Number.isNaN(submitted) || submitted > mergedAt) rejected.push(`${login} approved at ${show(review.submitted_at)}, not before the merge at ${show(pr.merged_at)}`);
    else result.approvers.push(login);
  }
  if (result.approvers.length === 0) {
    result.problems.push(
      `${where} has no approval that counts (${rejected.length > 0 ? rejected.join("; ") : "no review approves it"}). ` +
        `It needs an APPROVED review of its final commit, before the merge, by a person other than its author and whoever starts the run.`,
    );
  }
  result.ok = result.problems.length === 0;
  return result;
}

/**
 * The whole check for one run: the run's facts, then the merged pull request and its reviews through `get`.
 * @param {Record<string, string | undefined>} env
 * @param {Get} get
 * @param {string[]} allowedBranches
 * @returns {Promise<ApprovalResult>}
 */
async function checkRecordedApproval(env, get, allowedBranches) {
  const runProblems = checkRun(env, allowedBranches);
  if (runProblems.length > 0) return { ok: false, problems: runProblems, approvers: [] };
  const sha = String(env.GITHUB_SHA);
  const branch = String(env.GITHUB_REF).slice("refs/heads/".length);
  const problems = await checkMainBranch(sha, branch, get);
  if (problems.length > 0) return { ok: false, problems, approvers: [] };
  const found = findMergedPullRequest(await get(`commits/${sha}/pulls?per_page=100`), sha, String(env.GITHUB_REPOSITORY), allowedBranches);
  if (!found.pr) return { ok: false, problems: found.problems, approvers: [] };
  const reviews = [];
  for (let page = 1; ; page++) {
    const answer = await get(`pulls/${String(found.pr.number)}/reviews?per_page=100&page=${page}`);
    if (answer.status !== 200 || !Array.isArray(answer.body)) {
      const hint = answer.status === 403 ? ' (give the job "permissions: pull-requests: read")' : "";
      return { ok: false, problems: [`listing the reviews of pull request #${show(found.pr.number)} answered HTTP ${answer.status}: ${show(answer.body ?? answer.text)}${hint}.`], approvers: [] };
    }
    reviews.push(...answer.body);
    if (answer.body.length < 100) break;
    if (page === MAX_REVIEW_PAGES) {
      return { ok: false, problems: [`pull request #${show(found.pr.number)} has more than ${MAX_REVIEW_PAGES * 100} reviews; refusing to judge a list read only in part.`], approvers: [] };
    }
  }
  return evaluateReviews(found.pr, reviews, { actor: String(env.GITHUB_ACTOR), triggeringActor: env.GITHUB_TRIGGERING_ACTOR });
}

module.exports = { MODE_RECORDED, MODE_REVIEWERS, parseGateMode, checkRun, findMergedPullRequest, evaluateReviews, checkRecordedApproval };
