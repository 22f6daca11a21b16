/**
 * Genesys Cloud checks (read-only): token grants, the EventBridge integration's state and configuration, the
 * services' OAuth clients and their roles.
 */
import { GenesysEventBridgeIntegration, EVENTBRIDGE_INTEGRATION_TYPE } from "../../../modules/genesys/eventbridge-integration";
import { CANARY_TRIGGER_SPECS } from "../../../modules/genesys/canary";
import { serviceClientName } from "../../../modules/genesys/service-client";
import type { DomainOrganizationRole, OAuthClient } from "../genesys/client";
import { SMOKE_SERVICE, SmokeContext, SmokeSession } from "./context";
import { AWS_CREDENTIALS_CASE_ID } from "./preconditions";
import { CheckFailed, Problems, SmokeCase } from "./types";

const GRANT = "CLIENT-CREDENTIALS";

/** Id of the check that the canary role is granted in the canary division only. */
export const CANARY_GRANT_CASE_ID = "genesys.grant.canary";

/** Id of the topic pre-check: every topic of the integration's eventFilter is carried by the EventBridge transport. */
export const TOPICS_CASE_ID = "genesys.topics";
/** Transports that carry a topic to EventBridge (AvailableTopic.transports). */
const EVENTBRIDGE_TRANSPORTS = new Set(["EventBridge", "All"]);
const TOKEN_CASE_PREFIX = "genesys.token.";

/** Id of the token case of a service. */
export function tokenCaseId(service: string): string {
  return `${TOKEN_CASE_PREFIX}${service}`;
}

/** The letter of a client by its position in `client_ids` ("a", "b"). */
export function clientLetter(index: number): string {
  return String.fromCharCode("a".charCodeAt(0) + index);
}

/**
 * One token-grant case per service (the smoke-tests one first): read the service's AWSCURRENT credential, log
 * in with the client-credentials grant, and check with `GET /api/v2/tokens/me` that the token belongs to one of
 * the service's declared clients. `--only token` runs just these (after a rotation).
 */
export function tokenCases(context: SmokeContext, session: SmokeSession): SmokeCase[] {
  const names = Object.keys(context.outputs.services);
  const ordered = [...names.filter((n) => n === SMOKE_SERVICE), ...names.filter((n) => n !== SMOKE_SERVICE)];
  if (!names.includes(SMOKE_SERVICE)) ordered.unshift(SMOKE_SERVICE);
  return ordered.map((name) => ({
    id: tokenCaseId(name),
    area: "genesys" as const,
    title: `${name}: the AWSCURRENT credential gets a token (client-credentials grant)`,
    // When its secret has already failed (no AWSCURRENT), this case is skipped rather than failing twice.
    dependsOn: [AWS_CREDENTIALS_CASE_ID, `aws.secret.${name}`],
    run: async () => {
      const service = context.outputs.services[name];
      if (!service) session.service(); // throws the "no smoke-tests service" error
      const { client, credential } =
        name === SMOKE_SERVICE
          ? await session.login()
          : await (async () => {
              const credential = await context.credentials.read(service.secret_arn);
              const client = context.genesysClientFor(credential);
              await client.login();
              return { client, credential };
            })();
      if (credential.region !== undefined && credential.region !== context.environment.genesys.region) {
        throw new CheckFailed(
          `secret ${service.secret_name} says region "${credential.region}" but the environment uses Genesys region "${context.environment.genesys.region}"`,
        );
      }
      // Locally first: the stored credential must be one of the service's declared clients.
      if (!service.client_ids.includes(credential.clientId)) {
        throw new CheckFailed(
          `secret ${service.secret_name} holds OAuth client ${credential.clientId}, which is not one of the service's clients (${service.client_ids.join(", ")}): the secret belongs to another client`,
        );
      }
      // Then Genesys: tokens/me must name the client the token was issued to. Fail closed: TokenInfo documents
      // `OAuthClient` for tokens of OAuth clients; an answer without it proves nothing (docs/smoke-tests.md).
      const me = await client.getTokensMe();
      const tokenClientId = me.OAuthClient?.id;
      if (typeof tokenClientId !== "string" || tokenClientId === "") {
        throw new CheckFailed(
          `GET /api/v2/tokens/me answered without OAuthClient.id (keys: ${Object.keys(me).join(", ") || "none"}), so nothing proves whose token this is`,
        );
      }
      if (tokenClientId !== credential.clientId) {
        throw new CheckFailed(
          `the token belongs to OAuth client ${tokenClientId}, not to ${credential.clientId} whose credential is stored in ${service.secret_name}` +
            (service.client_ids.includes(tokenClientId) ? "" : ` (nor to any of the service's clients ${service.client_ids.join(", ")})`),
        );
      }
      const letter = clientLetter(service.client_ids.indexOf(credential.clientId));
      return {
        reason: `token granted to client ${credential.clientId} (${serviceClientName(context.environment.name, name, letter)}) from ${service.secret_name}`,
        data: { clientId: credential.clientId },
      };
    },
  }));
}

/** Integration state, integration config, every declared client, every declared role. */
export function genesysCases(context: SmokeContext, session: SmokeSession): SmokeCase[] {
  const { outputs, environment } = context;
  const dependsOn = [tokenCaseId(SMOKE_SERVICE)];
  const cases: SmokeCase[] = [
    {
      id: "genesys.integration.state",
      area: "genesys",
      title: `integration ${outputs.integration_id} is an ENABLED, ACTIVE ${EVENTBRIDGE_INTEGRATION_TYPE}`,
      dependsOn,
      run: async () => {
        const integration = await (await session.client()).getIntegration(outputs.integration_id);
        const problems = new Problems();
        const type = integration.integrationType?.id;
        problems.check(type === EVENTBRIDGE_INTEGRATION_TYPE, `type is "${type ?? "(none)"}", expected "${EVENTBRIDGE_INTEGRATION_TYPE}"`);
        problems.check(integration.intendedState === "ENABLED", `intendedState is ${integration.intendedState ?? "(none)"}, expected ENABLED`);
        const reported = integration.reportedState;
        const code = reported?.code ?? "(none)";
        if (code !== "ACTIVE") {
          const detail = reported?.detail?.message ?? reported?.effective;
          const transient = code === "ACTIVATING" ? " (transient: run again in a minute)" : "";
          problems.add(`reportedState is ${code}${detail ? ` ("${detail}")` : ""}, expected ACTIVE${transient}`);
        }
        problems.throwIfAny();
        return { reason: `"${integration.name ?? ""}" ENABLED, reported ACTIVE` };
      },
    },
    {
      id: "genesys.integration.config",
      area: "genesys",
      title: "integration config/current properties equal the environment (suffix, account, region, topics)",
      dependsOn,
      run: async () => {
        const config = await (await session.client()).getIntegrationConfigCurrent(outputs.integration_id);
        const expected = GenesysEventBridgeIntegration.properties({
          eventSourceSuffix: environment.integration.eventSourceSuffix,
          awsAccountId: environment.aws.accountId,
          awsRegion: environment.aws.region,
          topicFilters: environment.integration.topicFilters,
        });
        const actual = readProperties(config.properties);
        const problems = new Problems();
        for (const key of Object.keys(expected)) {
          if (key === "eventFilter") continue;
          const got = actual[key];
          if (got !== expected[key]) problems.add(`${key} is ${JSON.stringify(got) ?? "missing"}, expected ${JSON.stringify(expected[key])}`);
        }
        const topics = actual.eventFilter;
        if (!Array.isArray(topics) || topics.some((t) => typeof t !== "string")) {
          problems.add(`eventFilter is ${JSON.stringify(topics) ?? "missing"}, expected a list of ${environment.integration.topicFilters.length} topics`);
        } else {
          const diff = listDifference(environment.integration.topicFilters, topics as string[]);
          if (diff.missing.length) problems.add(`eventFilter lacks ${diff.missing.join(", ")}`);
          if (diff.extra.length) problems.add(`eventFilter has topics not in the environment: ${diff.extra.join(", ")}`);
        }
        const unexpected = Object.keys(actual).filter((k) => !(k in expected));
        if (unexpected.length) problems.add(`unexpected properties: ${unexpected.join(", ")}`);
        problems.throwIfAny({ expected, actual });
        return { reason: `suffix ${environment.integration.eventSourceSuffix}, account ${environment.aws.accountId} ${environment.aws.region}, ${environment.integration.topicFilters.length} topics (version ${config.version})` };
      },
    },
    {
      id: TOPICS_CASE_ID,
      area: "genesys",
      title: "every topic of the integration's eventFilter is available with the EventBridge transport",
      dependsOn,
      run: async () => {
        const listing = await (await session.client()).getAvailableTopics();
        const byId = new Map<string, unknown>();
        for (const entry of listing.entities ?? []) if (typeof entry?.id === "string") byId.set(entry.id, entry.transports);
        const problems = new Problems();
        for (const topic of environment.integration.topicFilters) {
          const transports = byId.get(topic);
          if (!byId.has(topic)) problems.add(`${topic} is not an available topic any more`);
          else if (!Array.isArray(transports)) problems.add(`${topic} is listed without transports (the answer did not expand them), so nothing proves EventBridge carries it`);
          else if (!transports.some((t) => EVENTBRIDGE_TRANSPORTS.has(t as string))) problems.add(`${topic} lost the EventBridge transport (transports: ${transports.join(", ") || "none"})`);
        }
        problems.throwIfAny();
        return { reason: `${environment.integration.topicFilters.length} topic(s) available with the EventBridge transport (of ${byId.size} listed)` };
      },
    },
  ];

  for (const [name, service] of Object.entries(outputs.services)) {
    service.client_ids.forEach((clientId, index) => {
      const label = serviceClientName(environment.name, name, clientLetter(index));
      cases.push({
        id: `genesys.client.${name}.${clientLetter(index)}`,
        area: "genesys",
        title: `OAuth client ${label} is active, CLIENT-CREDENTIALS, holds role ${service.role_id}`,
        dependsOn,
        run: async () => {
          const client = await (await session.client()).getOAuthClient(clientId);
          // The canary role's grants are genesys.grant.canary's to judge (division included), not reported twice.
          const canaryRoleId = outputs.canary?.service === name ? outputs.canary.role_id : undefined;
          checkClient(client, label, service.role_id, canaryRoleId);
          return { reason: `${client.name} (${clientId}) active, ${GRANT}, holds its role and no other` };
        },
      });
    });
  }

  const canary = outputs.canary;
  const canaryService = canary?.service ? outputs.services[canary.service] : undefined;
  if (canary?.role_id && canary.division_id && canaryService) {
    const { role_id: roleId, division_id: divisionId } = canary;
    cases.push({
      id: CANARY_GRANT_CASE_ID,
      area: "genesys",
      title: `the canary role is granted to the ${canary.service} clients in the canary division only`,
      dependsOn,
      run: async () => {
        const problems = new Problems();
        for (const [index, clientId] of canaryService.client_ids.entries()) {
          const client = await (await session.client()).getOAuthClient(clientId);
          const label = serviceClientName(environment.name, canary.service as string, clientLetter(index));
          const divisions = (client.roleDivisions ?? []).filter((g) => g.roleId === roleId).map((g) => g.divisionId ?? "(home)");
          if (!divisions.includes(divisionId)) problems.add(`${label} does not hold the canary role in the canary division ${divisionId}: the canary cannot change its object`);
          const wider = divisions.filter((d) => d !== divisionId);
          if (wider.length) problems.add(`${label} also holds the canary role in ${wider.join(", ")}: wider than the canary division (least privilege broken)`);
        }
        // The role itself: exactly the trigger's permissions (modules/genesys/canary.ts), nothing added by hand.
        const trigger = canary.trigger ?? "wrapup-code";
        const role = await (await session.client()).getAuthorizationRole(roleId);
        const { missing, extra } = permissionDifference(role, CANARY_TRIGGER_SPECS[trigger].permissionPolicies);
        if (missing.length) problems.add(`the canary role "${role.name ?? roleId}" lacks ${missing.join(", ")}: the canary cannot change its object`);
        if (extra.length) problems.add(`the canary role "${role.name ?? roleId}" also grants ${extra.join(", ")}, beyond the ${trigger} trigger's (least privilege broken: re-apply the stack)`);
        problems.throwIfAny({ missing, extra });
        return { reason: `role ${roleId} (exactly the ${trigger} trigger's permissions) held by ${canaryService.client_ids.length} client(s) in division ${divisionId} only` };
      },
    });
  }

  const servicesByName = new Map(environment.services.map((s) => [s.name, s]));
  for (const [name, service] of Object.entries(outputs.services)) {
    cases.push({
      id: `genesys.role.${name}`,
      area: "genesys",
      title: `role ${service.role_id} of ${name} has exactly the configured permissions`,
      dependsOn,
      run: async () => {
        const declared = servicesByName.get(name);
        if (!declared) throw new CheckFailed(`service "${name}" is in the stack outputs but not in environments/${environment.name}.ts`);
        const role = await (await session.client()).getAuthorizationRole(service.role_id);
        const { missing, extra } = permissionDifference(role, declared.permissionPolicies);
        const problems = new Problems();
        if (missing.length) problems.add(`role "${role.name ?? service.role_id}" lacks ${missing.join(", ")}`);
        if (extra.length) {
          problems.add(
            `role "${role.name ?? service.role_id}" also grants ${extra.join(", ")}, not configured for ${name} in environments/${environment.name}.ts (least privilege broken: re-apply the stack, or remove them by hand)`,
          );
        }
        problems.throwIfAny({ missing, extra });
        const count = declared.permissionPolicies.reduce((n, p) => n + p.actionSet.length, 0);
        return { reason: `"${role.name ?? service.role_id}" has exactly the ${count} configured permission(s)` };
      },
    });
  }
  return cases;
}

/**
 * Active, client-credentials, holds its service role (in one division, never "*") and no other role; the canary
 * role (`canaryRoleId`, for the canary's service) is allowed here and judged by genesys.grant.canary.
 */
function checkClient(client: OAuthClient, label: string, roleId: string, canaryRoleId: string | undefined): void {
  const problems = new Problems();
  problems.check(client.state === "active", `${label} is ${client.state ?? "(no state)"}, expected active (only active clients get tokens)`);
  problems.check(client.authorizedGrantType === GRANT, `${label} uses grant ${client.authorizedGrantType}, expected ${GRANT}`);
  const grants = [
    ...(client.roleDivisions ?? []).map((r) => ({ roleId: r.roleId, divisionId: r.divisionId })),
    ...((client as { roleIds?: string[] }).roleIds ?? []).map((id) => ({ roleId: id, divisionId: undefined })),
  ];
  const roles = new Set(grants.map((g) => g.roleId));
  problems.check(roles.has(roleId), `${label} does not hold role ${roleId} (holds ${[...roles].join(", ") || "no role"})`);
  const others = grants.filter((g) => g.roleId !== roleId && g.roleId !== canaryRoleId);
  if (others.length) {
    const list = [...new Set(others.map((g) => `${g.roleId ?? "(no id)"} in ${g.divisionId ?? "(home)"}`))].join(", ");
    problems.add(`${label} also holds role(s) ${list}: only its service role${canaryRoleId ? " and the canary role" : ""} are configured (least privilege broken: remove the grant or re-apply)`);
  }
  const everywhere = grants.some((g) => g.roleId === roleId && g.divisionId === "*");
  problems.check(!everywhere, `${label} holds its service role in all divisions (*), expected the home division only (least privilege broken: re-apply)`);
  problems.throwIfAny();
}

type ConfiguredPolicy = { readonly domain: string; readonly entityName: string; readonly actionSet: readonly string[] };

/**
 * The role against the configured policies, permission by permission (`domain:entity:action`): what is configured
 * but not granted (a `*` grant covers it), and what is granted but not configured. A `*` domain, entity or action
 * is extra unless configured exactly so. Counted: `permissionPolicies` and the flat `permissions` list.
 */
export function permissionDifference(role: DomainOrganizationRole, configured: readonly ConfiguredPolicy[]): { missing: string[]; extra: string[] } {
  const wanted = new Set(configured.flatMap((p) => p.actionSet.map((a) => `${p.domain}:${p.entityName}:${a}`)));
  const granted = [
    ...(role.permissionPolicies ?? []).flatMap((p) => {
      const actions = p.actionSet ?? [];
      const base = `${p.domain ?? "(no domain)"}:${p.entityName ?? "(no entity)"}`;
      return actions.length ? actions.map((a) => `${base}:${a}`) : [`${base}:(no action)`];
    }),
    ...(role.permissions ?? []),
  ];
  const extra = [...new Set(granted.filter((g) => !wanted.has(g)))];
  return { missing: missingPermissions(role, configured), extra };
}

/** `domain:entity:action` strings of `wanted` that no permission policy of the role grants ("*" counts). */
export function missingPermissions(
  role: DomainOrganizationRole,
  wanted: readonly { domain: string; entityName: string; actionSet: readonly string[] }[],
): string[] {
  const policies = role.permissionPolicies ?? [];
  const granted = (domain: string, entity: string, action: string): boolean =>
    policies.some(
      (p) =>
        p.domain === domain &&
        (p.entityName === entity || p.entityName === "*") &&
        (p.actionSet ?? []).some((a) => a === action || a === "*"),
    ) || (role.permissions ?? []).includes(`${domain}:${entity}:${action}`);
  return wanted.flatMap((p) => p.actionSet.filter((a) => !granted(p.domain, p.entityName, a)).map((a) => `${p.domain}:${p.entityName}:${a}`));
}

/** The integration's properties (an object, or a JSON string in some API versions). */
function readProperties(value: unknown): Record<string, unknown> {
  if (typeof value === "string") {
    try {
      return readProperties(JSON.parse(value));
    } catch {
      throw new CheckFailed(`config properties are not JSON: ${value.slice(0, 80)}`);
    }
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new CheckFailed(`config has no properties object (got ${JSON.stringify(value) ?? "nothing"})`);
  }
  return value as Record<string, unknown>;
}

/** What `wanted` has that `got` lacks and the reverse (order ignored; duplicates count). */
export function listDifference(wanted: readonly string[], got: readonly string[]): { missing: string[]; extra: string[] } {
  const left = [...got];
  const missing: string[] = [];
  for (const w of wanted) {
    const i = left.indexOf(w);
    if (i < 0) missing.push(w);
    else left.splice(i, 1);
  }
  return { missing, extra: left };
}
