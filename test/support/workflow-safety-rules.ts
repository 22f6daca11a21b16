/**
 * Fail-closed rules for the GitHub Actions workflows (issue #10 items 6-7, issue #9 item 1): approval gates before
 * protected environments (approval-gate-rules.ts, re-exported here), allow_destroy per environment, the rotation role and its shared concurrency group, roles
 * assumed only where their trust allows, no expressions in scripts. Pure functions over parsed YAML returning
 * violations, like workflow-rules.ts.
 */
import { ENVIRONMENTS, environmentName, indexOf, isConfigureAws, isGuardStep, needsOf, runs, steps, targetEnvironment, TERRAFORM_ANY, usesAction, Workflow } from "./workflow-rules";

export { checkApprovalGates, gateEnvironments, GATE_SCRIPT, isCredentialStep, PROTECTED_ENVIRONMENTS, readsSecret } from "./approval-gate-rules";
export const GUARD_WRAPPER = ".github/scripts/plan-guard.sh";

/**
 * allow_destroy per environment: dispatch inputs allow_destroy_<env> (strings), each read only in the step env of
 * that environment's plan-guard steps (through GUARD_WRAPPER), nowhere else; no bare `allow_destroy` input.
 */
export function checkAllowDestroy(wf: Workflow, order: readonly string[] = ENVIRONMENTS): string[] {
  const problems: string[] = [];
  const dispatch = wf.on.workflow_dispatch as { inputs?: Record<string, { type?: string }> } | undefined;
  const inputs = dispatch?.inputs ?? {};
  for (const name of Object.keys(inputs)) {
    if (/^allow_destroy/.test(name) && !order.some((env) => name === `allow_destroy_${env}`)) problems.push(`input ${name}: allow_destroy inputs must be per environment (allow_destroy_<env>)`);
  }
  for (const env of order) {
    if (inputs[`allow_destroy_${env}`]?.type !== "string") problems.push(`workflow_dispatch needs a string input allow_destroy_${env}`);
  }
  const mentions = (v: unknown): string[] => [...JSON.stringify(v ?? null).matchAll(/inputs\.(allow_destroy\w*)/g)].map((m) => m[1]);
  if (mentions(wf.env).length > 0) problems.push(`workflow env must not carry ${mentions(wf.env).join(", ")}; pass each to its own guard step`);
  for (const [id, job] of Object.entries(wf.jobs)) {
    const target = targetEnvironment(job);
    if (mentions(job.env).length > 0) problems.push(`${id}: job env must not carry ${mentions(job.env).join(", ")}; pass it to the guard step`);
    steps(job).forEach((s, i) => {
      const where = `${id} step ${i + 1} (${s.name ?? "unnamed"})`;
      if (mentions({ run: s.run, with: s.with, if: s.if }).length > 0) problems.push(`${where}: allow_destroy interpolated outside env:`);
      for (const input of mentions(s.env)) {
        if (input !== `allow_destroy_${target}`) problems.push(`${where}: ${input} reaches a ${target ?? "non-environment"} job`);
        if (!isGuardStep(s)) problems.push(`${where}: ${input} is passed to a step that is not plan-guard`);
      }
    });
    if (target === undefined || !order.includes(target)) continue;
    for (const s of steps(job).filter(isGuardStep)) {
      if (!runs(s, new RegExp(`\\bbash ${GUARD_WRAPPER.replace(/\./g, "\\.")}\\s`))) problems.push(`${id}: plan-guard must run through ${GUARD_WRAPPER} (it validates and records allow_destroy)`);
      if (s.env?.ALLOW_DESTROY !== `\${{ inputs.allow_destroy_${target} }}`) problems.push(`${id}: its plan-guard step must get ALLOW_DESTROY from inputs.allow_destroy_${target} only`);
    }
  }
  return problems;
}

/**
 * Rotation: the environment's rotation role (never the apply role), outputs read by a job it needs in <env>-plan
 * with the plan role, and concurrency group deploy-<env> without cancelling, shared with deploy.yml's apply job.
 */
export function checkRotationIsolation(wf: Workflow): string[] {
  const problems: string[] = [];
  const rotateJobs = Object.entries(wf.jobs).filter(([, j]) => steps(j).some((s) => runs(s, /\bnpm run (--silent )?rotate\b/)));
  if (rotateJobs.length === 0) problems.push("no job runs npm run rotate");
  for (const [id, job] of rotateJobs) {
    const roles = steps(job).filter(isConfigureAws).map((s) => String(s.with?.["role-to-assume"] ?? ""));
    if (roles.length !== 1 || roles[0] !== "${{ vars.AWS_ROTATION_ROLE_ARN }}") problems.push(`${id}: must assume only the rotation role vars.AWS_ROTATION_ROLE_ARN, got ${JSON.stringify(roles)}`);
    const c = job.concurrency;
    const envExpr = String(job.environment ?? "").replace(/^\$\{\{\s*|\s*\}\}$/g, "");
    if (typeof c !== "object" || c["cancel-in-progress"] !== false || c.group.replace(/\s+/g, "") !== `deploy-\${{${envExpr.replace(/\s+/g, "")}}}`) {
      problems.push(`${id}: needs concurrency {group: deploy-<its environment>, cancel-in-progress: false} (shared with deploy.yml), got ${JSON.stringify(c)}`);
    }
    if (steps(job).some((s) => runs(s, TERRAFORM_ANY))) problems.push(`${id}: runs terraform; the rotation role has no state access, read outputs in a plan-role job`);
    const download = steps(job).find((s) => usesAction(s, "actions/download-artifact@") && /^outputs-/.test(String(s.with?.name ?? "")));
    const rotateAt = indexOf(job, (s) => runs(s, /\bnpm run (--silent )?rotate\b/));
    if (!download || steps(job).indexOf(download) > rotateAt) {
      problems.push(`${id}: must download the outputs-<env>-<run id> artifact before rotating`);
      continue;
    }
    const name = String(download.with?.name);
    const producers = needsOf(job).filter((dep) => steps(wf.jobs[dep] ?? {}).some((s) => usesAction(s, "actions/upload-artifact@") && String(s.with?.name ?? "") === name));
    if (producers.length !== 1) {
      problems.push(`${id}: the outputs artifact ${name} must be uploaded by a job it needs directly`);
      continue;
    }
    const producer = wf.jobs[producers[0]];
    const producerRoles = steps(producer).filter(isConfigureAws).map((s) => String(s.with?.["role-to-assume"] ?? ""));
    if (!/-plan$/.test(environmentName(producer) ?? "") || producerRoles.some((r) => r !== "${{ vars.AWS_PLAN_ROLE_ARN }}")) {
      problems.push(`${producers[0]}: reads outputs for rotation, so it must run in <env>-plan with the plan role only`);
    }
    if (!steps(producer).some((s) => runs(s, /terraform\b[^\n]*\soutput -json\s*>\s*"?outputs\//))) problems.push(`${producers[0]}: must write outputs/<env>.json with terraform output -json`);
  }
  return problems;
}

/**
 * No `${{ }}` expression inside a run script or a github-script `script:` (values reach scripts only through env:),
 * so no input, branch name, title or comment can become script text (GitHub's "script injection").
 */
export function checkNoScriptExpressions(wf: Workflow): string[] {
  const problems: string[] = [];
  for (const [id, job] of Object.entries(wf.jobs)) {
    steps(job).forEach((s, i) => {
      for (const [field, text] of [["run", s.run], ["script", usesAction(s, "actions/github-script@") ? s.with?.script : undefined]] as const) {
        if (typeof text === "string" && /\$\{\{/.test(text)) problems.push(`${id} step ${i + 1} (${s.name ?? "unnamed"}): ${field} contains a \${{ }} expression; pass the value through env:`);
      }
    });
  }
  return problems;
}

/**
 * Each role is assumed only from the GitHub environment its trust policy names (bootstrap stack): the plan role from
 * `<env>-plan` (`repo:R:environment:<env>-plan`), the apply and rotation roles from `<env>` itself. A job assuming
 * a role outside those environments would either fail at AssumeRoleWithWebIdentity or mean a trust was widened.
 */
export function checkRoleEnvironments(wf: Workflow): string[] {
  const problems: string[] = [];
  for (const [id, job] of Object.entries(wf.jobs)) {
    const env = environmentName(job);
    for (const s of steps(job).filter(isConfigureAws)) {
      const role = String(s.with?.["role-to-assume"] ?? "");
      const plan = role === "${{ vars.AWS_PLAN_ROLE_ARN }}";
      const envRole = role === "${{ vars.AWS_APPLY_ROLE_ARN }}" || role === "${{ vars.AWS_ROTATION_ROLE_ARN }}";
      if (!plan && !envRole) problems.push(`${id}: assumes ${role}, which is none of the plan, apply or rotation roles`);
      else if (env === undefined) problems.push(`${id}: assumes ${role} outside any GitHub environment`);
      else if (plan && !/-plan$/.test(env)) problems.push(`${id}: assumes the plan role in environment ${env}; it trusts only <env>-plan`);
      else if (envRole && /-plan$/.test(env)) problems.push(`${id}: assumes ${role} in ${env}; it trusts only the environment <env> itself`);
    }
  }
  return problems;
}

/**
 * `<env>-plan` environments have no reviewers and no branch restriction, so any branch can run a job there and read
 * their secrets (attacker review of issue #10): a job in one must not read the Terraform client's Genesys secrets
 * (`GENESYSCLOUD_OAUTHCLIENT_*`, which only the gated `<env>` environments hold) but the read-only plan client's
 * (`GENESYSCLOUD_PLAN_OAUTHCLIENT_*`), and no plan anywhere takes the state lock (the plan role may not write it).
 */
export function checkPlanEnvironmentsHoldNothingPowerful(wf: Workflow): string[] {
  const problems: string[] = [];
  for (const [id, job] of Object.entries(wf.jobs)) {
    const env = environmentName(job);
    const text = JSON.stringify(job);
    if (env !== undefined && /-plan$/.test(env) && /secrets\.GENESYSCLOUD_OAUTHCLIENT_/.test(text)) {
      problems.push(`${id}: runs in ${env} and reads secrets.GENESYSCLOUD_OAUTHCLIENT_*; plan environments hold only GENESYSCLOUD_PLAN_OAUTHCLIENT_* (a read-only client)`);
    }
    for (const s of steps(job)) {
      for (const line of String(s.run ?? "").split("\n")) {
        if (/^\s*terraform\b.*\splan\s/.test(line) && !/\s-lock=false\b/.test(line)) problems.push(`${id}: "${line.trim()}" takes the state lock; plans run with -lock=false`);
      }
    }
  }
  return problems;
}
