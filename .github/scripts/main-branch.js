// @ts-check
/**
 * What GATE_MODE=recorded-approval (recorded-approval.js) needs of the branch it deploys from, before it looks at any
 * pull request. Passes only when both hold (anything else fails, saying what came back):
 *   - GITHUB_SHA is the branch's current tip: "Get a reference" (GET /repos/{owner}/{repo}/git/ref/heads/{branch},
 *     https://docs.github.com/en/rest/git/refs#get-a-reference; answer { ref, node_id, url, object: { type, sha, url } },
 *     "Contents" read) answers object.sha === GITHUB_SHA. A re-run keeps its run's GITHUB_SHA (for up to 30 days,
 *     https://docs.github.com/actions/managing-workflow-runs/re-running-workflows-and-jobs), so
 *     without this a re-run of an old run would deploy an old commit on its old approval (attacker review F2);
 *   - a ruleset makes every change to the branch an independently approved pull request: "Get rules for a branch"
 *     (GET /repos/{owner}/{repo}/rules/branches/{branch}, https://docs.github.com/en/rest/repos/rules#get-rules-for-a-branch;
 *     "Returns all active rules that apply to the specified branch ... Rules in rulesets with 'evaluate' or 'disabled'
 *     enforcement statuses are not returned"; readable with "Metadata" read; a list of { type, parameters,
 *     ruleset_source_type, ruleset_source, ruleset_id }, paginated by per_page/page) lists active rules of type
 *     "pull_request" whose parameters (GitHub's repository-rule-pull-request schema) give, across them,
 *     require_last_push_approval === true (the last pusher cannot be the approver), dismiss_stale_reviews_on_push ===
 *     true and required_approving_review_count >= 1. Then no commit reaches the branch unless someone other than its
 *     last pusher approved it, so judging only the newest commit is sound (attacker review F1: code merged without a
 *     deploy rides along with the next approved merge). Classic branch protection cannot be read with read access
 *     (GET .../branches/{branch}/protection needs admin rights on the repository), so this mode needs a ruleset. Not seen: the
 *     ruleset's bypass list ("Get rules for a branch" does not list it); docs/ci-cd.md "Recorded approval" says so.
 */
"use strict";

const MAX_RULE_PAGES = 10;

/**
 * @typedef {{ status: number, body: unknown, text?: string }} ApiAnswer
 * @typedef {(path: string) => Promise<ApiAnswer>} Get  GET one path below /repos/{owner}/{repo}/
 */

/** @param {unknown} v @returns {v is Record<string, unknown>} */
const isObject = (v) => typeof v === "object" && v !== null && !Array.isArray(v);
/** @param {unknown} v */
const show = (v) => {
  const text = JSON.stringify(v);
  return text === undefined ? String(v) : text.length > 200 ? `${text.slice(0, 200)}…` : text;
};
/** @param {unknown} o @param {string[]} keys */
const dig = (o, ...keys) => keys.reduce((acc, k) => (isObject(acc) ? acc[k] : undefined), o);

/**
 * Judges "Get a reference" for the run's branch: its tip must be the run's commit. Pure.
 * @param {ApiAnswer} answer  of GET git/ref/heads/{branch}
 * @param {string} sha  GITHUB_SHA
 * @param {string} branch
 * @returns {string[]} problems
 */
function checkTip(answer, sha, branch) {
  const what = `reading the tip of ${branch} (git/ref/heads/${branch})`;
  if (answer.status !== 200) return [`${what} answered HTTP ${answer.status}: ${show(answer.body ?? answer.text)}${answer.status === 403 || answer.status === 404 ? ' (the token needs "Contents" read on this repository)' : ""}.`];
  const tip = dig(answer.body, "object", "sha");
  const type = dig(answer.body, "object", "type");
  if (dig(answer.body, "ref") !== `refs/heads/${branch}` || type !== "commit" || typeof tip !== "string" || !/^[0-9a-f]{40}$/.test(tip)) {
    return [`${what} did not answer a commit of refs/heads/${branch}: ${show(answer.body ?? answer.text)}.`];
  }
  if (tip !== sha) {
    return [
      `this run's commit ${sha} is not the tip of ${branch} (${tip}). With GATE_MODE=recorded-approval only the newest commit of ${branch} deploys: ` +
        `a re-run of an older run (it keeps its old commit) or a run overtaken by a newer merge is refused; the newer commit's own run deploys it.`,
    ];
  }
  return [];
}

/**
 * Judges the active rules of the branch ("Get rules for a branch", every page): some active pull_request rule must
 * require the last push's approval, dismiss stale approvals and need at least one approval. Several pull_request
 * rules (from several rulesets) all apply, so each setting may come from any of them. Pure.
 * @param {unknown[]} rules
 * @param {string} branch
 * @returns {string[]} problems
 */
function evaluateBranchRules(rules, branch) {
  const pr = rules.filter((r) => isObject(r) && r.type === "pull_request").map((r) => (isObject(r) && isObject(r.parameters) ? r.parameters : {}));
  const where = `the active rulesets of ${branch}`;
  const fix = `Settings > Rules > Rulesets: a ruleset with Enforcement status "Active", targeting ${branch}, with "Require a pull request before merging" and`;
  if (pr.length === 0) {
    const types = rules.map((r) => (isObject(r) ? String(r.type) : show(r))).join(", ") || "none";
    return [
      `${where} have no "pull_request" rule (active rules: ${types}), so a commit may reach ${branch} without an approved pull request. ` +
        `${fix} "Required approvals" >= 1, "Dismiss stale pull request approvals when new commits are pushed" and "Require approval of the most recent reviewable push". ` +
        `Classic branch protection does not count: it cannot be read without admin rights (docs/ci-cd.md "Recorded approval").`,
    ];
  }
  const missing = [];
  if (!pr.some((p) => p.require_last_push_approval === true)) missing.push(`"Require approval of the most recent reviewable push" (require_last_push_approval: ${show(pr.map((p) => p.require_last_push_approval))}; otherwise whoever pushed the last commit onto someone else's pull request may approve it)`);
  if (!pr.some((p) => p.dismiss_stale_reviews_on_push === true)) missing.push(`"Dismiss stale pull request approvals when new commits are pushed" (dismiss_stale_reviews_on_push: ${show(pr.map((p) => p.dismiss_stale_reviews_on_push))})`);
  if (!pr.some((p) => typeof p.required_approving_review_count === "number" && p.required_approving_review_count >= 1)) missing.push(`"Required approvals" of at least 1 (required_approving_review_count: ${show(pr.map((p) => p.required_approving_review_count))})`);
  if (missing.length === 0) return [];
  return [`${where} let a commit reach ${branch} without an independent approval. ${fix} ${missing.join("; ")}.`];
}

/**
 * Both checks for one run, through `get`: the tip, then every page of the branch's active rules.
 * @param {string} sha  GITHUB_SHA
 * @param {string} branch
 * @param {Get} get
 * @returns {Promise<string[]>} problems (empty: the run's commit is the tip of a branch the ruleset guards)
 */
async function checkMainBranch(sha, branch, get) {
  const problems = checkTip(await get(`git/ref/heads/${encodeURIComponent(branch)}`), sha, branch);
  const rules = [];
  for (let page = 1; ; page++) {
    const answer = await get(`rules/branches/${encodeURIComponent(branch)}?per_page=100&page=${page}`);
    if (answer.status !== 200 || !Array.isArray(answer.body)) {
      problems.push(`reading the rules of ${branch} (rules/branches/${branch}) answered HTTP ${answer.status}: ${show(answer.body ?? answer.text)}; without them nothing shows that every commit on ${branch} was approved.`);
      break;
    }
    rules.push(...answer.body);
    if (answer.body.length < 100) {
      problems.push(...evaluateBranchRules(rules, branch));
      break;
    }
    if (page === MAX_RULE_PAGES) {
      problems.push(`${branch} has more than ${MAX_RULE_PAGES * 100} active rules; refusing to judge a list read only in part.`);
      break;
    }
  }
  return problems;
}

module.exports = { checkTip, evaluateBranchRules, checkMainBranch };
