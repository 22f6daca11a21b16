/**
 * The alternative approval gate, GATE_MODE=recorded-approval (.github/scripts/recorded-approval.js and main-branch.js
 * through check-environment-gates.js), run end to end against a local stand-in for GitHub's REST API on 127.0.0.1 that keeps
 * a small repository model (pull requests, their merge commits and reviews) and answers the documented endpoints
 * from it: "Get an environment" (+ deployment branch policies), "Get a reference" (main's tip), "Get rules for a
 * branch" (the active rules on main, paginated), "List pull requests associated with a commit" (the merged pull
 * request whose merge commit it is; for a commit not on main, open pull requests whose head it is) and "List reviews
 * for a pull request" (chronological, paginated by per_page/page). Real HTTP, the real script.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { main } from "../.github/scripts/check-environment-gates";
import { parseGateMode } from "../.github/scripts/recorded-approval";

const SCRIPT = path.join(__dirname, "..", ".github", "scripts", "check-environment-gates.js");
const TOKEN = "ghs_test-token";
const REPO = "acme/genesys-eventbridge-infra";
const MERGE_SHA = "6dcb09b5b57875f334f61aebed695e2e4193db5e";
const HEAD_SHA = "54bb654c9e6025347f57900a4a5c2313a96b8035";
const OLD_HEAD_SHA = "ec26c3e57ca3a959ca5aad62de7213c562f8c821";
const MERGED_AT = "2026-11-29T10:00:00Z";

const fixture = (file: string): Record<string, unknown> => {
  const { _source: _ignored, ...documented } = JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", "github", file), "utf8")) as Record<string, unknown>;
  return documented;
};
/** GitHub's documented "Get an environment" example for `name`, without required reviewers (what Pro/Team allow on a private repository). */
function environmentWithoutReviewers(name: string): Record<string, unknown> {
  const env = structuredClone(fixture("environment-staging.json"));
  env.name = name;
  env.protection_rules = (env.protection_rules as { type: string }[]).filter((r) => r.type === "branch_policy");
  return env;
}
const POLICIES = fixture("deployment-branch-policies.json");
const MAIN_ONLY = { ...POLICIES, total_count: 1, branch_policies: (POLICIES.branch_policies as { name: string }[]).filter((p) => p.name === "main") };

/** A user as GitHub's "simple-user" schema has it (fields the gate reads, and a few more). */
const user = (login: string, type = "User") => ({ login, id: login.length, node_id: `U_${login}`, type, site_admin: false });

interface PullRequest {
  number: number;
  author: string;
  headSha: string;
  baseRef: string;
  mergedAt: string | null;
  mergeCommitSha: string | null;
}
interface Review {
  login: string;
  type?: string;
  association?: string;
  state: "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED" | "DISMISSED" | "PENDING";
  commitId: string | null;
  submittedAt: string;
}

/** GitHub's "pull-request-simple" shape (https://docs.github.com/en/rest/commits/commits#list-pull-requests-associated-with-a-commit), trimmed. */
const pullRequestJson = (pr: PullRequest) => ({
  url: `https://api.github.com/repos/${REPO}/pulls/${pr.number}`,
  id: 1000 + pr.number,
  number: pr.number,
  state: pr.mergedAt ? "closed" : "open",
  title: "change",
  user: user(pr.author),
  head: { label: `${pr.author}:feature`, ref: "feature", sha: pr.headSha, user: user(pr.author), repo: { full_name: REPO } },
  base: { label: `acme:${pr.baseRef}`, ref: pr.baseRef, sha: "0000000000000000000000000000000000000000", user: user("acme", "Organization"), repo: { full_name: REPO } },
  merged_at: pr.mergedAt,
  merge_commit_sha: pr.mergeCommitSha,
  author_association: "MEMBER",
});
/** GitHub's "pull-request-review" shape (https://docs.github.com/en/rest/pulls/reviews#list-reviews-for-a-pull-request). */
const reviewJson = (r: Review, id: number, prNumber: number) => ({
  id,
  node_id: `PRR_${id}`,
  user: user(r.login, r.type),
  body: "",
  state: r.state,
  html_url: `https://github.com/${REPO}/pull/${prNumber}#pullrequestreview-${id}`,
  pull_request_url: `https://api.github.com/repos/${REPO}/pulls/${prNumber}`,
  submitted_at: r.submittedAt,
  commit_id: r.commitId,
  author_association: r.association ?? "MEMBER",
});

/**
 * One entry of "Get rules for a branch" (https://docs.github.com/en/rest/repos/rules#get-rules-for-a-branch): a rule
 * with the ruleset it comes from; a pull_request rule's parameters as GitHub's repository-rule-pull-request schema.
 */
const ruleJson = (type: string, parameters?: Record<string, unknown>, rulesetId = 42) => ({
  type,
  ...(parameters ? { parameters } : {}),
  ruleset_source_type: "Repository",
  ruleset_source: REPO,
  ruleset_id: rulesetId,
});
/** The ruleset docs/ci-cd.md asks for: pull requests with one approval, stale approvals dismissed, last push approved by another. */
const PULL_REQUEST_RULE = {
  dismiss_stale_reviews_on_push: true,
  require_code_owner_review: false,
  require_last_push_approval: true,
  required_approving_review_count: 1,
  required_review_thread_resolution: false,
};

/** The GitHub stand-in: environments, pull requests and reviews of one repository. */
class FakeGitHub {
  readonly requests: string[] = [];
  readonly environments = new Map<string, { env: Record<string, unknown>; policies: unknown }>();
  readonly pulls: PullRequest[] = [];
  readonly reviews = new Map<number, Review[]>();
  readonly failures = new Map<string, number>();
  /** main's tip (Get a reference) and its active rules (Get rules for a branch); rulesets in "evaluate" mode are not listed. */
  tip = MERGE_SHA;
  rules: unknown[] = [ruleJson("deletion"), ruleJson("non_fast_forward"), ruleJson("pull_request", { ...PULL_REQUEST_RULE })];
  private server?: http.Server;
  url = "";

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      this.requests.push(`${url.pathname}${url.search}`);
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
        res.end(JSON.stringify(body));
      };
      if (req.headers.authorization !== `Bearer ${TOKEN}`) return send(401, { message: "Bad credentials" });
      const prefix = `/repos/${REPO}/`;
      if (req.method !== "GET" || !url.pathname.startsWith(prefix)) return send(404, { message: "Not Found" });
      const rest = url.pathname.slice(prefix.length);
      for (const [pattern, status] of this.failures) if (new RegExp(pattern).test(rest)) return send(status, { message: "Resource not accessible by integration" });
      let m = /^environments\/([^/]+)(\/deployment-branch-policies)?$/.exec(rest);
      if (m) {
        const e = this.environments.get(decodeURIComponent(m[1]));
        if (!e) return send(404, { message: "Not Found" });
        return send(200, m[2] ? e.policies : e.env);
      }
      if (rest === "git/ref/heads/main") {
        return send(200, { ref: "refs/heads/main", node_id: "REF_main", url: `https://api.github.com/repos/${REPO}/git/refs/heads/main`, object: { type: "commit", sha: this.tip, url: `https://api.github.com/repos/${REPO}/git/commits/${this.tip}` } });
      }
      if (rest === "rules/branches/main") {
        const perPage = Math.min(Number(url.searchParams.get("per_page") ?? 30), 100);
        const page = Number(url.searchParams.get("page") ?? 1);
        return send(200, this.rules.slice((page - 1) * perPage, page * perPage));
      }
      m = /^commits\/([0-9a-f]{40})\/pulls$/.exec(rest);
      if (m) {
        const sha = m[1];
        // The merged pull request that brought the commit to main; for a commit not on main, open ones whose head it is.
        const merged = this.pulls.filter((p) => p.mergeCommitSha === sha);
        const list = merged.length > 0 ? merged : this.pulls.filter((p) => p.headSha === sha);
        return send(200, list.map(pullRequestJson));
      }
      m = /^pulls\/(\d+)\/reviews$/.exec(rest);
      if (m) {
        const n = Number(m[1]);
        if (!this.pulls.some((p) => p.number === n)) return send(404, { message: "Not Found" });
        const perPage = Math.min(Number(url.searchParams.get("per_page") ?? 30), 100);
        const page = Number(url.searchParams.get("page") ?? 1);
        const all = (this.reviews.get(n) ?? []).map((r, i) => reviewJson(r, 80 + i, n));
        return send(200, all.slice((page - 1) * perPage, page * perPage));
      }
      return send(404, { message: "Not Found" });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** staging and prod exist, deploy from main only, and have no required reviewers. */
  environmentsWithoutReviewers(...names: string[]): this {
    for (const name of names) this.environments.set(name, { env: environmentWithoutReviewers(name), policies: MAIN_ONLY });
    return this;
  }

  /** Pull request #7 by alice, merged into main as MERGE_SHA, with these reviews. */
  merged(reviews: Review[], overrides: Partial<PullRequest> = {}): this {
    const pr: PullRequest = { number: 7, author: "alice", headSha: HEAD_SHA, baseRef: "main", mergedAt: MERGED_AT, mergeCommitSha: MERGE_SHA, ...overrides };
    this.pulls.push(pr);
    this.reviews.set(pr.number, reviews);
    return this;
  }
}

const approve = (login: string, over: Partial<Review> = {}): Review => ({ login, state: "APPROVED", commitId: HEAD_SHA, submittedAt: "2026-11-29T09:00:00Z", ...over });

let github: FakeGitHub;
let dir: string;
beforeEach(async () => {
  github = new FakeGitHub();
  await github.start();
  github.environmentsWithoutReviewers("staging", "prod");
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "recorded-approval-"));
});
afterEach(async () => {
  await github.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The run's GitHub-provided variables: a push to main of MERGE_SHA started by carol. */
const runEnv = (extra: Record<string, string> = {}): Record<string, string> => ({
  GATE_ENVIRONMENTS: "staging prod",
  GATE_MODE: "recorded-approval",
  GITHUB_REPOSITORY: REPO,
  GITHUB_TOKEN: TOKEN,
  GITHUB_API_URL: github.url,
  GITHUB_SHA: MERGE_SHA,
  GITHUB_REF: "refs/heads/main",
  GITHUB_EVENT_NAME: "push",
  GITHUB_ACTOR: "carol",
  GITHUB_TRIGGERING_ACTOR: "carol",
  GITHUB_STEP_SUMMARY: path.join(dir, "summary.md"),
  ...extra,
});
const run = async (extra: Record<string, string> = {}) => {
  const lines: string[] = [];
  const result = await main(runEnv(extra), { retryDelayMs: 0, write: (l) => lines.push(l) });
  return { ...result, out: lines.join("\n"), problems: result.results.flatMap((r) => r.problems).join("\n") };
};
const dispatchEvent = (inputs: Record<string, string>): string => {
  const file = path.join(dir, "event.json");
  fs.writeFileSync(file, JSON.stringify({ inputs, ref: "refs/heads/main", repository: { full_name: REPO }, sender: user("carol") }));
  return file;
};

describe("GATE_MODE=recorded-approval: passes only on a second person's approval of the merged pull request's final commit", () => {
  it("passes staging and prod without environment reviewers, asking for the pull request and its reviews once", async () => {
    github.merged([{ ...approve("dave"), state: "COMMENTED" }, approve("bob"), { ...approve("bob"), state: "COMMENTED", submittedAt: "2026-11-29T09:30:00Z" }]);
    const r = await run();
    expect([r.exitCode, r.problems]).toEqual([0, ""]);
    expect(r.results.map((x) => [x.environment, x.ok, x.reviewers])).toEqual([
      ["staging", true, ["bob (approved pull request #7)"]],
      ["prod", true, ["bob (approved pull request #7)"]],
    ]);
    expect(r.out).toContain("prod: recorded approval by bob (approved pull request #7) (GATE_MODE=recorded-approval), deployments from main only.");
    expect(github.requests).toEqual([
      `/repos/${REPO}/environments/staging`,
      `/repos/${REPO}/environments/staging/deployment-branch-policies?per_page=100`,
      `/repos/${REPO}/git/ref/heads/main`,
      `/repos/${REPO}/rules/branches/main?per_page=100&page=1`,
      `/repos/${REPO}/commits/${MERGE_SHA}/pulls?per_page=100`,
      `/repos/${REPO}/pulls/7/reviews?per_page=100&page=1`,
      `/repos/${REPO}/environments/prod`,
      `/repos/${REPO}/environments/prod/deployment-branch-policies?per_page=100`,
    ]);
  });

  it("without GATE_MODE the same repository fails: environment reviewers are the default", async () => {
    github.merged([approve("bob")]);
    const r = await run({ GATE_MODE: "" });
    expect(r.exitCode).toBe(1);
    expect(r.problems).toMatch(/environment "staging" has no required-reviewers rule/);
  });

  it.each([
    ["no pull request at all (a direct push to main)", () => undefined, /commit 6dcb09b5\w+ is not the merge commit of a pull request into main \(no pull request is associated with it\)/],
    ["the commit is only the head of an open pull request", () => github.merged([approve("bob")], { mergedAt: null, mergeCommitSha: null, headSha: MERGE_SHA }), /#7 is not merged \(merged_at: null\)/],
    ["the pull request was merged into another branch", () => github.merged([approve("bob")], { baseRef: "develop" }), /#7 was merged into "develop", not main/],
    ["approved by its author", () => github.merged([approve("alice")]), /alice is the pull request's author/],
    ["a stale approval (an earlier head)", () => github.merged([approve("bob", { commitId: OLD_HEAD_SHA })]), /bob approved "ec26c3e\w+", not the final head 54bb654\w+ \(stale\)/],
    ["an approval whose commit is gone (commit_id null)", () => github.merged([approve("bob", { commitId: null })]), /bob approved null, not the final head/],
    [
      "changes requested after the approval, by the same reviewer",
      () => github.merged([approve("bob"), { ...approve("bob"), state: "CHANGES_REQUESTED", submittedAt: "2026-11-29T09:10:00Z" }]),
      /bob requested changes \(review 81\) and did not approve afterwards/,
    ],
    ["changes requested by another reviewer, still standing", () => github.merged([approve("bob"), { ...approve("erin"), state: "CHANGES_REQUESTED" }]), /erin requested changes/],
    ["a dismissed approval", () => github.merged([{ ...approve("bob"), state: "DISMISSED" }]), /bob's last review was dismissed/],
    ["only comments", () => github.merged([{ ...approve("bob"), state: "COMMENTED" }]), /no approval that counts \(no review approves it\)/],
    ["an approval by a bot (a workflow token may approve pull requests)", () => github.merged([approve("github-actions[bot]", { type: "Bot" })]), /github-actions\[bot\] is a "Bot", not a person/],
    ["an approval given after the merge", () => github.merged([approve("bob", { submittedAt: "2026-11-29T11:00:00Z" })]), /bob approved at "2026-11-29T11:00:00Z", not before the merge/],
    // Attacker review F4: anyone may review a pull request they can see; only owners, members and collaborators count.
    ["an approval by someone without access (author_association CONTRIBUTOR)", () => github.merged([approve("bob", { association: "CONTRIBUTOR" })]), /bob's author_association is "CONTRIBUTOR", not OWNER, MEMBER, COLLABORATOR/],
    ["an approval by someone without access (author_association NONE)", () => github.merged([approve("bob", { association: "NONE" })]), /bob's author_association is "NONE"/],
  ])("fails on %s", async (_case, arrange, expected) => {
    arrange();
    const r = await run();
    expect(r.exitCode).toBe(1);
    expect(r.results.map((x) => x.ok)).toEqual([false, false]);
    expect(r.problems).toMatch(expected);
    expect(r.out).toMatch(/^::error title=Approval gate missing \(staging\)::recorded approval \(GATE_MODE=recorded-approval\): /m);
  });

  it("fails when the approver started the run, or re-ran it", async () => {
    github.merged([approve("bob")]);
    const started = await run({ GITHUB_ACTOR: "Bob", GITHUB_TRIGGERING_ACTOR: "Bob" });
    expect(started.exitCode).toBe(1);
    expect(started.problems).toMatch(/bob is who started this run \(GITHUB_ACTOR\)/);
    const reran = await run({ GITHUB_TRIGGERING_ACTOR: "bob" });
    expect(reran.exitCode).toBe(1);
    expect(reran.problems).toMatch(/bob is who started or re-ran this run \(GITHUB_TRIGGERING_ACTOR\)/);
    // A second approver who did not start it is enough.
    github.reviews.set(7, [approve("bob"), approve("dave")]);
    expect((await run({ GITHUB_TRIGGERING_ACTOR: "bob" })).exitCode).toBe(0);
  });

  it("refuses a dispatch with any allow_destroy input, before asking for pull requests; an empty one passes", async () => {
    github.merged([approve("bob")]);
    const destroy = await run({ GITHUB_EVENT_NAME: "workflow_dispatch", GITHUB_EVENT_PATH: dispatchEvent({ allow_destroy_dev: "", allow_destroy_prod: "aws_sqs_queue.dlq" }) });
    expect(destroy.exitCode).toBe(1);
    expect(destroy.problems).toMatch(/this dispatch sets allow_destroy_prod: with GATE_MODE=recorded-approval nobody approves this run/);
    expect(github.requests.some((p) => /\/pulls/.test(p))).toBe(false);
    const plain = await run({ GITHUB_EVENT_NAME: "workflow_dispatch", GITHUB_EVENT_PATH: dispatchEvent({ allow_destroy_dev: " ", allow_destroy_prod: "" }) });
    expect(plain.exitCode).toBe(0);
    const unreadable = await run({ GITHUB_EVENT_NAME: "workflow_dispatch", GITHUB_EVENT_PATH: path.join(dir, "missing.json") });
    expect(unreadable.problems).toMatch(/cannot read the dispatch's inputs from GITHUB_EVENT_PATH/);
  });

  it("refuses runs on another ref, other events, and a malformed commit", async () => {
    github.merged([approve("bob")]);
    expect((await run({ GITHUB_REF: "refs/heads/feature" })).problems).toMatch(/the run is on "refs\/heads\/feature"; a recorded approval counts only for runs on refs\/heads\/main/);
    expect((await run({ GITHUB_EVENT_NAME: "workflow_run" })).problems).toMatch(/event "workflow_run" is not one this gate judges/);
    expect((await run({ GITHUB_SHA: "main" })).problems).toMatch(/GITHUB_SHA must be a 40-hex commit/);
  });

  it("an unknown GATE_MODE fails before any request", async () => {
    for (const mode of ["recorded", "off", "RECORDED-APPROVAL"]) {
      const r = await run({ GATE_MODE: mode });
      expect(r.exitCode).toBe(1);
      expect(r.out).toMatch(/^::error title=Approval gate check misconfigured::GATE_MODE is "[^"]+", which is no gate mode/m);
    }
    expect(github.requests).toEqual([]);
    expect(parseGateMode(undefined)).toEqual({ mode: "environment-reviewers" });
    expect(parseGateMode("environment-reviewers")).toEqual({ mode: "environment-reviewers" });
  });

  it("still needs the environment itself, deploying from main only", async () => {
    github.merged([approve("bob")]);
    github.environments.delete("prod");
    expect((await run()).problems).toMatch(/GitHub environment "prod" does not exist \(HTTP 404/);
    github.environmentsWithoutReviewers("prod");
    (github.environments.get("prod") as { env: Record<string, unknown> }).env.deployment_branch_policy = null;
    expect((await run()).problems).toMatch(/environment "prod" lets every branch deploy/);
  });

  it("reads every page of reviews: an approval on page 2 counts, and so do changes requested on page 2", async () => {
    const comments = Array.from({ length: 100 }, (_, i) => ({ ...approve(`reader${i}`), state: "COMMENTED" as const }));
    github.merged([...comments, approve("bob")]);
    const r = await run();
    expect(r.exitCode).toBe(0);
    expect(github.requests).toContain(`/repos/${REPO}/pulls/7/reviews?per_page=100&page=2`);
    github.reviews.set(7, [approve("bob"), ...comments, { ...approve("bob"), state: "CHANGES_REQUESTED", submittedAt: "2026-11-29T09:50:00Z" }]);
    expect((await run()).problems).toMatch(/bob requested changes/);
  });

  it("fails on a reviews list it may not read, saying which permission to grant", async () => {
    github.merged([approve("bob")]);
    github.failures.set("^pulls/7/reviews$", 403);
    expect((await run()).problems).toMatch(/listing the reviews of pull request #7 answered HTTP 403: .*give the job "permissions: pull-requests: read"/);
  });

  it("dev (branch-only) never asks for an approval, so a rotation's dev leg is not held up", async () => {
    github.environmentsWithoutReviewers("dev");
    const r = await run({ GATE_ENVIRONMENTS: "dev", GATE_BRANCH_ONLY_ENVIRONMENTS: "dev" });
    expect([r.exitCode, r.results.map((x) => x.environment)]).toEqual([0, ["dev"]]);
    expect(github.requests.some((p) => /pulls/.test(p))).toBe(false);
  });

  it("runs as the workflow runs it: node <script>, exit 1 on a stale approval, 0 on a good one", async () => {
    const exec = promisify(execFile);
    const env = { PATH: process.env.PATH ?? "", ...runEnv() };
    github.merged([approve("bob", { commitId: OLD_HEAD_SHA })]);
    const failed = await exec(process.execPath, [SCRIPT], { env }).then(
      () => ({ code: 0, stdout: "" }),
      (err: { code: number; stdout: string }) => ({ code: err.code, stdout: err.stdout }),
    );
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/::error title=Approval gate missing \(staging\)::recorded approval .*\(stale\)/);
    github.reviews.set(7, [approve("bob")]);
    const passed = await exec(process.execPath, [SCRIPT], { env });
    expect(passed.stdout).toContain("staging: recorded approval by bob");
    expect(fs.readFileSync(path.join(dir, "summary.md"), "utf8")).toContain("| prod | ✅ gated | bob (approved pull request #7) | - |");
  });
});

describe("GATE_MODE=recorded-approval: only main's newest commit, and only under a ruleset that forces independent approval (attacker review F1, F2)", () => {
  const NEWER_SHA = "c0ffee0000000000000000000000000000000001";

  it("a re-run of an old run (GITHUB_SHA kept) is refused once main has moved on, in the gate job and in the in-job re-check", async () => {
    github.merged([approve("bob")]);
    github.tip = NEWER_SHA;
    for (const environments of ["staging prod", "prod"]) {
      const r = await run({ GATE_ENVIRONMENTS: environments, GITHUB_RUN_ATTEMPT: "2", GITHUB_TRIGGERING_ACTOR: "mallory" });
      expect(r.exitCode).toBe(1);
      expect(r.problems).toMatch(new RegExp(`this run's commit ${MERGE_SHA} is not the tip of main \\(${NEWER_SHA}\\)`));
    }
    // Refused before its old approval is even looked up.
    expect(github.requests.some((p) => /\/pulls/.test(p))).toBe(false);
    github.tip = MERGE_SHA;
    expect((await run({ GITHUB_RUN_ATTEMPT: "2", GITHUB_TRIGGERING_ACTOR: "mallory" })).exitCode).toBe(0);
  });

  it("fails on a tip it cannot read or that is not a commit", async () => {
    github.merged([approve("bob")]);
    github.failures.set("^git/ref/heads/main$", 403);
    expect((await run()).problems).toMatch(/reading the tip of main \(git\/ref\/heads\/main\) answered HTTP 403: .*the token needs "Contents" read/);
    github.failures.clear();
    github.tip = "not-a-sha";
    expect((await run()).problems).toMatch(/did not answer a commit of refs\/heads\/main/);
  });

  it.each([
    ["no pull_request rule (only classic branch protection, or a ruleset in evaluate mode, which GitHub does not list)", () => (github.rules = [ruleJson("deletion")]), /have no "pull_request" rule \(active rules: deletion\)/],
    ["no active rule at all", () => (github.rules = []), /have no "pull_request" rule \(active rules: none\)/],
    [
      "the last pusher may approve (require_last_push_approval false)",
      () => (github.rules = [ruleJson("pull_request", { ...PULL_REQUEST_RULE, require_last_push_approval: false })]),
      /"Require approval of the most recent reviewable push" \(require_last_push_approval: \[false\]/,
    ],
    ["stale approvals stay (dismiss_stale_reviews_on_push false)", () => (github.rules = [ruleJson("pull_request", { ...PULL_REQUEST_RULE, dismiss_stale_reviews_on_push: false })]), /"Dismiss stale pull request approvals when new commits are pushed"/],
    ["no approval required (required_approving_review_count 0)", () => (github.rules = [ruleJson("pull_request", { ...PULL_REQUEST_RULE, required_approving_review_count: 0 })]), /"Required approvals" of at least 1 \(required_approving_review_count: \[0\]\)/],
    ["a pull_request rule without parameters", () => (github.rules = [ruleJson("pull_request")]), /require_last_push_approval: \[null\]/],
    ["rules it may not read", () => github.failures.set("^rules/branches/main$", 404), /reading the rules of main \(rules\/branches\/main\) answered HTTP 404/],
  ])("fails when %s", async (_case, arrange, expected) => {
    // The attacker's case: mallory pushed the final commit onto alice's pull request, then approved it.
    github.merged([approve("mallory")]);
    arrange();
    const r = await run();
    expect(r.exitCode).toBe(1);
    expect(r.problems).toMatch(expected);
    expect(github.requests.some((p) => /\/pulls/.test(p))).toBe(false);
  });

  it("the settings may come from two rulesets (all active rules apply), and rules are read on every page", async () => {
    github.merged([approve("bob", { association: "COLLABORATOR" }), approve("dave", { association: "OWNER" })]);
    const filler = Array.from({ length: 100 }, (_, i) => ruleJson("required_linear_history", undefined, 100 + i));
    github.rules = [
      ...filler,
      ruleJson("pull_request", { ...PULL_REQUEST_RULE, require_last_push_approval: false }, 7),
      ruleJson("pull_request", { ...PULL_REQUEST_RULE, dismiss_stale_reviews_on_push: false, required_approving_review_count: 0, require_last_push_approval: true }, 8),
    ];
    const r = await run();
    expect([r.exitCode, r.problems]).toEqual([0, ""]);
    expect(r.results[0].reviewers).toEqual(["bob (approved pull request #7)", "dave (approved pull request #7)"]);
    expect(github.requests).toContain(`/repos/${REPO}/rules/branches/main?per_page=100&page=2`);
    // The pull_request rules only on page 2 missing: page 1 alone does not pass.
    github.rules = filler;
    expect((await run()).problems).toMatch(/have no "pull_request" rule/);
  });
});
