/**
 * The preflight checks of one environment (`npm run preflight`), read-only: Genesys login, the Terraform
 * client's permissions and roles, the AWS account, the state bucket and key, the environment's CloudWatch Logs
 * resource policy (the bootstrap stack's), the partner event source.
 * A check passes only on the answer the API documents for "fine"; anything else fails and says what came back.
 */
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { HeadBucketCommand, HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { DescribeEventBusCommand, EventBridgeClient, EventSource, ListEventSourcesCommand, ListTagsForResourceCommand } from "@aws-sdk/client-eventbridge";
import type { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import type { DomainOrganizationRole, GenesysClient } from "../genesys/client";
import { checkLogsPolicy, ExpectedLogsPolicy } from "./logs-policy";
import { Redactor, safeErrorMessage } from "../redact";

export type PreflightStatus = "pass" | "fail" | "pending" | "skip";

export interface PreflightResult {
  readonly id: string;
  readonly status: PreflightStatus;
  readonly detail: string;
}

export interface PreflightAwsClients {
  readonly sts: STSClient;
  readonly s3: S3Client;
  readonly eventBridge: EventBridgeClient;
  readonly logs: CloudWatchLogsClient;
}

/** What the checks need to know about the environment and its stack. */
export interface PreflightTarget {
  readonly environment: string;
  readonly awsAccountId: string;
  readonly awsRegion: string;
  readonly organizationId?: string;
  readonly eventSourceSuffix: string;
  readonly stateBucket: string;
  readonly stateKey: string;
  readonly stateRegion: string;
  /** Genesys permission → the declared types that need it (environments/genesys-terraform-permissions.ts). */
  readonly requiredPermissions: ReadonlyMap<string, readonly string[]>;
  /** Names of the roles the stack creates and its OAuth clients hold (the Terraform client must hold them too). */
  readonly serviceRoleNames: readonly string[];
  /** Tag values every AWS resource of the stack carries (provider default tags). */
  readonly tags: Readonly<Record<string, string>>;
  /** The Logs resource policy the environment's bootstrap stack creates. */
  readonly logsPolicy: ExpectedLogsPolicy;
}

export interface PreflightOptions {
  readonly target: PreflightTarget;
  /** Logged in lazily by the first Genesys check; credentials are the Terraform client's. */
  readonly genesys: GenesysClient;
  readonly terraformClientId: string;
  readonly aws: PreflightAwsClients;
  /** Before the first apply, service roles that do not exist yet are PENDING instead of failing. */
  readonly firstDeploy: boolean;
  readonly redactor: Redactor;
}

/** `domain:entity:action` held by a set of roles (`*` matches any entity or action). */
export function holds(roles: readonly DomainOrganizationRole[], permission: string): boolean {
  const [domain, entity, action] = permission.split(":");
  return roles.some((role) =>
    (role.permissionPolicies ?? []).some(
      (p) =>
        (p.domain === domain || p.domain === "*") &&
        (p.entityName === entity || p.entityName === "*") &&
        (p.actionSet ?? []).some((a) => a === action || a === "*"),
    ),
  );
}

function httpStatus(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}

function errorName(err: unknown): string {
  return (err as { name?: string }).name ?? "Error";
}

/** Runs every check in order; a check that needs an earlier one that failed is skipped, saying which. */
export async function runPreflight(options: PreflightOptions): Promise<PreflightResult[]> {
  const { target, genesys, aws, redactor } = options;
  const results: PreflightResult[] = [];
  // Details hold names, ids and ARNs (never masked); error texts go through safeErrorMessage, which masks secrets.
  const record = (id: string, status: PreflightStatus, detail: string) => results.push({ id, status, detail });
  const failed = (err: unknown) => safeErrorMessage(err, redactor);

  // --- Genesys: login, then the Terraform client's roles and their permissions.
  let organizationId = target.organizationId;
  let roles: DomainOrganizationRole[] | undefined;
  try {
    await genesys.login();
    const org = await genesys.getOrganizationsMe();
    organizationId ??= org.id;
    record("genesys.login", "pass", `client ${options.terraformClientId} logged in to org ${org.name ?? "?"} (${org.id})`);
  } catch (err) {
    record("genesys.login", "fail", `GENESYSCLOUD_OAUTHCLIENT_ID/_SECRET do not log in: ${failed(err)}`);
  }
  if (results[0].status === "pass") {
    try {
      const self = await genesys.getOAuthClient(options.terraformClientId);
      const roleIds = [...new Set((self.roleDivisions ?? []).map((rd) => rd.roleId).filter((id): id is string => !!id))];
      roles = await Promise.all(roleIds.map((id) => genesys.getAuthorizationRole(id)));
    } catch (err) {
      record("genesys.permissions", "fail", `cannot read the Terraform client's roles (it needs oauth:client:view and authorization:role:view): ${failed(err)}`);
    }
  } else {
    record("genesys.permissions", "skip", "needs genesys.login");
  }
  if (roles) {
    const missing = [...target.requiredPermissions].filter(([permission]) => !holds(roles, permission));
    if (missing.length === 0) {
      record("genesys.permissions", "pass", `holds all ${target.requiredPermissions.size} permissions the stack's Genesys resources need (roles: ${roles.map((r) => r.name).join(", ") || "none"})`);
    } else {
      record(
        "genesys.permissions",
        "fail",
        `missing ${missing.map(([p, types]) => `${p} (${types.join(", ")})`).join("; ")}: add them to a role of client ${options.terraformClientId} ` +
          "(list: environments/genesys-terraform-permissions.ts)",
      );
    }
    const held = new Set(roles.map((r) => r.name));
    for (const name of target.serviceRoleNames) {
      if (held.has(name)) record(`genesys.role.${name}`, "pass", `the Terraform client holds role ${name}, so it can grant it to the service's OAuth clients`);
      else if (options.firstDeploy) {
        record(`genesys.role.${name}`, "pending", `first deploy: apply the roles first (README "First deploy", step 2), then add role ${name} to client ${options.terraformClientId}`);
      } else {
        record(`genesys.role.${name}`, "fail", `the Terraform client does not hold role ${name}: the provider cannot create or update OAuth clients with it. Add the role to client ${options.terraformClientId} (before the first apply: --first-deploy, README "First deploy")`);
      }
    }
  } else {
    for (const name of target.serviceRoleNames) record(`genesys.role.${name}`, "skip", "needs the Terraform client's roles (genesys.permissions)");
  }

  // --- AWS: account, state bucket and key, partner event source.
  try {
    const identity = await aws.sts.send(new GetCallerIdentityCommand({}));
    if (identity.Account === target.awsAccountId) record("aws.account", "pass", `credentials are ${identity.Arn} in account ${identity.Account}`);
    else record("aws.account", "fail", `credentials are for account ${identity.Account ?? "(none returned)"} (${identity.Arn ?? "?"}), but environments/${target.environment}.ts says ${target.awsAccountId}`);
  } catch (err) {
    record("aws.account", "fail", `sts:GetCallerIdentity failed: ${errorName(err)} ${failed(err)}`);
  }

  const s3Where = `s3://${target.stateBucket}/${target.stateKey}`;
  try {
    const bucket = await aws.s3.send(new HeadBucketCommand({ Bucket: target.stateBucket }));
    if (bucket.BucketRegion && bucket.BucketRegion !== target.stateRegion) {
      record("aws.state", "fail", `bucket ${target.stateBucket} is in ${bucket.BucketRegion}, but stateBackend.region is ${target.stateRegion}`);
    } else {
      try {
        const object = await aws.s3.send(new HeadObjectCommand({ Bucket: target.stateBucket, Key: target.stateKey }));
        record("aws.state", "pass", `${s3Where} exists (${object.ContentLength ?? "?"} bytes, ${object.LastModified?.toISOString() ?? "?"})`);
      } catch (err) {
        if (httpStatus(err) === 404) record("aws.state", "pass", `bucket ${target.stateBucket} reachable; no state at ${target.stateKey} yet (first apply creates it)`);
        else record("aws.state", "fail", `cannot read ${s3Where}: HTTP ${httpStatus(err) ?? "?"} ${errorName(err)} (the plan role needs s3:GetObject and s3:ListBucket on it)`);
      }
    }
  } catch (err) {
    const status = httpStatus(err);
    const why = status === 404 ? "does not exist: apply the bootstrap stack first (README \"First deploy\")" : status === 403 ? "is not accessible with these credentials (403)" : `failed: HTTP ${status ?? "?"} ${errorName(err)} ${failed(err)}`;
    record("aws.state", "fail", `state bucket ${target.stateBucket} ${why}`);
  }

  const expectedPolicy = target.logsPolicy;
  try {
    const finding = await checkLogsPolicy(
      aws.logs,
      expectedPolicy,
      `An admin re-applies the bootstrap stack of account ${target.awsAccountId} and state bucket ${target.stateBucket} from this commit (cdktf.out/stacks/bootstrap-*; README "One-time setup", step 2, ` +
        `and for a deployed environment README "Terraform addresses"), then runs this again.`,
    );
    record("aws.logs-policy", finding.status, finding.detail);
  } catch (err) {
    record("aws.logs-policy", "fail", `cannot read the CloudWatch Logs resource policies in ${expectedPolicy.region}: ${errorName(err)} ${failed(err)} (needs logs:DescribeResourcePolicies)`);
  }

  if (!organizationId) {
    record("aws.partner-source", "skip", "needs the Genesys org id (genesys.organizationId or genesys.login)");
    return results;
  }
  const sourceName = `aws.partner/genesys.com/cloud/${organizationId}/${target.eventSourceSuffix}`;
  try {
    // ListEventSources (account-level; what the stack's own data source calls) rather than DescribeEventSource,
    // which the apply role is not granted; the name is matched exactly, never as a prefix.
    const source = await findEventSource(aws.eventBridge, sourceName);
    if (!source) {
      record("aws.partner-source", "pass", `${sourceName} does not exist yet: the Genesys integration creates it on the first apply`);
      return results;
    }
    let bus;
    try {
      bus = await aws.eventBridge.send(new DescribeEventBusCommand({ Name: sourceName }));
    } catch (err) {
      if (errorName(err) !== "ResourceNotFoundException") throw err;
    }
    if (!bus?.Arn) {
      record("aws.partner-source", "pass", `${sourceName} exists (${source.State ?? "?"}) and no bus is bound to it yet; this stack binds it`);
    } else {
      const { Tags = [] } = await aws.eventBridge.send(new ListTagsForResourceCommand({ ResourceARN: bus.Arn }));
      const tags = Object.fromEntries(Tags.map((t) => [t.Key, t.Value]));
      const foreign = Object.entries(target.tags).filter(([k, v]) => tags[k] !== v);
      if (foreign.length === 0) record("aws.partner-source", "pass", `${sourceName} is bound to this environment's bus ${bus.Arn}`);
      else {
        record(
          "aws.partner-source",
          "fail",
          `${sourceName} is already bound to bus ${bus.Arn}, which is not this environment's (tags ${foreign.map(([k, v]) => `${k}=${tags[k] ?? "(none)"}, expected ${v}`).join("; ")}): ` +
            "another deployment uses this eventSourceSuffix; choose another suffix, or import that bus deliberately",
        );
      }
    }
  } catch (err) {
    if (errorName(err) === "ResourceNotFoundException") {
      record("aws.partner-source", "pass", `${sourceName} does not exist yet: the Genesys integration creates it on the first apply`);
    } else {
      record("aws.partner-source", "fail", `cannot read ${sourceName}: ${errorName(err)} ${failed(err)} (needs events:ListEventSources, DescribeEventBus, ListTagsForResource)`);
    }
  }
  return results;
}

/** The partner event source of exactly this name, read page by page with ListEventSources (NamePrefix). */
async function findEventSource(eventBridge: EventBridgeClient, name: string): Promise<EventSource | undefined> {
  let NextToken: string | undefined;
  for (let page = 0; page < 20; page++) {
    const listed = await eventBridge.send(new ListEventSourcesCommand({ NamePrefix: name, NextToken }));
    const found = (listed.EventSources ?? []).find((s) => s.Name === name);
    if (found || !listed.NextToken) return found;
    NextToken = listed.NextToken;
  }
  throw new Error(`ListEventSources for ${name} did not end after 20 pages`);
}
