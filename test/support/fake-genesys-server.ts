/**
 * A local, stateful HTTP server that speaks the parts of the Genesys Cloud Platform API the scripts use, for
 * tests and manual demos (no jest imports here).
 *
 * Point the real SDK at it through its gateway (research notes §7.3): login and API both go to
 * `http://127.0.0.1:<port>`, e.g.
 *
 *     const server = new FakeGenesysServer({ oauthClients: [{ id: "rotator", secret: "s3cret…", … }] });
 *     await server.start();
 *     Object.assign(process.env, server.gatewayEnv()); // GENESYSCLOUD_GATEWAY_HOST/_PORT/_PROTOCOL
 *     …
 *     await server.stop();
 *
 * Behaviour, as documented by Genesys or observed (research notes §1.2, §2, §6):
 *  - `POST /oauth/token`: client-credentials grant with HTTP Basic. Unknown client → 400 `invalid_client`
 *    "client not found"; wrong secret or a client that is not active → 401 `invalid_client`
 *    "authentication failed". Tokens are bound to the client and expire after `accessTokenValiditySeconds`.
 *  - `/api/v2/**` needs `Authorization: Bearer <token>`; otherwise 401 `bad.credentials` in an `ErrorBody`.
 *  - `POST /api/v2/oauth/clients/{id}/secret` sets a new random secret: the old one fails new logins at once.
 *    Whether tokens issued before keep working is undocumented; `revokeTokensOnSecretReset` chooses.
 *  - `PUT /api/v2/oauth/clients/{id}` that changes a field publishes an audit notification
 *    (`v2.audits.entitytype.OAuthClient.entityid.<id>`, see `onAuditEvent`), as Genesys audits the change.
 *    A PUT without `description` clears it (PUT replaces every writable field).
 *  - GET/PUT never return `secret`. Unknown routes and ids → 404 `not.found`. Every answer has an
 *    `inin-correlation-id` header; error bodies carry the same value as `contextId`.
 *
 * Fault injection (`inject`): queue-based, first matching fault with uses left wins; a fault can answer with a
 * status (429 with `Retry-After`, 401, 5xx, …), delay the answer (to provoke client timeouts), or drop the
 * connection. `revokeAllTokens()` simulates token expiry.
 *
 * Every request is recorded (method, path, query, authenticated client id — never the secret —, status, time).
 *
 * Adding an endpoint: add a `FakeRoute` to `ROUTES` below (or call `server.addRoute(...)` from a test):
 *
 *     { method: "GET", pattern: "/api/v2/integrations/:id/config/current",
 *       handle: (ctx) => { const i = ctx.state.integrations.get(ctx.params.id);
 *                          return i ? ok(i.config.current) : notFound(`integration ${ctx.params.id}`, ctx); } },
 *
 * `pattern` segments starting with ":" are parameters (`ctx.params`); routes under /api/v2 require a bearer
 * token unless `auth: "none"`; `ctx.body` is the parsed JSON body; return `ok(body)`, `errorBody(status, code,
 * message, ctx)` or `notFound(what, ctx)`. State lives in `ctx.state` (`FakeGenesysState`).
 */
import { randomBytes, randomUUID } from "node:crypto";
import { IncomingMessage, Server, ServerResponse, createServer } from "node:http";
import { AddressInfo } from "node:net";

// ------------------------------------------------------------------------------------------------------ model

/** A role grant of an OAuth client (SDK model `RoleDivision`). */
export interface FakeRoleDivision {
  roleId: string;
  divisionId: string;
}

/** An OAuth client as stored by the fake; fields follow the SDK model `OAuthClient`. */
export interface FakeOAuthClient {
  id: string;
  name: string;
  description?: string;
  secret: string;
  /** "active" | "disabled" | "inactive". Only active clients can log in. */
  state: string;
  /** "CLIENT-CREDENTIALS" for the clients the scripts use. */
  authorizedGrantType: string;
  roleDivisions: FakeRoleDivision[];
  /** Deprecated in the API but still present in the model. */
  roleIds?: string[];
  accessTokenValiditySeconds: number;
  dateCreated: string;
  dateModified: string;
}

/** Seed of an OAuth client: only `id` and `secret` are needed. */
export type FakeOAuthClientSeed = Partial<FakeOAuthClient> & { id: string; secret: string };

/** The current configuration of an integration (SDK model `IntegrationConfiguration`). */
export interface FakeIntegrationConfig {
  id?: string;
  name: string;
  version: number;
  properties: Record<string, unknown>;
  advanced: Record<string, unknown>;
  notes: string;
  credentials: Record<string, unknown>;
}

/** An integration (SDK model `Integration`). */
export interface FakeIntegration {
  id: string;
  name: string;
  integrationType: { id: string };
  notes?: string;
  /** "ENABLED" | "DISABLED" | "DELETED" | "RESTORED". */
  intendedState: string;
  /** `code`: "ACTIVE" | "ACTIVATING" | "INACTIVE" | "DEACTIVATING" | "ERROR". */
  reportedState: { code: string; effective?: string; detail?: { message?: string }; lastUpdated?: string };
  config: { current: FakeIntegrationConfig };
}

/** Seed of an integration: only `id` is needed; defaults to a healthy EventBridge integration. */
export type FakeIntegrationSeed = Partial<Omit<FakeIntegration, "config">> & {
  id: string;
  config?: { current: Partial<FakeIntegrationConfig> };
};

/** A permission policy of a role (SDK model `DomainPermissionPolicy`). */
export interface FakePermissionPolicy {
  domain: string;
  entityName: string;
  actionSet: string[];
}

/** A role (SDK model `DomainOrganizationRole`). */
export interface FakeRole {
  id: string;
  name: string;
  description?: string;
  permissionPolicies: FakePermissionPolicy[];
}

/** The organization (SDK model `Organization`). */
export interface FakeOrganization {
  id: string;
  name: string;
}

/** Initial state of the server. */
export interface FakeGenesysSeed {
  organization?: FakeOrganization;
  oauthClients?: FakeOAuthClientSeed[];
  integrations?: FakeIntegrationSeed[];
  roles?: FakeRole[];
  /** When true, `POST …/secret` also invalidates tokens already issued to that client. @default false */
  revokeTokensOnSecretReset?: boolean;
}

/** An access token issued by the fake. */
export interface FakeToken {
  clientId: string;
  expiresAt: number;
}

/** One changed property of an audit event (Genesys audit `propertyChanges[]`). */
export interface FakeAuditPropertyChange {
  property: string;
  oldValues: string[];
  newValues: string[];
}

/**
 * The notification Genesys publishes on `v2.audits.entitytype.{id}.entityid.{id}` when an audited entity
 * changes (research notes §5.3): `topicName` is the concrete topic, `eventBody` the audit payload. Wrap it in
 * an EventBridge envelope (test/support/eventbridge-envelope.ts) to simulate delivery.
 */
export interface FakeAuditNotification {
  /** e.g. `v2.audits.entitytype.OAuthClient.entityid.<client id>`. */
  topicName: string;
  eventBody: {
    id: string;
    /** The OAuth client that made the change (client-credentials callers have no user). */
    clientId: { id: string };
    username: { id: string };
    serviceName: string;
    eventTime: string;
    action: "Update";
    entityType: "OAuthClient";
    entity: { id: string; name: string };
    propertyChanges: FakeAuditPropertyChange[];
  };
}

/** Everything the routes read and change. Tests may read and change it too. */
export interface FakeGenesysState {
  organization: FakeOrganization;
  oauthClients: Map<string, FakeOAuthClient>;
  integrations: Map<string, FakeIntegration>;
  roles: Map<string, FakeRole>;
  tokens: Map<string, FakeToken>;
  revokeTokensOnSecretReset: boolean;
}

// ----------------------------------------------------------------------------------------- routes and faults

/** What a route handler sees. */
export interface FakeRequestContext {
  method: string;
  path: string;
  params: Record<string, string>;
  query: Record<string, string>;
  headers: IncomingMessage["headers"];
  /** Parsed JSON body (or `{ form fields }` for `/oauth/token`), undefined when empty. */
  body: unknown;
  /** The client id of the bearer token or of the Basic credentials (never the secret). */
  clientId?: string;
  correlationId: string;
  state: FakeGenesysState;
  server: FakeGenesysServer;
}

/** What a route handler returns. */
export interface FakeResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** One entry of the route table. */
export interface FakeRoute {
  method: string;
  /** e.g. "/api/v2/oauth/clients/:id"; ":name" segments become `ctx.params.name`. */
  pattern: string;
  /** "bearer" (default for /api/v2) needs a valid token; "none" skips the check. */
  auth?: "bearer" | "none";
  handle: (ctx: FakeRequestContext) => FakeResponse | Promise<FakeResponse>;
}

/** A fault to inject. The first fault whose method and path match and which has uses left applies. */
export interface FakeFault {
  /** HTTP method to match; any when absent. */
  method?: string;
  /** Exact path, a pattern with ":param" segments, or a RegExp on the path. */
  path: string | RegExp;
  /** How many requests it applies to. @default 1 */
  times?: number;
  /** Answer with this status instead of the route (a Genesys `ErrorBody` unless `body` is given). */
  status?: number;
  /** For 429: value of `Retry-After` in seconds. */
  retryAfterSeconds?: number;
  /** Body to send with `status`. */
  body?: unknown;
  /** Wait this long before answering (with `status`, or the route's answer). */
  delayMs?: number;
  // --- rotation helper: late resets (issue 9) ---------------------------------------------------------------
  /**
   * Hold the request unprocessed until `releaseHeld()`: the client times out and gives up, then the route runs
   * (a reset Genesys applies after the caller stopped waiting). Combine with nothing else.
   */
  hold?: boolean;
  // --- end rotation helper -----------------------------------------------------------------------------------
  /** Destroy the connection without answering. */
  drop?: boolean;
}

/** A request as the server saw it. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Authenticated client id (bearer token owner, or the Basic user of a login), if any. */
  clientId?: string;
  /** Status sent; 0 when the connection was dropped or the client went away first. */
  status: number;
  /** When the request arrived (ms since epoch). */
  time: number;
  /** Set when an injected fault handled it. */
  fault?: string;
}

interface ActiveFault extends FakeFault {
  remaining: number;
}

// --------------------------------------------------------------------------------------------- body helpers

/** 200 (or `status`) with a JSON body. */
export function ok(body: unknown, status = 200): FakeResponse {
  return { status, body };
}

/** A Genesys `ErrorBody`: `{ message, code, status, contextId, details, errors }`. */
export function errorBody(status: number, code: string, message: string, ctx: { correlationId: string }): FakeResponse {
  return { status, body: { message, code, status, contextId: ctx.correlationId, details: [], errors: [] } };
}

/** 404 `not.found` for `what`. */
export function notFound(what: string, ctx: { correlationId: string }): FakeResponse {
  return errorBody(404, "not.found", `Unable to find ${what}`, ctx);
}

function oauthError(status: number, error: string, description: string): FakeResponse {
  return { status, body: { error, description, error_description: description } };
}

/** The client as GET/PUT return it: without `secret`. */
function publicOAuthClient(c: FakeOAuthClient, includeSecret = false): Record<string, unknown> {
  const { secret, ...rest } = c;
  return {
    ...rest,
    ...(includeSecret ? { secret } : {}),
    selfUri: `/api/v2/oauth/clients/${c.id}`,
  };
}

function newSecret(): string {
  return randomBytes(32).toString("base64url");
}

function newToken(): string {
  return randomBytes(48).toString("base64url");
}

// --------------------------------------------------------------------------------------------------- routes

function tokenRoute(ctx: FakeRequestContext): FakeResponse {
  const form = (ctx.body ?? {}) as Record<string, string>;
  if (form.grant_type !== "client_credentials") {
    return oauthError(400, "unsupported_grant_type", "grant type not supported");
  }
  const basic = parseBasic(ctx.headers.authorization);
  if (!basic) return oauthError(400, "invalid_client", "client not found");
  const client = ctx.state.oauthClients.get(basic.clientId);
  if (!client) return oauthError(400, "invalid_client", "client not found");
  if (client.secret !== basic.secret || client.state !== "active") {
    return oauthError(401, "invalid_client", "authentication failed");
  }
  if (client.authorizedGrantType !== "CLIENT-CREDENTIALS") {
    return oauthError(400, "unauthorized_client", "grant type not allowed for this client");
  }
  const token = newToken();
  ctx.state.tokens.set(token, { clientId: client.id, expiresAt: Date.now() + client.accessTokenValiditySeconds * 1000 });
  return ok({ access_token: token, token_type: "bearer", expires_in: client.accessTokenValiditySeconds });
}

function withOAuthClient(ctx: FakeRequestContext, fn: (c: FakeOAuthClient) => FakeResponse): FakeResponse {
  const client = ctx.state.oauthClients.get(ctx.params.id);
  return client ? fn(client) : notFound(`an OAuth client with id ${ctx.params.id}`, ctx);
}

function withIntegration(ctx: FakeRequestContext, fn: (i: FakeIntegration) => FakeResponse): FakeResponse {
  const integration = ctx.state.integrations.get(ctx.params.id);
  return integration ? fn(integration) : notFound(`an integration with id ${ctx.params.id}`, ctx);
}

function putOAuthClient(ctx: FakeRequestContext): FakeResponse {
  return withOAuthClient(ctx, (client) => {
    const body = ctx.body as Record<string, unknown> | undefined;
    if (!body || typeof body.name !== "string" || typeof body.authorizedGrantType !== "string") {
      return errorBody(400, "bad.request", "name and authorizedGrantType are required", ctx);
    }
    const writable = ["name", "description", "state", "authorizedGrantType", "roleDivisions", "roleIds", "accessTokenValiditySeconds"] as const;
    const updated: Record<string, unknown> = { ...client };
    for (const key of writable) if (body[key] !== undefined) updated[key] = body[key];
    if (body.description === undefined) delete updated.description;
    const before: Record<string, unknown> = { ...client };
    Object.assign(client, updated, { dateModified: new Date().toISOString() });
    if (body.description === undefined) delete (client as Partial<FakeOAuthClient>).description;
    const changes = writable
      .filter((key) => JSON.stringify(before[key]) !== JSON.stringify((client as unknown as Record<string, unknown>)[key]))
      .map((key) => ({ property: key, oldValues: auditValues(before[key]), newValues: auditValues((client as unknown as Record<string, unknown>)[key]) }));
    if (changes.length > 0) ctx.server.emitAuditEvent(client, ctx.clientId, changes);
    return ok(publicOAuthClient(client));
  });
}

/** Audit `oldValues`/`newValues`: strings; absent values are an empty list. */
function auditValues(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return [typeof value === "string" ? value : JSON.stringify(value)];
}

function regenerateSecret(ctx: FakeRequestContext): FakeResponse {
  return withOAuthClient(ctx, (client) => {
    client.secret = newSecret();
    client.dateModified = new Date().toISOString();
    if (ctx.state.revokeTokensOnSecretReset) ctx.server.revokeTokensOf(client.id);
    return ok(publicOAuthClient(client, true));
  });
}

function tokensMe(ctx: FakeRequestContext): FakeResponse {
  const client = ctx.clientId ? ctx.state.oauthClients.get(ctx.clientId) : undefined;
  const org = { id: ctx.state.organization.id, name: ctx.state.organization.name, selfUri: `/api/v2/organizations/${ctx.state.organization.id}` };
  return ok({
    organization: org,
    homeOrganization: org,
    authorizedScope: [],
    OAuthClient: client ? { id: client.id, name: client.name, authorizedGrantType: client.authorizedGrantType, organization: { id: org.id } } : undefined,
  });
}

/** The built-in route table. Extend it here, or per test with `server.addRoute`. */
const ROUTES: FakeRoute[] = [
  { method: "POST", pattern: "/oauth/token", auth: "none", handle: tokenRoute },
  { method: "GET", pattern: "/api/v2/tokens/me", handle: tokensMe },
  {
    method: "GET",
    pattern: "/api/v2/organizations/me",
    handle: (ctx) => ok({ ...ctx.state.organization, version: 1, state: "active", selfUri: `/api/v2/organizations/${ctx.state.organization.id}` }),
  },
  { method: "GET", pattern: "/api/v2/oauth/clients/:id", handle: (ctx) => withOAuthClient(ctx, (c) => ok(publicOAuthClient(c))) },
  { method: "PUT", pattern: "/api/v2/oauth/clients/:id", handle: putOAuthClient },
  { method: "POST", pattern: "/api/v2/oauth/clients/:id/secret", handle: regenerateSecret },
  {
    method: "GET",
    pattern: "/api/v2/integrations/:id",
    handle: (ctx) =>
      withIntegration(ctx, (i) => {
        const { config, ...rest } = i;
        const expand = (ctx.query.expand ?? "").split(",");
        return ok({ ...rest, ...(expand.includes("config.current") ? { config } : {}), selfUri: `/api/v2/integrations/${i.id}` });
      }),
  },
  {
    method: "GET",
    pattern: "/api/v2/integrations/:id/config/current",
    handle: (ctx) => withIntegration(ctx, (i) => ok({ ...i.config.current, selfUri: `/api/v2/integrations/${i.id}/config/current` })),
  },
  {
    method: "GET",
    pattern: "/api/v2/authorization/roles/:id",
    handle: (ctx) => {
      const role = ctx.state.roles.get(ctx.params.id);
      return role ? ok({ ...role, selfUri: `/api/v2/authorization/roles/${role.id}` }) : notFound(`a role with id ${ctx.params.id}`, ctx);
    },
  },
];

// -------------------------------------------------------------------------------------------------- parsing

function parseBasic(header: string | undefined): { clientId: string; secret: string } | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? "");
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0 ? undefined : { clientId: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

function parseBearer(header: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(header ?? "")?.[1];
}

function matchPattern(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split("/");
  const got = path.split("/");
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i].startsWith(":")) params[want[i].slice(1)] = decodeURIComponent(got[i]);
    else if (want[i] !== got[i]) return undefined;
  }
  return params;
}

function pathMatches(spec: string | RegExp, path: string): boolean {
  return typeof spec === "string" ? matchPattern(spec, path) !== undefined : spec.test(path);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function parseBody(text: string, contentType: string | undefined): unknown {
  if (text === "") return undefined;
  if ((contentType ?? "").includes("application/x-www-form-urlencoded")) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

const WRITE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

// --------------------------------------------------------------------------------------------------- server

/** The fake Genesys Cloud API server. See the module comment. */
export class FakeGenesysServer {
  /** Mutable state (seeded from the constructor). */
  readonly state: FakeGenesysState;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[] = [];

  private readonly routes: FakeRoute[] = [...ROUTES, ...SMOKE_ROUTES];
  /** Smoke canary and topic state (see the "smoke canary" block at the end of this file). */
  readonly smoke = new FakeSmokeState();
  private faults: ActiveFault[] = [];
  private server: Server | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Requests held by a `hold` fault (rotation helper). */
  private readonly held: Array<() => void> = [];
  private readonly auditListeners = new Set<(notification: FakeAuditNotification) => void>();

  constructor(seed: FakeGenesysSeed = {}) {
    this.state = {
      organization: seed.organization ?? { id: "8f1e5c7a-0000-4000-8000-00000000f00d", name: "Fake Org" },
      oauthClients: new Map(),
      integrations: new Map(),
      roles: new Map(),
      tokens: new Map(),
      revokeTokensOnSecretReset: seed.revokeTokensOnSecretReset ?? false,
    };
    for (const c of seed.oauthClients ?? []) this.addOAuthClient(c);
    for (const i of seed.integrations ?? []) this.addIntegration(i);
    for (const r of seed.roles ?? []) this.addRole(r);
  }

  /** Starts listening on 127.0.0.1 with an ephemeral port. */
  async start(): Promise<void> {
    if (this.server) return;
    const server = createServer((req, res) => void this.handle(req, res));
    server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    this.server = server;
  }

  /** Stops the server, cancels delayed answers and closes every connection. */
  /**
   * Processes every request held by a `hold` fault now (its route runs; the answer goes nowhere, the client
   * gave up long ago). Resolves once they have been applied. (rotation helper)
   */
  async releaseHeld(): Promise<number> {
    const waiting = this.held.splice(0);
    for (const release of waiting) release();
    await new Promise((r) => setImmediate(r));
    return waiting.length;
  }

  async stop(): Promise<void> {
    this.held.splice(0); // held requests are dropped unapplied
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  /** "127.0.0.1". */
  get host(): string {
    return "127.0.0.1";
  }

  /** The port, once started. */
  get port(): number {
    const address = this.server?.address() as AddressInfo | null | undefined;
    if (!address) throw new Error("FakeGenesysServer: not started");
    return address.port;
  }

  /** "http://127.0.0.1:<port>". */
  get baseUrl(): string {
    return `http://${this.host}:${this.port}`;
  }

  /** The Terraform provider's gateway variables pointing at this server. */
  gatewayEnv(): { GENESYSCLOUD_GATEWAY_HOST: string; GENESYSCLOUD_GATEWAY_PORT: string; GENESYSCLOUD_GATEWAY_PROTOCOL: string } {
    return { GENESYSCLOUD_GATEWAY_HOST: this.host, GENESYSCLOUD_GATEWAY_PORT: String(this.port), GENESYSCLOUD_GATEWAY_PROTOCOL: "http" };
  }

  /** A gateway option for `GenesysClient` pointing at this server. */
  gateway(): { host: string; port: number; protocol: "http" } {
    return { host: this.host, port: this.port, protocol: "http" };
  }

  // ------------------------------------------------------------------------------------------------- seeding

  /** Adds or replaces an OAuth client; defaults: active, CLIENT-CREDENTIALS, no roles, 24 h tokens. */
  addOAuthClient(seed: FakeOAuthClientSeed): FakeOAuthClient {
    const now = new Date().toISOString();
    const client: FakeOAuthClient = {
      name: seed.id,
      state: "active",
      authorizedGrantType: "CLIENT-CREDENTIALS",
      roleDivisions: [],
      accessTokenValiditySeconds: 86400,
      dateCreated: now,
      dateModified: now,
      ...seed,
    };
    this.state.oauthClients.set(client.id, client);
    return client;
  }

  /** Adds or replaces an integration; defaults: an ENABLED, ACTIVE `amazon-eventbridge-source`. */
  addIntegration(seed: FakeIntegrationSeed): FakeIntegration {
    const { config, ...rest } = seed;
    const integration: FakeIntegration = {
      name: "Amazon EventBridge Source",
      integrationType: { id: "amazon-eventbridge-source" },
      intendedState: "ENABLED",
      reportedState: { code: "ACTIVE", effective: "Active" },
      ...rest,
      config: {
        current: {
          id: seed.id,
          name: seed.name ?? "Amazon EventBridge Source",
          version: 1,
          properties: {},
          advanced: {},
          notes: "",
          credentials: {},
          ...config?.current,
        },
      },
    };
    this.state.integrations.set(integration.id, integration);
    return integration;
  }

  /** Adds or replaces a role. */
  addRole(role: FakeRole): FakeRole {
    this.state.roles.set(role.id, role);
    return role;
  }

  /** The current secret of a client (for tests that must log in as it). */
  secretOf(clientId: string): string {
    const client = this.state.oauthClients.get(clientId);
    if (!client) throw new Error(`FakeGenesysServer: no OAuth client ${clientId}`);
    return client.secret;
  }

  /** Adds a route (checked before the built-in ones). */
  addRoute(route: FakeRoute): void {
    this.routes.unshift(route);
  }

  // -------------------------------------------------------------------------------------- faults and tokens

  /** Queues a fault (see FakeFault). */
  inject(fault: FakeFault): void {
    this.faults.push({ ...fault, remaining: fault.times ?? 1 });
  }

  /** Removes every queued fault. */
  clearFaults(): void {
    this.faults = [];
  }

  /** Invalidates every issued token (simulates expiry); the next API call gets 401. */
  revokeAllTokens(): void {
    this.state.tokens.clear();
  }

  // ------------------------------------------------------------------------------------------- audit events

  /**
   * Calls `listener` with the audit notification of every change made through the API (today: `PUT
   * /api/v2/oauth/clients/{id}` that changes a field), right after the change, before the answer is sent.
   * Simulate Genesys -> EventBridge delivery from it (e.g. after a short delay). Returns an unsubscribe function.
   */
  onAuditEvent(listener: (notification: FakeAuditNotification) => void): () => void {
    this.auditListeners.add(listener);
    return () => this.auditListeners.delete(listener);
  }

  /** Publishes the audit notification of a change to an OAuth client (used by the PUT route). */
  emitAuditEvent(client: FakeOAuthClient, byClientId: string | undefined, propertyChanges: FakeAuditPropertyChange[]): void {
    const notification: FakeAuditNotification = {
      topicName: `v2.audits.entitytype.OAuthClient.entityid.${client.id}`,
      eventBody: {
        id: randomUUID(),
        clientId: { id: byClientId ?? "" },
        username: { id: "" },
        serviceName: "PlatformAPI",
        eventTime: new Date().toISOString(),
        action: "Update",
        entityType: "OAuthClient",
        entity: { id: client.id, name: client.name },
        propertyChanges,
      },
    };
    for (const listener of this.auditListeners) {
      try {
        listener(notification);
      } catch {
        // A test's listener must not break the API answer.
      }
    }
  }

  /** Invalidates the tokens issued to one client. */
  revokeTokensOf(clientId: string): void {
    for (const [token, info] of this.state.tokens) if (info.clientId === clientId) this.state.tokens.delete(token);
  }

  // ------------------------------------------------------------------------------------------ introspection

  /** Requests matching all given criteria (all requests when none given). */
  findRequests(filter: { method?: string; path?: string | RegExp; clientId?: string } = {}): RecordedRequest[] {
    return this.requests.filter(
      (r) =>
        (filter.method === undefined || r.method === filter.method.toUpperCase()) &&
        (filter.path === undefined || pathMatches(filter.path, r.path)) &&
        (filter.clientId === undefined || r.clientId === filter.clientId),
    );
  }

  /** How many requests match (see findRequests). */
  countRequests(filter: { method?: string; path?: string | RegExp; clientId?: string } = {}): number {
    return this.findRequests(filter).length;
  }

  /** POST/PUT/PATCH/DELETE requests, logins (`/oauth/token`) excluded. */
  writeRequests(): RecordedRequest[] {
    return this.requests.filter((r) => WRITE_METHODS.has(r.method) && r.path !== "/oauth/token");
  }

  /** Forgets recorded requests. */
  clearRequests(): void {
    this.requests.length = 0;
  }

  // --------------------------------------------------------------------------------------------- handling

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const method = (req.method ?? "GET").toUpperCase();
    const record: RecordedRequest = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      clientId: this.identify(req),
      status: 0,
      time: Date.now(),
    };
    this.requests.push(record);
    const correlationId = randomUUID();
    try {
      const text = await readBody(req);
      const fault = this.takeFault(method, url.pathname);
      if (fault) {
        record.fault = describeFault(fault);
        return await this.applyFault(fault, res, record, correlationId, () =>
          this.route(req, method, url, text, correlationId),
        );
      }
      this.send(res, record, await this.route(req, method, url, text, correlationId), correlationId);
    } catch (err) {
      this.send(res, record, errorBody(500, "internal.server.error", `Fake server error: ${String(err)}`, { correlationId }), correlationId);
    }
  }

  private identify(req: IncomingMessage): string | undefined {
    const bearer = parseBearer(req.headers.authorization);
    if (bearer) return this.state.tokens.get(bearer)?.clientId;
    return parseBasic(req.headers.authorization)?.clientId;
  }

  private takeFault(method: string, path: string): ActiveFault | undefined {
    const fault = this.faults.find(
      (f) => f.remaining > 0 && (f.method === undefined || f.method.toUpperCase() === method) && pathMatches(f.path, path),
    );
    if (fault) fault.remaining -= 1;
    return fault;
  }

  private async applyFault(
    fault: ActiveFault,
    res: ServerResponse,
    record: RecordedRequest,
    correlationId: string,
    normal: () => Promise<FakeResponse>,
  ): Promise<void> {
    if (fault.hold) {
      await new Promise<void>((resolve) => this.held.push(resolve));
      record.status = 0;
      await normal(); // applied late; the client is gone
      return;
    }
    if (fault.delayMs) await this.wait(fault.delayMs);
    if (fault.drop) {
      res.socket?.destroy();
      return;
    }
    if (fault.status === undefined) {
      this.send(res, record, await normal(), correlationId);
      return;
    }
    const headers: Record<string, string> = {};
    if (fault.retryAfterSeconds !== undefined) headers["Retry-After"] = String(fault.retryAfterSeconds);
    const body =
      fault.body ??
      errorBody(fault.status, faultCode(fault.status), faultMessage(fault), { correlationId }).body;
    this.send(res, record, { status: fault.status, body, headers }, correlationId);
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  private async route(req: IncomingMessage, method: string, url: URL, text: string, correlationId: string): Promise<FakeResponse> {
    const path = url.pathname;
    let pathKnown = false;
    for (const route of this.routes) {
      const params = matchPattern(route.pattern, path);
      if (!params) continue;
      pathKnown = true;
      if (route.method !== method) continue;
      const auth = route.auth ?? (path.startsWith("/api/v2/") ? "bearer" : "none");
      const ctx: FakeRequestContext = {
        method,
        path,
        params,
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
        body: parseBody(text, req.headers["content-type"]),
        clientId: this.identify(req),
        correlationId,
        state: this.state,
        server: this,
      };
      if (auth === "bearer") {
        const denied = this.checkBearer(req, ctx);
        if (denied) return denied;
      }
      return route.handle(ctx);
    }
    const ctx = { correlationId };
    return pathKnown
      ? errorBody(405, "method.not.allowed", `HTTP ${method} is not supported for ${path}`, ctx)
      : errorBody(404, "not.found", `HTTP 404 Not Found: no resource at ${path}`, ctx);
  }

  private checkBearer(req: IncomingMessage, ctx: FakeRequestContext): FakeResponse | undefined {
    const token = parseBearer(req.headers.authorization);
    if (!token) return errorBody(401, "authentication.required", "No authentication bearer token specified in authorization header.", ctx);
    const info = this.state.tokens.get(token);
    const client = info ? this.state.oauthClients.get(info.clientId) : undefined;
    if (!info || info.expiresAt <= Date.now() || !client || client.state !== "active") {
      return errorBody(401, "bad.credentials", "Invalid login credentials.", ctx);
    }
    return undefined;
  }

  private send(res: ServerResponse, record: RecordedRequest, response: FakeResponse, correlationId: string): void {
    if (res.writableEnded || res.destroyed || res.socket?.destroyed) return; // the client gave up (timeout)
    record.status = response.status;
    const payload = response.body === undefined ? "" : JSON.stringify(response.body);
    res.writeHead(response.status, {
      "Content-Type": "application/json",
      "inin-correlation-id": correlationId,
      ...response.headers,
    });
    res.end(payload);
  }
}

function faultCode(status: number): string {
  if (status === 429) return "too.many.requests.retry.after";
  if (status === 401) return "bad.credentials";
  if (status === 400) return "bad.request";
  if (status === 404) return "not.found";
  if (status === 503) return "service.unavailable";
  if (status >= 500) return "internal.server.error";
  return `http.${status}`;
}

function faultMessage(fault: FakeFault): string {
  if (fault.status === 429) return `Rate limit exceeded the maximum. Retry the request in [${fault.retryAfterSeconds ?? 0}] seconds`;
  if (fault.status === 401) return "Invalid login credentials.";
  return `Injected fault: HTTP ${fault.status}`;
}

function describeFault(fault: FakeFault): string {
  if (fault.drop) return "drop";
  if (fault.hold) return "hold";
  const parts = [fault.delayMs ? `delay ${fault.delayMs}ms` : "", fault.status !== undefined ? `status ${fault.status}` : ""];
  return parts.filter(Boolean).join(", ") || "pass-through";
}

// ------------------------------------------------------------------------ smoke canary and topics (smoke helper)
// The parts of the API the smoke tests' topic pre-check and canary triggers use (issue 11). Documented shapes:
// `GET /api/v2/notifications/availabletopics?expand=transports` (AvailableTopicEntityListing), wrap-up codes
// (`WrapupCode`, division-aware), user presence (`UserPresence`). A change publishes the notification Genesys
// would (`FakeSmokeState.onNotification`): an audit on `v2.audits.entitytype.WrapupCode.entityid.<id>`, a
// presence on `v2.users.<id>.presence`.

/** A wrap-up code (SDK model `WrapupCode`). */
export interface FakeWrapupCode {
  id: string;
  name: string;
  description?: string;
  division: { id: string; name?: string };
  /** ISO 8601; set by every change through the API (absent: Genesys did not say). */
  dateModified?: string;
}

/** An entry of the available-topics listing. */
export interface FakeAvailableTopic {
  id: string;
  transports: string[];
}

/** A notification as published on a topic (wrap it in the EventBridge envelope to deliver it). */
export interface FakeNotification {
  topicName: string;
  eventBody: Record<string, unknown>;
}

export class FakeSmokeState {
  readonly wrapupCodes = new Map<string, FakeWrapupCode>();
  /** userId -> current presence definition id. */
  readonly presences = new Map<string, string>();
  /** userId -> when the presence last changed (ISO 8601; set by every PATCH, absent: Genesys did not say). */
  readonly presenceModified = new Map<string, string>();
  /** userId -> the user's division; setting a presence needs presence:userPresence:edit there (absent: "home"). */
  readonly userDivisions = new Map<string, string>();
  availableTopics: FakeAvailableTopic[] = [];
  /** When true, audit events carry no `oldValues`/`newValues` (Genesys may leave them out). */
  auditWithoutValues = false;
  private readonly listeners = new Set<(n: FakeNotification) => void>();

  /** Calls `listener` with every notification a change publishes. Returns an unsubscribe function. */
  onNotification(listener: (n: FakeNotification) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(notification: FakeNotification): void {
    for (const listener of this.listeners) {
      try {
        listener(notification);
      } catch {
        // A test's listener must not break the API answer.
      }
    }
  }
}

/** Whether `clientId` holds `domain:entity:action` in `divisionId` (a grant in that division or in "*"). */
function grantedInDivision(state: FakeGenesysState, clientId: string | undefined, permission: [string, string, string], divisionId: string): boolean {
  const client = clientId ? state.oauthClients.get(clientId) : undefined;
  const [domain, entity, action] = permission;
  return (client?.roleDivisions ?? []).some((grant) => {
    if (grant.divisionId !== divisionId && grant.divisionId !== "*") return false;
    const role = state.roles.get(grant.roleId);
    return (role?.permissionPolicies ?? []).some((p) => p.domain === domain && p.entityName === entity && p.actionSet.includes(action));
  });
}

function withWrapupCode(ctx: FakeRequestContext, action: "view" | "edit", fn: (c: FakeWrapupCode) => FakeResponse): FakeResponse {
  const code = ctx.server.smoke.wrapupCodes.get(ctx.params.id);
  if (!code) return notFound(`a wrap-up code with id ${ctx.params.id}`, ctx);
  if (!grantedInDivision(ctx.state, ctx.clientId, ["routing", "wrapupCode", action], code.division.id)) {
    return errorBody(403, "missing.division.permission", `You are missing the following permission: routing:wrapupCode:${action} in division ${code.division.id}`, ctx);
  }
  return fn(code);
}

const SMOKE_ROUTES: FakeRoute[] = [
  {
    method: "GET",
    pattern: "/api/v2/notifications/availabletopics",
    handle: (ctx) => {
      const expand = (ctx.query.expand ?? "").split(",");
      return ok({ entities: ctx.server.smoke.availableTopics.map((t) => ({ id: t.id, ...(expand.includes("transports") ? { transports: [...t.transports] } : {}) })) });
    },
  },
  { method: "GET", pattern: "/api/v2/routing/wrapupcodes/:id", handle: (ctx) => withWrapupCode(ctx, "view", (c) => ok({ ...c, selfUri: `/api/v2/routing/wrapupcodes/${c.id}` })) },
  {
    method: "PUT",
    pattern: "/api/v2/routing/wrapupcodes/:id",
    handle: (ctx) =>
      withWrapupCode(ctx, "edit", (code) => {
        const body = ctx.body as { name?: unknown; description?: unknown; division?: { id?: unknown } } | undefined;
        if (!body || typeof body.name !== "string") return errorBody(400, "bad.request", "name is required", ctx);
        const before = code.description;
        code.name = body.name;
        if (typeof body.description === "string") code.description = body.description;
        else delete code.description;
        code.dateModified = new Date().toISOString();
        if (before !== code.description) {
          const change: Record<string, unknown> = { property: "description" };
          if (!ctx.server.smoke.auditWithoutValues) {
            change.oldValues = before === undefined ? [] : [before];
            change.newValues = code.description === undefined ? [] : [code.description];
          }
          ctx.server.smoke.publish({
            topicName: `v2.audits.entitytype.WrapupCode.entityid.${code.id}`,
            eventBody: {
              id: randomUUID(),
              clientId: { id: ctx.clientId ?? "" },
              serviceName: "Routing",
              eventTime: new Date().toISOString(),
              action: "Update",
              entityType: "WrapupCode",
              entity: { id: code.id, name: code.name },
              propertyChanges: [change],
            },
          });
        }
        return ok({ ...code, selfUri: `/api/v2/routing/wrapupcodes/${code.id}` });
      }),
  },
  {
    method: "GET",
    pattern: "/api/v2/users/:id/presences/purecloud",
    handle: (ctx) => {
      const current = ctx.server.smoke.presences.get(ctx.params.id);
      const modifiedDate = ctx.server.smoke.presenceModified.get(ctx.params.id);
      return current ? ok({ source: "PURECLOUD", primary: true, presenceDefinition: { id: current }, ...(modifiedDate ? { modifiedDate } : {}) }) : notFound(`a user with id ${ctx.params.id}`, ctx);
    },
  },
  {
    method: "PATCH",
    pattern: "/api/v2/users/:id/presences/purecloud",
    handle: (ctx) => {
      if (!ctx.server.smoke.presences.has(ctx.params.id)) return notFound(`a user with id ${ctx.params.id}`, ctx);
      // Modelled as division-scoped (Genesys does not document whether it is: docs/smoke-tests.md).
      const division = ctx.server.smoke.userDivisions.get(ctx.params.id) ?? "home";
      if (!grantedInDivision(ctx.state, ctx.clientId, ["presence", "userPresence", "edit"], division)) {
        return errorBody(403, "missing.division.permission", `You are missing the following permission: presence:userPresence:edit in division ${division}`, ctx);
      }
      const id = (ctx.body as { presenceDefinition?: { id?: unknown } } | undefined)?.presenceDefinition?.id;
      if (typeof id !== "string") return errorBody(400, "bad.request", "presenceDefinition.id is required", ctx);
      ctx.server.smoke.presences.set(ctx.params.id, id);
      const modifiedDate = new Date().toISOString();
      ctx.server.smoke.presenceModified.set(ctx.params.id, modifiedDate);
      ctx.server.smoke.publish({
        topicName: `v2.users.${ctx.params.id}.presence`,
        eventBody: { source: "PURECLOUD", presenceDefinition: { id, systemPresence: "Available" }, message: "", modifiedDate },
      });
      return ok({ source: "PURECLOUD", primary: true, presenceDefinition: { id }, modifiedDate });
    },
  },
];
