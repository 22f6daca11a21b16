/**
 * What the bootstrap stack's roles may do, proven by evaluating the synthesized policies (identity policies and
 * permissions boundary, test/support/iam-evaluator.ts) over actions enumerated from the Service Authorization
 * Reference (test/support/iam-reference.ts). Setup: dev and staging in one account, region and state bucket with a
 * state KMS key: the case where scoping matters. docs/iam.md describes the design these tests hold it to.
 */
import { Testing } from "cdktf";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { buildBootstrapStacks } from "../main";
import { validateEnvironment } from "../environments/schema";
import type { EnvironmentConfig, EnvironmentConfigInput } from "../environments/schema";
import { BOUNDED_ROLE_ACTIONS, KMS_NEW_KEY_ACTIONS, KMS_USE_ACTIONS } from "../modules/iam/environment-policies";
import { requireEnvironmentBoundary } from "../modules/iam/require-boundary";
import { BootstrapStack } from "../stacks/bootstrap-stack";
import { exampleRules } from "../environments/common";
import { EnvironmentStack, PROJECT } from "../stacks/environment-stack";
import { actionMatches, evaluate, evaluateForService, IamPolicy, IamRequest, IamStatement, isAllowed, PolicySet } from "./support/iam-evaluator";
import { referenceAction, ReferenceAction, serviceActions, supportsConditionKey } from "./support/iam-reference";
import { statementsOf, SynthesizedIam, SynthesizedRole, synthesizedRole, withIdentity } from "./support/iam-roles";

const ACCOUNT = "111111111111";
const REGION = "us-east-1";
const STATE_KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/0b5e7c1a-0000-4000-8000-000000000001`;
const BUCKET = "shared-tfstate";

function sharedAccountConfig(name: string): EnvironmentConfig {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const input = structuredClone((require(`../environments/${name}`) as { config: EnvironmentConfigInput }).config);
  return validateEnvironment(name, {
    ...input,
    aws: { ...input.aws, accountId: ACCOUNT, region: REGION },
    rules: exampleRules(ACCOUNT, REGION), // targets must live in the environment's own account and region
    stateBackend: { ...input.stateBackend, bucket: BUCKET, region: REGION, kmsKeyId: STATE_KEY },
  });
}

const configs = ["dev", "staging"].map(sharedAccountConfig);
const app = Testing.app();
buildBootstrapStacks(app, configs);
const bootstrap = app.node.children.find((c): c is BootstrapStack => c instanceof BootstrapStack) as BootstrapStack;
const synth = JSON.parse(Testing.synth(bootstrap)) as SynthesizedIam;
const role = (name: string): SynthesizedRole => synthesizedRole(synth, name);
const apply = role("genesys-eventbridge-dev-apply");
const plan = role("genesys-eventbridge-dev-plan");
const rotation = role("genesys-eventbridge-dev-rotation");
const PIPELINE_ROLES = ["dev", "staging"].flatMap((e) => ["plan", "apply", "rotation"].map((r) => `genesys-eventbridge-${e}-${r}`));

const iamArn = (resource: string) => `arn:aws:iam::${ACCOUNT}:${resource}`;
const arn = (service: string, resource: string) => `arn:aws:${service}:${REGION}:${ACCOUNT}:${resource}`;
const BOUNDARY = { dev: iamArn("policy/genesys-eventbridge-dev-boundary"), staging: iamArn("policy/genesys-eventbridge-staging-boundary") };
const KEYS = {
  dev: { resource: arn("kms", "key/1111"), context: { "aws:ResourceTag/environment": "dev", "aws:ResourceTag/project": PROJECT } },
  staging: { resource: arn("kms", "key/2222"), context: { "aws:ResourceTag/environment": "staging", "aws:ResourceTag/project": PROJECT } },
  untagged: { resource: arn("kms", "key/3333"), context: {} },
  otherProject: { resource: arn("kms", "key/4444"), context: { "aws:ResourceTag/environment": "dev", "aws:ResourceTag/project": "payments" } },
  state: { resource: STATE_KEY, context: {} },
};
const LAMBDA = configs[0].rules.flatMap((r) => r.targets).flatMap((t) => (t.type === "lambda" ? [t.functionArn] : []));

const allowed = (set: PolicySet, request: IamRequest) => isAllowed(set, request);
const decision = (set: PolicySet, request: IamRequest) => evaluate(set, request).decision;
/** An identity policy that allows everything: what remains denied is the boundary's doing. */
const ALLOW_ALL: IamStatement = { Sid: "Widened", Effect: "Allow", Action: "*", Resource: "*" };

/** Sample ARNs per IAM resource type, inside and outside the environment's names. */
const IAM_TARGETS: Record<string, string[]> = {
  role: [iamArn("role/genesys-dev-presence-workforce-delivery"), iamArn("role/genesys-staging-x-delivery"), iamArn("role/admin"), ...PIPELINE_ROLES.map((r) => iamArn(`role/${r}`))],
  policy: [BOUNDARY.dev, BOUNDARY.staging, "arn:aws:iam::aws:policy/AdministratorAccess"],
  user: [iamArn("user/someone")],
  group: [iamArn("group/admins")],
  "oidc-provider": [iamArn("oidc-provider/token.actions.githubusercontent.com")],
  "instance-profile": [iamArn("instance-profile/genesys-dev-x")],
};
const BOUNDARY_CONTEXTS: Array<string | undefined> = [undefined, BOUNDARY.dev, BOUNDARY.staging, "arn:aws:iam::aws:policy/AdministratorAccess"];
const isReadOnly = (a: ReferenceAction) => /^(Read|List)$/.test(a.accessLevel);

/**
 * Every IAM action (from the reference) on every sample resource and boundary value that the role may take and
 * that could yield or change a role without the environment's boundary, or touch IAM outside its role names.
 */
function iamEscalations(set: PolicySet): string[] {
  const found: string[] = [];
  for (const action of serviceActions("iam")) {
    if (isReadOnly(action)) continue;
    const targets = action.resourceTypes.length === 0 ? ["*"] : action.resourceTypes.flatMap((t) => IAM_TARGETS[t] ?? []);
    for (const resource of targets) {
      for (const boundary of BOUNDARY_CONTEXTS) {
        const context = { "iam:PermissionsBoundary": boundary, "iam:PassedToService": "events.amazonaws.com" };
        if (!allowed(set, { action: action.action, resource, context })) continue;
        const ownRole = resource.startsWith(iamArn("role/genesys-dev-"));
        const harmless =
          ownRole &&
          (boundary === BOUNDARY.dev || ["iam:TagRole", "iam:UntagRole", "iam:PassRole"].includes(action.action)) &&
          action.action !== "iam:DeleteRolePermissionsBoundary";
        if (!harmless) found.push(`${action.action} on ${resource} with boundary ${boundary ?? "(none)"}`);
      }
    }
  }
  return found;
}

describe("every condition key and resource scope of the bootstrap policies is documented (Service Authorization Reference)", () => {
  const roles = [...PIPELINE_ROLES.map(role)];
  const statements = roles.flatMap((r) => statementsOf(r).map((s) => ({ ...s, role: r.name })));
  // Actions granted on "*" although the reference gives them a resource type, each with the reason.
  const UNSCOPED_ON_PURPOSE: Record<string, string> = {
    "kms:TagResource": "CreateKey's tags need kms:TagResource on all keys (AWS KMS Developer Guide, 'Controlling access to tags'); limited by aws:RequestTag",
    "secretsmanager:GetSecretValue": "a Deny: the plan role never reads a secret value, anywhere",
  };

  it("names only actions that exist (wildcards must match one)", () => {
    const unknown = new Set<string>();
    for (const { statement } of statements) {
      for (const pattern of [statement.Action, statement.NotAction].flat().filter((a): a is string => typeof a === "string")) {
        if (pattern === "*") continue;
        const [service] = pattern.split(":");
        if (!serviceActions(service).some((a) => actionMatches(pattern, a.action))) unknown.add(pattern);
      }
    }
    expect([...unknown]).toEqual([]);
  });

  it("scopes actions to ARNs only where the action has a resource type, and leaves '*' only to actions without one", () => {
    const problems: string[] = [];
    for (const { role: r, policy, statement } of statements) {
      const actions = [statement.Action].flat().filter((a): a is string => typeof a === "string" && !a.includes("*"));
      const star = [statement.Resource].flat().includes("*");
      // A Deny may cover "*": it only narrows.
      const onStar = statement.Effect === "Allow" && star;
      for (const name of actions) {
        const ref = referenceAction(name);
        if (!star && statement.Resource !== undefined && ref.resourceTypes.length === 0) problems.push(`${r}/${policy}/${statement.Sid}: ${name} has no resource type, so a scoped Resource never matches`);
        if (onStar && ref.resourceTypes.length > 0 && !(name in UNSCOPED_ON_PURPOSE)) problems.push(`${r}/${policy}/${statement.Sid}: ${name} could be scoped to a resource`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("uses only condition keys the reference lists for each action (global aws:RequestedRegion aside)", () => {
    const problems: string[] = [];
    for (const { role: r, policy, statement } of statements) {
      const keys = Object.values(statement.Condition ?? {}).flatMap((block) => Object.keys(block));
      const actions = [statement.Action].flat().filter((a): a is string => typeof a === "string" && !a.includes("*"));
      for (const key of keys.filter((k) => k !== "aws:RequestedRegion")) {
        for (const name of actions) if (!supportsConditionKey(referenceAction(name), key)) problems.push(`${r}/${policy}/${statement.Sid}: ${name} has no condition key ${key}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("requires the boundary on every action that changes a role's permissions or trust, and each supports iam:PermissionsBoundary", () => {
    for (const action of BOUNDED_ROLE_ACTIONS) expect(supportsConditionKey(referenceAction(action), "iam:PermissionsBoundary")).toBe(true);
    const roleChanges = serviceActions("iam")
      .filter((a) => a.resourceTypes.includes("role") && !isReadOnly(a) && !a.accessLevel.includes("Tagging"))
      .map((a) => a.action)
      .filter((a) => !["iam:PassRole", "iam:CreateServiceLinkedRole", "iam:DeleteServiceLinkedRole", "iam:DeleteRolePermissionsBoundary"].includes(a));
    expect(roleChanges.filter((a) => !BOUNDED_ROLE_ACTIONS.includes(a))).toEqual([]);
  });
});

describe("account-wide changes: no write action without a resource type, for any role (attacker review)", () => {
  // Actions without a resource type can only be granted on "*", so they reach the whole account or region (another
  // environment's Logs resource policy, account-level Logs policies, …). Each one a role may take is listed here
  // with the condition that bounds it; every other is denied, also with the role's identity policy widened to "*".
  const BOUNDED: Record<string, { roles: string[]; why: string; context: Record<string, string> }> = {
    "kms:CreateKey": { roles: ["apply"], why: "only with the environment's request tags (CreateEnvironmentKeys)", context: { "aws:RequestTag/environment": "dev", "aws:RequestTag/project": PROJECT } },
  };
  const services = [...new Set(PIPELINE_ROLES.flatMap((r) => statementsOf(role(r))).flatMap(({ statement }) => [statement.Action, statement.NotAction].flat()).filter((a): a is string => typeof a === "string" && a !== "*").map((a) => a.split(":")[0]))];
  const writesOnStar = [...new Set([...services, "logs", "iam", "kms", "sts", "organizations", "cloudtrail"])].flatMap((svc) => serviceActions(svc)).filter((a) => a.resourceTypes.length === 0 && !isReadOnly(a));
  const contexts = (action: string) => [{}, { "aws:RequestedRegion": REGION }, ...(BOUNDED[action] ? [{ ...BOUNDED[action].context, "aws:RequestedRegion": REGION }] : [])];

  it("covers the services the roles use (and logs, iam, kms), a few hundred actions", () => {
    expect(services).toEqual(expect.arrayContaining(["events", "logs", "kms", "secretsmanager", "iam", "s3"]));
    expect(writesOnStar.length).toBeGreaterThan(100);
    expect(writesOnStar.map((a) => a.action)).toEqual(expect.arrayContaining(["logs:PutResourcePolicy", "logs:DeleteResourcePolicy", "logs:PutAccountPolicy", "kms:CreateKey"]));
  });

  it.each(["plan", "apply", "rotation"])("the %s role may take none but the bounded ones, as is and widened to everything", (kind) => {
    const set = role(`genesys-eventbridge-dev-${kind}`);
    const found: string[] = [];
    for (const { action } of writesOnStar) {
      contexts(action).forEach((context, i) => {
        // Only the bounded action, with its bounding context (the third), is let through: as is for the roles listed,
        // widened for any role (the boundary is the ceiling every role shares).
        const bounded = BOUNDED[action] !== undefined && i === 2;
        const request = { action, resource: "*", context };
        if (allowed(set, request) && !(bounded && BOUNDED[action].roles.includes(kind))) found.push(`${action} ${JSON.stringify(context)}`);
        if (allowed(withIdentity(set, "widened", ALLOW_ALL), request) && !bounded) found.push(`${action} (widened) ${JSON.stringify(context)}`);
      });
    }
    expect(found).toEqual([]);
  });

  it("the apply role's own policies, without the boundary, grant no Logs resource-policy action either", () => {
    const identityOnly: PolicySet = { identity: apply.identity };
    for (const action of ["logs:PutResourcePolicy", "logs:DeleteResourcePolicy", "logs:PutAccountPolicy"]) {
      expect(decision(identityOnly, { action, resource: "*", context: { "aws:RequestedRegion": REGION } })).not.toBe("Allow");
    }
  });

  it("the check finds an account-wide Logs action added to the apply role and the boundary (mutated policies)", () => {
    const added: IamStatement = { Sid: "Added", Effect: "Allow", Action: "logs:PutAccountPolicy", Resource: "*" };
    const boundary = apply.boundary as { Statement: IamStatement[] };
    const mutated: PolicySet = { identity: { ...apply.identity, added: { Statement: [added] } }, boundary: { Statement: [...boundary.Statement, added] } };
    expect(allowed(mutated, { action: "logs:PutAccountPolicy", resource: "*", context: {} })).toBe(true);
  });
});

describe("apply role: no route to a role without the boundary", () => {
  it("carries the environment's boundary, whose ARN its conditions name", () => {
    expect(apply.boundaryName).toBe("genesys-eventbridge-dev-boundary");
    expect(bootstrap.boundaryArns.dev).toBe(BOUNDARY.dev);
    for (const r of [plan, rotation]) expect(r.boundaryName).toBe("genesys-eventbridge-dev-boundary");
  });

  it("no IAM action it may take yields or changes a role without the boundary, or reaches outside its role names", () => {
    expect(iamEscalations(apply)).toEqual([]);
    // The sample covers the legitimate path: creating and editing its own delivery roles with the boundary.
    const delivery = iamArn("role/genesys-dev-presence-workforce-delivery");
    for (const action of ["iam:CreateRole", "iam:PutRolePolicy", "iam:UpdateAssumeRolePolicy", "iam:DeleteRole"]) {
      expect(decision(apply, { action, resource: delivery, context: { "iam:PermissionsBoundary": BOUNDARY.dev } })).toBe("Allow");
      expect(decision(apply, { action, resource: delivery })).not.toBe("Allow");
    }
  });

  it("the boundary holds when the apply role's identity policy is widened to everything", () => {
    expect(iamEscalations(withIdentity(apply, "widened", ALLOW_ALL))).toEqual([]);
  });

  it("the check finds the escalation once the boundary requirement is gone (mutated policies)", () => {
    const manage = apply.identity.manage;
    const statements = (Array.isArray(manage.Statement) ? manage.Statement : [manage.Statement]) as IamStatement[];
    const unconditioned = statements.map((s) => (s.Sid === "RolesWithBoundary" ? { ...s, Condition: undefined } : s));
    const mutated: PolicySet = { identity: { ...apply.identity, manage: { Statement: unconditioned } } };
    const found = iamEscalations(mutated);
    expect(found).toContain(`iam:PutRolePolicy on ${iamArn("role/genesys-dev-presence-workforce-delivery")} with boundary (none)`);
    expect(found).toContain(`iam:CreateRole on ${iamArn("role/genesys-dev-presence-workforce-delivery")} with boundary arn:aws:iam::aws:policy/AdministratorAccess`);
    // With the boundary still attached, its Deny alone keeps the result empty.
    expect(iamEscalations({ ...mutated, boundary: apply.boundary })).toEqual([]);
  });

  it("cannot change its own or another pipeline role's policies, trust or boundary, nor any boundary policy, even if widened", () => {
    const widened = withIdentity(apply, "widened", ALLOW_ALL);
    for (const name of PIPELINE_ROLES) {
      for (const action of ["iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:AttachRolePolicy", "iam:UpdateAssumeRolePolicy", "iam:PutRolePermissionsBoundary", "iam:DeleteRolePermissionsBoundary", "iam:DeleteRole"]) {
        const request = { action, resource: iamArn(`role/${name}`), context: { "iam:PermissionsBoundary": BOUNDARY.dev } };
        expect([name, action, decision(apply, request)]).toEqual([name, action, "ExplicitDeny"]);
        expect([name, action, decision(widened, request)]).toEqual([name, action, "ExplicitDeny"]);
      }
    }
    for (const action of ["iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion"]) {
      for (const policy of [BOUNDARY.dev, BOUNDARY.staging]) expect(decision(widened, { action, resource: policy })).toBe("ExplicitDeny");
    }
  });

  it("cannot assume any role (an explicit Deny in the boundary), so a role it creates is of no use to it", () => {
    for (const r of [iamArn("role/genesys-dev-presence-workforce-delivery"), iamArn("role/admin")]) {
      expect(decision(withIdentity(apply, "widened", ALLOW_ALL), { action: "sts:AssumeRole", resource: r })).toBe("ExplicitDeny");
    }
  });
});

describe("the boundary denies IAM and KMS administration outside the environment's names", () => {
  const bounded = withIdentity({ identity: {}, boundary: apply.boundary }, "widened", ALLOW_ALL);
  // Administration: every KMS action on a key but using it, and but what a just-created key needs before its tags
  // count (reading metadata, enabling rotation, the key side of the environment's own alias: see KmsSetUpNewKey).
  const kmsAdmin = serviceActions("kms").filter((a) => a.resourceTypes.includes("key") && ![...KMS_USE_ACTIONS, ...KMS_NEW_KEY_ACTIONS].some((u) => actionMatches(u, a.action)));

  it("IAM outside the role prefix: users, groups, policies, providers and other roles", () => {
    const outside = [iamArn("user/someone"), iamArn("group/admins"), iamArn("policy/anything"), iamArn("oidc-provider/x"), iamArn("role/admin"), iamArn("role/genesys-staging-x-delivery")];
    for (const action of serviceActions("iam").filter((a) => !isReadOnly(a))) {
      for (const resource of outside) expect([action.action, resource, decision(bounded, { action: action.action, resource, context: { "iam:PermissionsBoundary": BOUNDARY.dev } })]).toEqual([action.action, resource, "ExplicitDeny"]);
    }
  });

  it("KMS administration of another environment's key, an untagged key and the state key; allowed on its own", () => {
    expect(kmsAdmin.length).toBeGreaterThan(20);
    for (const { action } of kmsAdmin.filter((a) => a.action !== "kms:TagResource")) {
      for (const key of [KEYS.staging, KEYS.untagged, KEYS.state]) expect([action, key.resource, decision(bounded, { action, ...key })]).toEqual([action, key.resource, "ExplicitDeny"]);
      expect([action, decision(bounded, { action, ...KEYS.dev })]).toEqual([action, "Allow"]);
    }
    for (const key of [KEYS.staging, KEYS.state]) expect(decision(bounded, { action: "kms:TagResource", ...key })).toBe("ExplicitDeny");
    expect(decision(bounded, { action: "kms:Decrypt", ...KEYS.staging })).not.toBe("Allow");
  });

  it("a just-created key, whose tags may not count yet, gets only setup calls, and only the environment's alias", () => {
    for (const action of KMS_NEW_KEY_ACTIONS) expect([action, decision(bounded, { action, ...KEYS.untagged })]).toEqual([action, "Allow"]);
    expect(decision(bounded, { action: "kms:CreateAlias", resource: arn("kms", "alias/genesys-eventbridge-dev") })).toBe("Allow");
    for (const action of ["kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:DisableKeyRotation", "kms:Decrypt"]) expect(allowed(apply, { action, ...KEYS.untagged })).toBe(false);
  });

  it("another project's key, even one tagged environment=dev: no retagging it in, no administration (attacker review)", () => {
    const retag = { "aws:RequestTag/environment": "dev", "aws:RequestTag/project": PROJECT, "aws:TagKeys": ["environment", "project"] };
    expect(decision(bounded, { action: "kms:TagResource", resource: KEYS.otherProject.resource, context: { ...KEYS.otherProject.context, ...retag } })).toBe("ExplicitDeny");
    // No Allow of the boundary reaches a key whose project tag is another's.
    for (const action of ["kms:ScheduleKeyDeletion", "kms:PutKeyPolicy", "kms:DisableKey"]) expect([action, allowed(bounded, { action, ...KEYS.otherProject })]).toEqual([action, false]);
  });

  it("the setup calls of a just-created key do not reach a key tagged for another environment (attacker review)", () => {
    for (const action of ["kms:EnableKeyRotation", "kms:UpdateAlias", "kms:CreateAlias", "kms:TagResource"]) {
      for (const key of [KEYS.staging, KEYS.otherProject]) expect([action, key.resource, decision(bounded, { action, ...key })]).toEqual([action, key.resource, "ExplicitDeny"]);
      // An untagged (just-created) key still gets its setup calls; tagging it needs the environment's request tags.
      expect([action, allowed(bounded, { action, ...KEYS.untagged })]).toEqual([action, action !== "kms:TagResource"]);
    }
  });

  it("KMS keys only with the environment's tags, aliases only its own", () => {
    expect(decision(bounded, { action: "kms:CreateKey", resource: "*", context: { "aws:RequestTag/environment": "dev", "aws:RequestTag/project": PROJECT } })).toBe("Allow");
    expect(decision(bounded, { action: "kms:CreateKey", resource: "*", context: { "aws:RequestTag/environment": "staging", "aws:RequestTag/project": PROJECT } })).toBe("ExplicitDeny");
    expect(decision(bounded, { action: "kms:CreateKey", resource: "*" })).toBe("ExplicitDeny");
    expect(decision(bounded, { action: "kms:CreateAlias", resource: arn("kms", "alias/genesys-eventbridge-staging") })).toBe("ExplicitDeny");
    expect(decision(bounded, { action: "kms:CreateAlias", resource: arn("kms", "alias/genesys-eventbridge-dev") })).toBe("Allow");
  });
});

describe("apply role: KMS, Logs and Lambda scoped to the environment", () => {
  it("has no kms:* and reaches only the environment's tagged key (and the state key for state encryption)", () => {
    expect(statementsOf({ identity: apply.identity }).some(({ statement }) => [statement.Action].flat().includes("kms:*"))).toBe(false);
    for (const action of ["kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:Decrypt", "kms:DisableKeyRotation", "kms:DeleteAlias"]) {
      expect([action, decision(apply, { action, ...KEYS.dev })]).toEqual([action, "Allow"]);
      for (const key of [KEYS.staging, KEYS.untagged]) expect([action, key.resource, allowed(apply, { action, ...key })]).toEqual([action, key.resource, false]);
    }
    expect(decision(apply, { action: "kms:Decrypt", ...KEYS.state })).toBe("Allow");
    expect(decision(apply, { action: "kms:ScheduleKeyDeletion", ...KEYS.state })).toBe("ExplicitDeny");
    // Its own key keeps its tags: no untagging of environment/project, no re-tagging to another environment.
    expect(decision(apply, { action: "kms:UntagResource", ...KEYS.dev, context: { ...KEYS.dev.context, "aws:TagKeys": ["environment"] } })).not.toBe("Allow");
    expect(decision(apply, { action: "kms:UntagResource", ...KEYS.dev, context: { ...KEYS.dev.context, "aws:TagKeys": ["owner"] } })).toBe("Allow");
    expect(decision(apply, { action: "kms:TagResource", ...KEYS.dev, context: { ...KEYS.dev.context, "aws:RequestTag/environment": "staging", "aws:RequestTag/project": PROJECT } })).not.toBe("Allow");
  });

  it("a KMS grant widened to every key is caught, and the boundary still denies administering other keys (mutated policy)", () => {
    const manage = apply.identity.manage;
    const statements = (Array.isArray(manage.Statement) ? manage.Statement : [manage.Statement]) as IamStatement[];
    const widened: PolicySet = { identity: { ...apply.identity, manage: { Statement: statements.map((s) => (s.Sid === "KmsManageEnvironmentKey" ? { ...s, Condition: undefined } : s)) } } };
    const request = { action: "kms:ScheduleKeyDeletion", ...KEYS.staging };
    expect(allowed(widened, request)).toBe(true);
    expect(decision({ ...widened, boundary: apply.boundary }, request)).toBe("ExplicitDeny");
  });

  it("no Logs resource policy, anywhere, even with its identity policy widened: the actions have no resource type, so the bootstrap stack owns the policy", () => {
    for (const action of ["logs:PutResourcePolicy", "logs:DeleteResourcePolicy"]) {
      expect(referenceAction(action).resourceTypes).toEqual([]); // why it cannot be scoped (Service Authorization Reference)
      for (const region of [REGION, "eu-west-1"]) {
        const request = { action, resource: "*", context: { "aws:RequestedRegion": region } };
        for (const r of [apply, plan, rotation]) expect(decision(r, request)).not.toBe("Allow");
        expect(decision(withIdentity(apply, "widened", ALLOW_ALL), request)).not.toBe("Allow");
      }
    }
  });

  it("Lambda permissions only on the environment's target functions, and only granted to EventBridge", () => {
    expect(LAMBDA.length).toBeGreaterThan(0);
    const other = arn("lambda", "function:payments");
    for (const fn of LAMBDA) {
      expect(decision(apply, { action: "lambda:RemovePermission", resource: fn })).toBe("Allow");
      expect(decision(apply, { action: "lambda:AddPermission", resource: fn, context: { "lambda:Principal": "events.amazonaws.com" } })).toBe("Allow");
      expect(decision(apply, { action: "lambda:AddPermission", resource: fn, context: { "lambda:Principal": "*" } })).not.toBe("Allow");
      expect(decision(apply, { action: "lambda:GetFunction", resource: fn })).not.toBe("Allow");
    }
    expect(decision(apply, { action: "lambda:RemovePermission", resource: other })).not.toBe("Allow");
    expect(decision(apply, { action: "lambda:AddPermission", resource: other, context: { "lambda:Principal": "events.amazonaws.com" } })).not.toBe("Allow");
  });
});

describe("apply role against the synthesized environment stacks (roles carry the boundary)", () => {
  const envs = configs.map((config) => {
    const stack = new EnvironmentStack(Testing.app(), config);
    requireEnvironmentBoundary(stack, PROJECT, config);
    return { config, synth: JSON.parse(Testing.synth(stack)) as SynthesizedIam & { provider: { aws: Array<{ default_tags: Array<{ tags: Record<string, string> }> }> } } };
  });

  it("every role of the environment stack carries its environment's boundary", () => {
    for (const { config, synth: s } of envs) {
      const roles = Object.values(s.resource.aws_iam_role ?? {});
      expect(roles.length).toBeGreaterThan(0);
      for (const r of roles) expect(r.permissions_boundary).toBe(iamArn(`policy/genesys-eventbridge-${config.name}-boundary`));
    }
  });

  it("dev's plan role may read each resource of dev's stack (what refresh reads) and none of staging's", () => {
    const reads = ({ synth: s }: (typeof envs)[number]): IamRequest[] => {
      const each = (type: string) => Object.values(s.resource[type] ?? {});
      // Names may reference another resource's name (`${aws_x.id.name}`); other references are left out.
      const resolve = (v: unknown): string => String(v).replace(/\$\{([a-z0-9_]+)\.([^.}]+)\.name\}/g, (m, type: string, id: string) => String(s.resource[type]?.[id]?.name ?? m));
      const literal = (v: unknown) => (typeof v === "string" && !resolve(v).includes("${") ? [resolve(v)] : []);
      return [
        ...each("aws_sqs_queue").flatMap((r) => literal(r.name)).map((n) => ({ action: "sqs:GetQueueAttributes", resource: arn("sqs", n) })),
        ...each("aws_sns_topic").flatMap((r) => literal(r.name)).map((n) => ({ action: "sns:GetTopicAttributes", resource: arn("sns", n) })),
        ...each("aws_kinesis_stream").flatMap((r) => literal(r.name)).map((n) => ({ action: "kinesis:DescribeStreamSummary", resource: arn("kinesis", `stream/${n}`) })),
        ...each("aws_cloudwatch_log_group").flatMap((r) => literal(r.name)).map((n) => ({ action: "logs:ListTagsForResource", resource: arn("logs", `log-group:${n}`) })),
        ...each("aws_cloudwatch_metric_alarm").flatMap((r) => literal(r.alarm_name)).map((n) => ({ action: "cloudwatch:DescribeAlarms", resource: arn("cloudwatch", `alarm:${n}`) })),
        ...each("aws_cloudwatch_event_archive").flatMap((r) => literal(r.name)).map((n) => ({ action: "events:DescribeArchive", resource: arn("events", `archive/${n}`) })),
        ...each("aws_iam_role").flatMap((r) => literal(r.name)).map((n) => ({ action: "iam:GetRole", resource: iamArn(`role/${n}`) })),
        ...each("aws_secretsmanager_secret").flatMap((r) => literal(r.name)).map((n) => ({ action: "secretsmanager:DescribeSecret", resource: arn("secretsmanager", `secret:${n}-AbC123`) })),
      ];
    };
    const [dev, staging] = envs.map(reads);
    expect([...new Set(dev.map((r) => r.action.split(":")[0]))].sort()).toEqual(["cloudwatch", "events", "iam", "kinesis", "logs", "secretsmanager", "sns", "sqs"]);
    expect(dev.filter((r) => !allowed(plan, r))).toEqual([]);
    expect(staging.filter((r) => allowed(plan, r))).toEqual([]);
  });

  it("dev's apply role may create, change and pass dev's roles and create dev's key, and none of staging's", () => {
    const result = envs.map(({ config, synth: s }) => {
      const roles = Object.values(s.resource.aws_iam_role ?? {}).map((r) => ({ resource: iamArn(`role/${String(r.name)}`), context: { "iam:PermissionsBoundary": String(r.permissions_boundary), "iam:PassedToService": "events.amazonaws.com" } }));
      const tags = s.provider.aws[0].default_tags[0].tags;
      const requests: IamRequest[] = [
        ...roles.flatMap((r) => ["iam:CreateRole", "iam:PutRolePolicy", "iam:PassRole", "iam:DeleteRole"].map((action) => ({ action, ...r }))),
        { action: "kms:CreateKey", resource: "*", context: { "aws:RequestTag/environment": tags.environment, "aws:RequestTag/project": tags.project } },
      ];
      return { env: config.name, allowed: requests.filter((r) => allowed(apply, r)).length, of: requests.length };
    });
    const [dev, staging] = result;
    expect(dev.allowed).toBe(dev.of);
    expect(staging.allowed).toBe(0);
  });
});

describe("EventBridge's access to log groups: each environment's Logs resource policy, created by the bootstrap stack", () => {
  const envs = configs.map((config) => {
    const s = JSON.parse(Testing.synth(new EnvironmentStack(Testing.app(), config))) as SynthesizedIam;
    const names = (type: string, field = "name") => Object.values(s.resource[type] ?? {}).map((r) => String(r[field]));
    const bus = `aws.partner/genesys.com/cloud/${config.genesys.organizationId ?? "0b1e6c9e-5d0a-4c44-9a57-7f3e2d1c0b9a"}/${config.integration.eventSourceSuffix}`;
    return {
      name: config.name as string,
      rules: names("aws_cloudwatch_event_rule").map((rule) => arn("events", `rule/${bus}/${rule}`)),
      streams: names("aws_cloudwatch_log_group").map((group) => arn("logs", `log-group:${group}:log-stream:7f3e2d1c`)),
      policies: Object.keys(s.resource.aws_cloudwatch_log_resource_policy ?? {}),
    };
  });
  const policies = Object.values(synth.resource.aws_cloudwatch_log_resource_policy ?? {});
  const policyOf = (env: string): IamPolicy => {
    const found = policies.find((p) => p.policy_name === `genesys-${env}-eventbridge-logs`);
    if (!found) throw new Error(`no Logs resource policy genesys-${env}-eventbridge-logs in the bootstrap stack`);
    return JSON.parse(String(found.policy_document)) as IamPolicy;
  };
  const WRITERS = ["events.amazonaws.com", "delivery.logs.amazonaws.com"];
  /** Every (rule, log stream) pair of the environments where `policy` lets each log-writing service put events. */
  const writes = (policy: IamPolicy, from: typeof envs, into: typeof envs) =>
    from.flatMap((a) => a.rules).flatMap((rule) =>
      into.flatMap((b) => b.streams).flatMap((resource) =>
        WRITERS.filter((service) => evaluateForService(policy, service, { action: "logs:PutLogEvents", resource, context: { "aws:SourceArn": rule } }).decision === "Allow").map(
          (service) => `${service} logs:PutLogEvents for ${rule} into ${resource}`,
        ),
      ),
    );
  /** The log streams `policy` lets a writing service create, whichever rule it acts for (no rule condition). */
  const creates = (policy: IamPolicy, into: typeof envs) =>
    into.flatMap((b) => b.streams).filter((resource) => WRITERS.every((service) => evaluateForService(policy, service, { action: "logs:CreateLogStream", resource }).decision === "Allow"));
  const [dev, staging] = envs;

  it("is one policy per environment, named as the environment stack's former one, which the environment stack no longer has", () => {
    expect(policies.map((p) => p.policy_name).sort()).toEqual(["genesys-dev-eventbridge-logs", "genesys-staging-eventbridge-logs"]);
    for (const env of envs) expect(env.policies).toEqual([]);
  });

  it("lets every rule of the environment write into every log group of it", () => {
    expect(dev.rules.length).toBeGreaterThan(1);
    expect(dev.streams.length).toBeGreaterThan(0);
    for (const env of envs) expect(writes(policyOf(env.name), [env], [env])).toHaveLength(env.rules.length * env.streams.length * 2);
    for (const env of envs) expect(creates(policyOf(env.name), [env])).toEqual(env.streams);
  });

  it("lets the services create log streams in the environment's log groups only, and nothing else at all", () => {
    expect(creates(policyOf("dev"), [staging])).toEqual([]);
    expect(creates(policyOf("staging"), [dev])).toEqual([]);
    const other = arn("logs", "log-group:/aws/events/other:log-stream:1");
    for (const action of ["logs:DeleteLogGroup", "logs:DeleteLogStream", "logs:PutRetentionPolicy", "logs:GetLogEvents", "logs:CreateLogStream"]) {
      for (const resource of action === "logs:CreateLogStream" ? [other] : [...dev.streams, other]) {
        for (const service of [...WRITERS, "sns.amazonaws.com"]) {
          expect(evaluateForService(policyOf("dev"), service, { action, resource, context: { "aws:SourceArn": dev.rules[0] } }).decision).toBe("ImplicitDeny");
        }
      }
    }
  });

  it("lets no rule of another environment write, and none into another environment's log groups", () => {
    expect(writes(policyOf("dev"), [staging], [dev, staging])).toEqual([]);
    expect(writes(policyOf("dev"), [dev], [staging])).toEqual([]);
    expect(writes(policyOf("staging"), [dev], [dev, staging])).toEqual([]);
    const devBus = dev.rules[0].split(":rule/")[1].replace(/\/[^/]+$/, "");
    const other = {
      name: "x",
      rules: [
        arn("events", "rule/default/genesys-dev-presence"), // dev's rule name on another bus
        arn("events", `rule/${devBus}/payments-audit`), // other names on dev's bus
        arn("events", `rule/${devBus}/genesys-staging-audit`),
        `arn:aws:events:${REGION}:222222222222:rule/${dev.rules[0].split(":rule/")[1]}`, // dev's rule in another account
        `arn:aws:events:eu-west-1:${ACCOUNT}:rule/${dev.rules[0].split(":rule/")[1]}`, // and another region
      ],
      streams: [arn("logs", "log-group:/aws/events/other:log-stream:1")], policies: [] };
    expect(writes(policyOf("dev"), [other], [dev])).toEqual([]);
    expect(writes(policyOf("dev"), [dev], [other])).toEqual([]);
  });

  it("the check catches a policy widened to every Genesys log group (mutated policy)", () => {
    const widened = policyOf("dev");
    const [statement] = widened.Statement as IamStatement[];
    const mutated: IamPolicy = { Statement: [{ ...statement, Resource: arn("logs", "log-group:/aws/events/genesys/*:*") }] };
    expect(writes(mutated, [dev], [staging]).length).toBeGreaterThan(0);
  });
});

describe("plan role: trusted from <env>-plan, reads what plan needs, writes nothing (plans run with -lock=false)", () => {
  it("is trusted only from the GitHub environment dev-plan", () => {
    const subjects = JSON.stringify(plan.trust);
    expect(subjects).toContain('"repo:example-org/genesys-eventbridge-infra:environment:dev-plan"');
    expect(subjects).not.toMatch(/:\*"|StringLike/);
  });

  it("every action it is allowed is a Read or List action", () => {
    const writes = statementsOf({ identity: plan.identity })
      .filter(({ statement }) => statement.Effect === "Allow")
      .flatMap(({ statement }) => [statement.Action].flat().map((a) => ({ sid: statement.Sid, action: String(a) })))
      .filter(({ action }) => !isReadOnly(referenceAction(action)));
    // SSE-KMS state bucket: reading the state goes through the state key.
    expect(writes).toEqual([{ sid: "StateKms", action: "kms:Decrypt" }]);
  });

  it("can neither write nor delete any lock file (an apply's included), nor state", () => {
    const bucket = `arn:aws:s3:::${BUCKET}`;
    expect(decision(plan, { action: "s3:DeleteObject", resource: `${bucket}/genesys-eventbridge/dev.tfstate.tflock` })).not.toBe("Allow");
    expect(decision(plan, { action: "s3:PutObject", resource: `${bucket}/genesys-eventbridge/dev.tfstate.tflock` })).not.toBe("Allow");
    expect(decision(plan, { action: "s3:DeleteObject", resource: `${bucket}/genesys-eventbridge/staging.tfstate.tflock` })).not.toBe("Allow");
    expect(decision(plan, { action: "s3:PutObject", resource: `${bucket}/genesys-eventbridge/dev.tfstate` })).not.toBe("Allow");
    expect(decision(plan, { action: "s3:GetObject", resource: `${bucket}/genesys-eventbridge/staging.tfstate` })).not.toBe("Allow");
  });

  it("reads no Lambda code or environment and no secret value", () => {
    for (const fn of LAMBDA) {
      expect(decision(plan, { action: "lambda:GetPolicy", resource: fn })).toBe("Allow");
      for (const action of ["lambda:GetFunction", "lambda:GetFunctionConfiguration"]) expect(decision(plan, { action, resource: fn })).not.toBe("Allow");
    }
    expect(decision(plan, { action: "secretsmanager:GetSecretValue", resource: arn("secretsmanager", "secret:genesys/dev/rotation-AbC123") })).toBe("ExplicitDeny");
    expect(decision(plan, { action: "secretsmanager:DescribeSecret", resource: arn("secretsmanager", "secret:genesys/dev/rotation-AbC123") })).toBe("Allow");
    expect(decision(plan, { action: "sqs:GetQueueAttributes", resource: arn("sqs", "genesys-staging-crm-sync") })).not.toBe("Allow");
  });
});

describe("rotation role: the environment's secrets and nothing else", () => {
  const devSecret = arn("secretsmanager", "secret:genesys/dev/rotation-AbC123");
  const ROTATION_ACTIONS = ["GetSecretValue", "DescribeSecret", "PutSecretValue", "UpdateSecretVersionStage", "ListSecretVersionIds"].map((a) => `secretsmanager:${a}`);

  it("is trusted from the GitHub environment dev", () => {
    expect(JSON.stringify(rotation.trust)).toContain('"repo:example-org/genesys-eventbridge-infra:environment:dev"');
  });

  it("may use exactly the five rotation actions on genesys/dev/* secrets", () => {
    const granted = serviceActions("secretsmanager").filter((a) => allowed(rotation, { action: a.action, resource: devSecret }));
    expect(granted.map((a) => a.action).sort()).toEqual([...ROTATION_ACTIONS].sort());
    for (const action of ROTATION_ACTIONS) expect(allowed(rotation, { action, resource: arn("secretsmanager", "secret:genesys/staging/rotation-AbC123") })).toBe(false);
  });

  it("uses the environment's key only through Secrets Manager", () => {
    const via = { ...KEYS.dev.context, "kms:ViaService": `secretsmanager.${REGION}.amazonaws.com` };
    expect(decision(rotation, { action: "kms:Decrypt", resource: KEYS.dev.resource, context: via })).toBe("Allow");
    expect(decision(rotation, { action: "kms:Decrypt", ...KEYS.dev })).not.toBe("Allow");
    expect(decision(rotation, { action: "kms:Decrypt", resource: KEYS.staging.resource, context: { ...KEYS.staging.context, "kms:ViaService": via["kms:ViaService"] } })).not.toBe("Allow");
  });

  it("has no access to any Terraform state (rotate-secrets.yml reads outputs with the plan role)", () => {
    const bucket = `arn:aws:s3:::${BUCKET}`;
    for (const [action, key] of [["s3:GetObject", "dev.tfstate"], ["s3:PutObject", "dev.tfstate"], ["s3:PutObject", "dev.tfstate.tflock"], ["s3:DeleteObject", "dev.tfstate.tflock"], ["s3:GetObject", "staging.tfstate"]]) {
      expect([action, key, allowed(rotation, { action, resource: `${bucket}/genesys-eventbridge/${key}` })]).toEqual([action, key, false]);
    }
    expect(decision(rotation, { action: "kms:Decrypt", ...KEYS.state })).not.toBe("Allow");
  });

  it("may do nothing else: no other service on the environment's resources", () => {
    for (const [action, resource] of [
      ["sqs:SendMessage", arn("sqs", "genesys-dev-crm-sync")],
      ["events:PutRule", arn("events", "rule/aws.partner/genesys.com/cloud/org/dev/genesys-dev-x")],
      ["iam:PassRole", iamArn("role/genesys-dev-x")],
      ["secretsmanager:DeleteSecret", devSecret],
    ]) {
      expect([action, allowed(withIdentity(rotation, "n", { Sid: "N", Effect: "Deny", NotAction: "*", Resource: "*" }), { action, resource })]).toEqual([action, false]);
      expect([action, allowed(rotation, { action, resource })]).toEqual([action, false]);
    }
  });
});

describe("GovCloud: every ARN of the bootstrap stack in partition aws-us-gov", () => {
  const gov = new BootstrapStack(Testing.app(), "bootstrap-gov", {
    accountId: ACCOUNT,
    region: "us-gov-west-1",
    stateBucket: "gov-tfstate",
    repository: "acme/genesys-eventbridge-infra",
    createOidcProvider: false,
    stateKmsKeyArn: `arn:aws-us-gov:kms:us-gov-west-1:${ACCOUNT}:key/0000`,
    environments: [{ name: "dev", lambdaFunctionArns: [`arn:aws-us-gov:lambda:us-gov-west-1:${ACCOUNT}:function:f`] }],
  });
  const json = Testing.synth(gov);
  const govSynth = JSON.parse(json) as SynthesizedIam;

  it("builds no commercial-partition ARN", () => {
    const arns = json.match(/arn:[a-z-]+:/g) ?? [];
    expect(arns.length).toBeGreaterThan(20);
    expect([...new Set(arns)]).toEqual(["arn:aws-us-gov:"]);
  });

  it("requires the GovCloud boundary ARN on roles the apply role creates", () => {
    const govApply = synthesizedRole(govSynth, "genesys-eventbridge-dev-apply");
    const boundary = `arn:aws-us-gov:iam::${ACCOUNT}:policy/genesys-eventbridge-dev-boundary`;
    const resource = `arn:aws-us-gov:iam::${ACCOUNT}:role/genesys-dev-x-delivery`;
    expect(decision(govApply, { action: "iam:CreateRole", resource, context: { "iam:PermissionsBoundary": boundary } })).toBe("Allow");
    expect(decision(govApply, { action: "iam:CreateRole", resource, context: { "iam:PermissionsBoundary": BOUNDARY.dev } })).not.toBe("Allow");
    expect(JSON.stringify(govApply.trust)).toContain(`arn:aws-us-gov:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`);
  });
});

describe("fails synth instead of deploying what IAM would refuse", () => {
  it("a role of an environment stack that names another boundary", () => {
    const stack = new EnvironmentStack(Testing.app(), configs[0]);
    requireEnvironmentBoundary(stack, PROJECT, configs[0]);
    const role = stack.node.findAll().find((c): c is IamRole => c instanceof IamRole) as IamRole;
    role.permissionsBoundary = BOUNDARY.staging;
    expect(() => Testing.synth(stack)).toThrow(/has permissions boundary .*staging-boundary; the environment's apply role may only create roles with .*dev-boundary/);
  });

  it("a boundary over IAM's 6,144 characters (too many targets outside the environment's names)", () => {
    const lambdaFunctionArns = Array.from({ length: 80 }, (_, i) => arn("lambda", `function:target-${i}`));
    expect(() => new BootstrapStack(Testing.app(), "b", { accountId: ACCOUNT, region: REGION, stateBucket: BUCKET, repository: "a/b", environments: [{ name: "dev", lambdaFunctionArns }] })).toThrow(
      /genesys-eventbridge-dev-boundary: \d+ characters, over IAM's 6144 for a managed policy/,
    );
  });
});

// deploy.yml runs preflight in each apply job, with the apply role, before terraform apply.
describe("apply role: what `npm run preflight` reads before an apply (issue #13)", () => {
  const source = "aws.partner/genesys.com/cloud/0f3e1c9a-0000-4000-8000-000000000000/genesys-eventbridge-dev";
  const bucket = `arn:aws:s3:::${BUCKET}`;
  it.each([
    ["s3:ListBucket", bucket],
    ["s3:GetObject", `${bucket}/genesys-eventbridge/dev.tfstate`],
    ["events:ListEventSources", "*"],
    ["events:DescribeEventBus", arn("events", `event-bus/${source}`)],
    ["events:ListTagsForResource", arn("events", `event-bus/${source}`)],
    ["logs:DescribeResourcePolicies", "*"], // aws.logs-policy: the bootstrap's Logs resource policy is in place
  ])("%s on %s", (action, resource) => {
    expect(decision(apply, { action, resource, context: { "aws:RequestedRegion": REGION } })).toBe("Allow");
  });
});

describe("the boundary keeps events in the account and region (attacker review)", () => {
  const rule = arn("events", "rule/aws.partner/genesys.com/cloud/0f3e1c9a-0000-4000-8000-000000000000/genesys-eventbridge-dev/genesys-dev-presence");
  const put = (targets: string[]) => decision(withIdentity(apply, "widened", ALLOW_ALL), { action: "events:PutTargets", resource: rule, context: { "events:TargetArn": targets, "aws:RequestedRegion": REGION } });

  it("denies a target in another account or region, even with one local target beside it", () => {
    expect(put([`arn:aws:events:${REGION}:999999999999:event-bus/exfiltrate`])).toBe("ExplicitDeny");
    expect(put([arn("sqs", "genesys-dev-presence-workforce"), `arn:aws:sqs:eu-west-1:${ACCOUNT}:elsewhere`])).toBe("ExplicitDeny");
  });

  it("allows the environment's own targets, and events:TargetArn is PutTargets' documented key", () => {
    expect(put([arn("sqs", "genesys-dev-presence-workforce")])).not.toBe("ExplicitDeny");
    expect(supportsConditionKey(referenceAction("events:PutTargets"), "events:TargetArn")).toBe(true);
  });
});
