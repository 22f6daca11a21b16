/**
 * The deploy workflow's approval gate (.github/scripts/check-environment-gates.js), run against a local server that
 * answers GET /repos/{owner}/{repo}/environments/{name} the way GitHub documents it (REST API 2022-11-28, "Get an
 * environment"): the documented example answer, its variants, 404 for a missing environment, 403 without the
 * Actions read permission, 401 for a wrong token, 5xx. Real HTTP, the real script; only GitHub is replaced.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { evaluateEnvironment, main } from "../.github/scripts/check-environment-gates";

const SCRIPT = path.join(__dirname, "..", ".github", "scripts", "check-environment-gates.js");
const TOKEN = "ghs_test-token";
const REPO = "acme/genesys-eventbridge-infra";

type Answer = { status: number; body?: unknown; raw?: string };
const fixture = (file: string): Record<string, unknown> => {
  const { _source: _ignored, ...documented } = JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", "github", file), "utf8")) as Record<string, unknown>;
  return documented;
};
const DOCUMENTED = fixture("environment-staging.json");
const POLICIES = fixture("deployment-branch-policies.json");
/** The documented policy list cut to main alone, the only branch that may deploy. */
const MAIN_ONLY = { ...POLICIES, total_count: 1, branch_policies: (POLICIES.branch_policies as { name: string }[]).filter((p) => p.name === "main") };

/** The documented example for `name`, with prevent_self_review set and any top-level fields overridden. */
function environment(name: string, overrides: Record<string, unknown> = {}, preventSelfReview: unknown = true): Record<string, unknown> {
  const copy = structuredClone(DOCUMENTED);
  copy.name = name;
  for (const rule of copy.protection_rules as Record<string, unknown>[]) if (rule.type === "required_reviewers") rule.prevent_self_review = preventSelfReview;
  return { ...copy, ...overrides };
}
const rulesOf = (env: Record<string, unknown>) => env.protection_rules as Record<string, unknown>[];

/** A GitHub stand-in: checks path, token and headers like the API does; answers from a queue per environment. */
class FakeGitHub {
  readonly requests: { path: string; auth?: string; version?: string; accept?: string }[] = [];
  private readonly answers = new Map<string, Answer[]>();
  private server?: http.Server;
  url = "";

  /** Answers for GET .../environments/{env}; `${env} policies` for its deployment-branch-policies. */
  answer(env: string, ...answers: Answer[]): this {
    this.answers.set(env, answers);
    return this;
  }

  /** The documented answers of a gated environment: reviewers, self-review prevented, main as its only branch policy. */
  gated(env: string, overrides: Record<string, unknown> = {}): this {
    return this.answer(env, { status: 200, body: environment(env, overrides) }).answer(`${env} policies`, { status: 200, body: MAIN_ONLY });
  }

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      this.requests.push({ path: req.url ?? "", auth: req.headers.authorization, version: req.headers["x-github-api-version"] as string, accept: req.headers.accept });
      const send = (a: Answer) => {
        res.writeHead(a.status, { "content-type": "application/json; charset=utf-8" });
        res.end(a.raw ?? (a.body === undefined ? "" : JSON.stringify(a.body)));
      };
      if (req.headers.authorization !== `Bearer ${TOKEN}`) return send({ status: 401, body: { message: "Bad credentials", documentation_url: "https://docs.github.com/rest" } });
      const m = /^\/repos\/([^/]+)\/([^/]+)\/environments\/([^/?]+)(\/deployment-branch-policies\?per_page=100)?$/.exec(req.url ?? "");
      if (req.method !== "GET" || !m || `${m[1]}/${m[2]}` !== REPO) return send({ status: 404, body: { message: "Not Found" } });
      const queue = this.answers.get(`${decodeURIComponent(m[3])}${m[4] ? " policies" : ""}`);
      if (!queue || queue.length === 0) return send({ status: 404, body: { message: "Not Found", documentation_url: "https://docs.github.com/rest/deployments/environments#get-an-environment" } });
      send(queue.length > 1 ? (queue.shift() as Answer) : queue[0]);
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

let github: FakeGitHub;
let dir: string;
beforeEach(async () => {
  github = new FakeGitHub();
  await github.start();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "gates-"));
});
afterEach(async () => {
  await github.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const run = async (envs = "staging prod", extra: Record<string, string> = {}) => {
  const lines: string[] = [];
  const summary = path.join(dir, "summary.md");
  const env = { GATE_ENVIRONMENTS: envs, GITHUB_REPOSITORY: REPO, GITHUB_TOKEN: TOKEN, GITHUB_API_URL: github.url, GITHUB_STEP_SUMMARY: summary, ...extra };
  const result = await main(env, { retryDelayMs: 0, write: (l) => lines.push(l) });
  return { ...result, out: lines.join("\n"), summary: fs.existsSync(summary) ? fs.readFileSync(summary, "utf8") : "" };
};

describe("approval gate: passes only on the documented answer of a protected environment", () => {
  it("passes staging and prod with required reviewers, self-review prevented and a branch policy", async () => {
    github.gated("staging").gated("prod");
    const r = await run();
    expect(r.exitCode).toBe(0);
    expect(r.results.map((x) => [x.environment, x.ok, x.reviewers])).toEqual([
      ["staging", true, ["User Ninjadeveloper007", "Team justice-league"]],
      ["prod", true, ["User Ninjadeveloper007", "Team justice-league"]],
    ]);
    expect(r.out).not.toMatch(/::error/);
    expect(r.summary).toContain("| prod | ✅ gated | User Ninjadeveloper007, Team justice-league | - |");
    // Environment, then its custom branch policies, with the token, API version and media type GitHub documents.
    const request = (p: string) => ({ path: `/repos/${REPO}/environments/${p}`, auth: `Bearer ${TOKEN}`, version: "2022-11-28", accept: "application/vnd.github+json" });
    expect(github.requests).toEqual([
      request("staging"),
      request("staging/deployment-branch-policies?per_page=100"),
      request("prod"),
      request("prod/deployment-branch-policies?per_page=100"),
    ]);
  });

  it("fails the documented example as is: its prevent_self_review is false", async () => {
    github.answer("staging", { status: 200, body: { ...DOCUMENTED } }).answer("staging policies", { status: 200, body: POLICIES });
    const r = await run("staging");
    expect(r.exitCode).toBe(1);
    expect(r.results[0].problems).toEqual([
      expect.stringMatching(/^environment "staging": "Prevent self-review" is off \(prevent_self_review: false\)/),
      // The documented example's policies also let release/* deploy.
      expect.stringMatching(/let other refs deploy \("release\/\*"\)/),
    ]);
    expect(r.out).toMatch(/^::error title=Approval gate missing \(staging\)::environment "staging": "Prevent self-review" is off/m);
    expect(r.out).toMatch(/::error title=Deploy stopped::/);
    expect(r.summary).toContain("| staging | ❌ NOT gated |");
  });

  it("fails a missing environment (404), saying a job would create it unprotected", async () => {
    github.gated("staging");
    const r = await run();
    expect(r.exitCode).toBe(1);
    expect(r.results.map((x) => x.ok)).toEqual([true, false]);
    expect(r.results[1].problems[0]).toMatch(/GitHub environment "prod" does not exist \(HTTP 404: Not Found\)\. A job that names it would create it WITHOUT protection rules/);
    expect(r.results[1].problems[0]).toMatch(/required reviewers need GitHub Enterprise/);
  });

  it.each([
    ["no protection_rules field", (e: Record<string, unknown>) => delete e.protection_rules, /has no protection rules \(protection_rules is undefined\)/],
    ["an empty rule list", (e: Record<string, unknown>) => (e.protection_rules = []), /has no required-reviewers rule \(rules found: none\)\. On a private or internal repository/],
    [
      "only a wait timer and a branch policy",
      (e: Record<string, unknown>) => (e.protection_rules = rulesOf(e).filter((r) => r.type !== "required_reviewers")),
      /has no required-reviewers rule \(rules found: wait_timer, branch_policy\)/,
    ],
    [
      "a reviewers rule without reviewers",
      (e: Record<string, unknown>) => rulesOf(e).forEach((r) => r.type === "required_reviewers" && (r.reviewers = [])),
      /has a required-reviewers rule that lists no reviewer \(reviewers: \[\]\)/,
    ],
    [
      "a reviewers rule whose reviewers field is missing",
      (e: Record<string, unknown>) => rulesOf(e).forEach((r) => r.type === "required_reviewers" && delete r.reviewers),
      /lists no reviewer \(reviewers: undefined\)/,
    ],
    ["every branch may deploy", (e: Record<string, unknown>) => (e.deployment_branch_policy = null), /lets every branch deploy \(deployment_branch_policy: null\)/],
    ["another environment's answer", (e: Record<string, unknown>) => (e.name = "prod-plan"), /the answer describes environment "prod-plan", not "prod"/],
  ])("fails on %s", async (_case, mutate, expected) => {
    const body = environment("prod");
    mutate(body);
    github.answer("prod", { status: 200, body }).answer("prod policies", { status: 200, body: POLICIES });
    const r = await run("prod");
    expect(r.exitCode).toBe(1);
    expect(r.results[0].problems.join("\n")).toMatch(expected);
  });

  it("fails when prevent_self_review is not reported at all (no proof is no pass)", async () => {
    const body = environment("prod");
    rulesOf(body).forEach((r) => delete r.prevent_self_review);
    github.answer("prod", { status: 200, body });
    const r = await run("prod");
    expect(r.exitCode).toBe(1);
    expect(r.results[0].problems[0]).toMatch(/"Prevent self-review" is off \(prevent_self_review: undefined\)/);
  });

  it("fails protected-branches-only: with no branch protection rule, every branch may deploy (attacker review)", async () => {
    github.answer("prod", { status: 200, body: environment("prod", { deployment_branch_policy: { protected_branches: true, custom_branch_policies: false } }) });
    const r = await run("prod");
    expect(r.exitCode).toBe(1);
    expect(r.results[0].problems.join("\n")).toMatch(/does not name its deployment branches .* Choose "Selected branches and tags" with main only/);
    expect(github.requests.map((x) => x.path)).toEqual([`/repos/${REPO}/environments/prod`]);
  });

  it("checks dev for its branch restriction only (no reviewers needed), and fails it when any branch may deploy", async () => {
    const noReviewers = { protection_rules: [] };
    github.answer("dev", { status: 200, body: environment("dev", noReviewers) }).answer("dev policies", { status: 200, body: MAIN_ONLY });
    github.gated("prod");
    const ok = await run("prod", { GATE_BRANCH_ONLY_ENVIRONMENTS: "dev" });
    expect([ok.exitCode, ok.results.map((x) => [x.environment, x.ok])]).toEqual([0, [["prod", true], ["dev", true]]]);
    expect(ok.out).toContain("dev: deployments from main only (no reviewers required).");
    github.answer("dev", { status: 200, body: environment("dev", { ...noReviewers, deployment_branch_policy: null }) });
    const bad = await run("prod", { GATE_BRANCH_ONLY_ENVIRONMENTS: "dev" });
    expect(bad.exitCode).toBe(1);
    expect(bad.results[1].problems.join("\n")).toMatch(/environment "dev" lets every branch deploy/);
  });

  it.each([
    ["a policy matching every branch", { status: 200, body: { total_count: 2, branch_policies: [{ id: 1, name: "main" }, { id: 2, name: "**" }] } }, /custom deployment branch policies that match every branch \("\*\*"\)/],
    ["a bare * policy", { status: 200, body: { total_count: 1, branch_policies: [{ id: 1, name: "*" }] } }, /match every branch \("\*"\)/],
    ["no policy at all", { status: 200, body: { total_count: 0, branch_policies: [] } }, /and none is set, so no branch may deploy/],
    ["the documented example (release/* besides main)", { status: 200, body: POLICIES }, /that let other refs deploy \("release\/\*"\)\. Allow main only/],
    ["a pattern that main also matches", { status: 200, body: { total_count: 1, branch_policies: [{ id: 1, name: "main*" }] } }, /let other refs deploy \("main\*"\)/],
    ["a tag policy", { status: 200, body: { total_count: 2, branch_policies: [{ id: 1, name: "main", type: "branch" }, { id: 2, name: "v*", type: "tag" }] } }, /let other refs deploy \(tag "v\*"\)/],
    ["a policy list it may not read", { status: 403, body: { message: "Resource not accessible by integration" } }, /listing them answered HTTP 403/],
    ["a list without branch_policies", { status: 200, body: { total_count: 1 } }, /the answer has no branch_policies list/],
  ])("fails on %s", async (_case, policies, expected) => {
    github.answer("prod", { status: 200, body: environment("prod") }).answer("prod policies", policies);
    const r = await run("prod");
    expect(r.exitCode).toBe(1);
    expect(r.results[0].problems.join("\n")).toMatch(expected);
  });

  it("passes but warns when administrators may bypass the rules", async () => {
    github.gated("prod", { can_admins_bypass: true });
    const r = await run("prod");
    expect(r.exitCode).toBe(0);
    expect(r.out).toMatch(/^::warning title=Approval gate \(prod\)::environment "prod": administrators may bypass the protection rules/m);
    expect(r.summary).toMatch(/warning: environment "prod": administrators may bypass/);
  });

  it("fails on 403 with the permission to grant, and on 401", async () => {
    github.answer("prod", { status: 403, body: { message: "Resource not accessible by integration", documentation_url: "https://docs.github.com/rest/deployments/environments#get-an-environment" } });
    const forbidden = await run("prod");
    expect(forbidden.exitCode).toBe(1);
    expect(forbidden.results[0].problems[0]).toMatch(/may not read environment "prod" \(HTTP 403: Resource not accessible by integration\)\. Give the gate job "permissions: actions: read"/);
    const wrongToken = await run("prod", { GITHUB_TOKEN: "ghs_other" });
    expect(wrongToken.exitCode).toBe(1);
    expect(wrongToken.results[0].problems[0]).toMatch(/the token was rejected \(HTTP 401: Bad credentials\)/);
  });

  it("retries 5xx and 429, passing only on a good answer, and fails with what came back when it never comes", async () => {
    github.gated("prod").answer("prod", { status: 502, raw: "<html>bad gateway</html>" }, { status: 429, body: { message: "slow down" } }, { status: 200, body: environment("prod") });
    expect((await run("prod")).exitCode).toBe(0);
    expect(github.requests).toHaveLength(4);
    github.answer("prod", { status: 503, raw: "<html>unavailable</html>" });
    const down = await run("prod");
    expect(down.exitCode).toBe(1);
    expect(down.results[0].problems[0]).toBe('unexpected answer HTTP 503 for environment "prod": "<html>unavailable</html>".');
  });

  it("fails on an answer that is not JSON, and when GitHub cannot be reached", async () => {
    github.answer("prod", { status: 200, raw: "<html>login</html>" });
    expect((await run("prod")).results[0].problems[0]).toMatch(/HTTP 200 but the answer is not a JSON object: "<html>login<\/html>"/);
    const url = github.url;
    await github.stop();
    const unreachable = await run("prod", { GITHUB_API_URL: url });
    expect(unreachable.exitCode).toBe(1);
    expect(unreachable.results[0].problems[0]).toMatch(/^could not ask GitHub about "prod" \(request failed: /);
    await github.start();
  });

  it("checking nothing, or without a token or repository, fails before any request", async () => {
    const broken: Record<string, string>[] = [{ GATE_ENVIRONMENTS: " " }, { GITHUB_TOKEN: "" }, { GITHUB_REPOSITORY: "not a repo" }];
    for (const extra of broken) {
      const r = await run("staging prod", extra);
      expect(r.exitCode).toBe(1);
      expect(r.out).toMatch(/^::error title=Approval gate check misconfigured::/m);
    }
    expect(github.requests).toEqual([]);
  });

  it.each(["dev staging prod", "dev,Prod", "STAGING"])("refuses GATE_BRANCH_ONLY_ENVIRONMENTS %j: staging and prod are never checked for branches only (re-review R1)", async (branchOnly) => {
    // prod here has no reviewers but main as its only branch: a branch-only check of it would pass (it did before R1).
    github.answer("prod", { status: 200, body: environment("prod", { protection_rules: [] }) }).answer("prod policies", { status: 200, body: MAIN_ONLY });
    github.gated("dev");
    for (const mode of [{}, { GATE_MODE: "recorded-approval" }] as Record<string, string>[]) {
      const r = await run("prod", { GATE_BRANCH_ONLY_ENVIRONMENTS: branchOnly, ...mode });
      expect(r.exitCode).toBe(1);
      expect(r.out).toMatch(/^::error title=Approval gate check misconfigured::GATE_BRANCH_ONLY_ENVIRONMENTS names (staging|prod|Prod|STAGING)[^:]*: staging and prod always need a review/m);
    }
    expect(github.requests).toEqual([]);
  });

  it("keeps every annotation on one line whatever the answer says (workflow-command escaping)", async () => {
    github.answer("prod", { status: 404, body: { message: "Not Found\n::error::forged" } });
    const r = await run("prod");
    expect(r.exitCode).toBe(1);
    expect(r.out).toContain("(HTTP 404: Not Found%0A::error::forged)");
    expect(r.out.split("\n").filter((l) => l.includes("forged"))).toEqual([expect.stringMatching(/^::error title=Approval gate missing \(prod\)::GitHub environment "prod"/)]);
    expect(evaluateEnvironment("prod", { status: 418, body: undefined, text: "teapot" }).problems).toEqual(['unexpected answer HTTP 418 for environment "prod": "teapot".']);
  });

  it("writes its problems to the step output `problems` (one line, heredoc syntax with a fresh delimiter) and the job summary", async () => {
    github.gated("staging").answer("prod", { status: 404, body: { message: "Not Found\nproblems<<EOF\nforged" } });
    const output = path.join(dir, "output");
    const r = await run("staging prod", { GITHUB_OUTPUT: output });
    expect(r.exitCode).toBe(1);
    const text = fs.readFileSync(output, "utf8");
    const m = /^problems<<(ghadelimiter_[0-9a-f-]{36})\n(.*)\n\1\n$/.exec(text);
    expect(m).not.toBeNull();
    // One line whatever GitHub answered: the forged delimiter line is folded into it and cannot end the value.
    expect(m?.[2]).toMatch(/^prod: GitHub environment "prod" does not exist \(HTTP 404: Not Found problems<<EOF forged\)/);
    expect(m?.[2]).not.toContain(TOKEN);
    expect(r.summary).toContain("**Deploy stopped:**");
    // A passing check still writes the output, empty, so that a later job never reads a stale value.
    fs.rmSync(output);
    github.gated("prod");
    const ok = await run("staging prod", { GITHUB_OUTPUT: output });
    expect(ok.exitCode).toBe(0);
    expect(fs.readFileSync(output, "utf8")).toMatch(/^problems<<(ghadelimiter_[0-9a-f-]{36})\n\n\1\n$/);
  });

  it("reports a misconfiguration in the output and the summary too", async () => {
    const output = path.join(dir, "output");
    const r = await run("", { GITHUB_OUTPUT: output });
    expect(r.exitCode).toBe(1);
    expect(fs.readFileSync(output, "utf8")).toContain("misconfigured: GATE_ENVIRONMENTS is empty");
    expect(r.summary).toContain("misconfigured");
  });

  it.each([
    ["Deploy", "", /^::error title=Deploy stopped::staging\/prod would run without a required review; fix the environments named above .*, then re-run\.$/m],
    ["Rotate secrets", "", /^::error title=Rotation stopped::nothing was rotated, in no environment \(dev included\); fix the environments named above .*, then re-run the failed jobs or dispatch the workflow\.$/m],
    ["Deploy", "recorded-approval", /^::error title=Deploy stopped::.*then start a new run from main's tip \(a re-run keeps this commit and fails again\)\.$/m],
    ["Rotate secrets", "recorded-approval", /^::error title=Rotation stopped::.*start a new run from main's tip \(a re-run keeps this commit and fails again\): run the workflow by dispatch/m],
  ])("words its closing line by workflow (%s) and mode (%j)", async (workflow, mode, expected) => {
    github.answer("staging", { status: 404, body: { message: "Not Found" } });
    const r = await run("staging", { GITHUB_WORKFLOW: workflow, GATE_MODE: mode, GITHUB_SHA: "0".repeat(40), GITHUB_REF: "refs/heads/main" });
    expect(r.exitCode).toBe(1);
    expect(r.out).toMatch(expected);
    if (mode !== "") expect(r.out).not.toMatch(/then re-run/);
  });

  it("names the recorded-approval alternative where reviewers need GitHub Enterprise", () => {
    const r = evaluateEnvironment("prod", { status: 404, body: { message: "Not Found" } });
    expect(r.problems[0]).toMatch(/need GitHub Enterprise .*or set the repository variable GATE_MODE=recorded-approval \(docs\/ci-cd\.md "Recorded approval"\)/);
  });

  it("runs as the workflow runs it: node <script>, exit 1 when an environment is not gated", async () => {
    const exec = promisify(execFile);
    const env = { PATH: process.env.PATH ?? "", GATE_ENVIRONMENTS: "staging prod", GITHUB_REPOSITORY: REPO, GITHUB_TOKEN: TOKEN, GITHUB_API_URL: github.url };
    github.gated("staging").gated("prod", { protection_rules: [] });
    const failed = await exec(process.execPath, [SCRIPT], { env }).then(
      () => ({ code: 0, stdout: "" }),
      (err: { code: number; stdout: string }) => ({ code: err.code, stdout: err.stdout }),
    );
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/::error title=Approval gate missing \(prod\)::environment "prod" has no required-reviewers rule/);
  });
});
