/**
 * The one way the scripts talk to Genesys Cloud: the official SDK `purecloud-platform-client-v2`, wrapped with
 * the shared retry policy, re-authentication, request counting and redaction.
 *
 * - One `GenesysClient` per credential. Each owns its own SDK `ApiClient` (`new ApiClientClass()`) and API
 *   objects bound to it, so a process can be logged in as several OAuth clients at once.
 * - The SDK's config file (`~/.genesyscloudjavascript/config`) is neutralised: its live reload would wipe the
 *   gateway set in code and may switch on SDK logging (research notes §7.4).
 * - Retry policy (see ./retry): 429 honours `Retry-After`; 429 without it, 5xx, timeouts and network errors back
 *   off 3 s, 9 s, 27 s, then 5 min, within `retry.maxAttempts` and `retry.maxElapsedMs`; a 401 on an API call
 *   triggers one fresh login and one retry; other 4xx fail at once. Login follows the same policy, except that
 *   400/401 from `/oauth/token` are bad credentials and fail at once.
 * - Every failure is a `GenesysApiError` whose message and fields are redacted; the SDK's error objects (which
 *   carry `Basic`/`Bearer` credentials) never leave this module.
 *
 * Adding an API method: add one method in the "API methods" section in the same shape, naming the HTTP method,
 * the path, the permission it needs (for the 403 hint) and the SDK call, e.g.
 *
 *     getIntegrationsType(typeId: string): Promise<IntegrationType> {
 *       return this.call({ operation: "getIntegrationsType", method: "GET",
 *         path: `/api/v2/integrations/types/${typeId}`, permission: "integrations:integration:view" },
 *         () => this.integrationsApi.getIntegrationsType(typeId));
 *     }
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { BadInputError } from "../cli";
import * as platformClient from "purecloud-platform-client-v2";
import { GenesysApiError, GenesysFailureKind, SdkFailure, UndocumentedAnswer, isTransient, readSdkFailure } from "./errors";
import { regionEnvironment } from "./regions";
import { Redactor, safeErrorMessage } from "../redact";
import { RetryPolicy, backoffDelayMs, parseRetryAfterMs, realSleep, resolveRetryPolicy } from "../retry";

export { GenesysApiError, classifyFailure, failureClassOf } from "./errors";
export type { GenesysApiErrorFields, GenesysFailureClass, GenesysFailureKind } from "./errors";
export { REDACTED, Redactor, safeErrorMessage } from "../redact";
export { GENESYS_CLIENT_REGIONS, regionEnvironment } from "./regions";
export type { GenesysClientRegion } from "./regions";
export { DEFAULT_RETRY_POLICY } from "../retry";
export type { RetryPolicy } from "../retry";

/** SDK models returned by the client (the SDK's own field names). */
export type OAuthClient = platformClient.Models.OAuthClient;
export type OAuthClientRequest = platformClient.Models.OAuthClientRequest;
export type TokenInfo = platformClient.Models.TokenInfo;
export type Organization = platformClient.Models.Organization;
export type Integration = platformClient.Models.Integration;
export type IntegrationConfiguration = platformClient.Models.IntegrationConfiguration;
export type DomainOrganizationRole = platformClient.Models.DomainOrganizationRole;
export type AvailableTopicEntityListing = platformClient.Models.AvailableTopicEntityListing;
export type WrapupCode = platformClient.Models.WrapupCode;
export type WrapupCodeRequest = platformClient.Models.WrapupCodeRequest;
export type UserPresence = platformClient.Models.UserPresence;

type SdkApiClient = InstanceType<typeof platformClient.ApiClientClass>;

/** Where to send login and API requests instead of the region hosts (SDK `setGateway`). */
export interface GenesysGateway {
  readonly host: string;
  /** @default "https" */
  readonly protocol?: "http" | "https";
  readonly port?: number;
}

/** Something the client did, for audit logs and metrics. Never contains a secret or token. */
export type GenesysClientEvent =
  | {
      readonly type: "request";
      readonly clientId: string;
      readonly method: string;
      readonly path: string;
      /** HTTP status, absent when there was no answer. */
      readonly status?: number;
      readonly outcome: "ok" | "http-error" | "timeout" | "network" | "undocumented";
      readonly durationMs: number;
    }
  | {
      readonly type: "retry";
      readonly clientId: string;
      readonly operation: string;
      /** The attempt that failed (1 = first). */
      readonly attempt: number;
      readonly delayMs: number;
      readonly reason: string;
    }
  | { readonly type: "reauthenticate"; readonly clientId: string; readonly operation: string }
  | { readonly type: "login"; readonly clientId: string; readonly outcome: "ok" | "failed" };

/** Options of `new GenesysClient`. */
export interface GenesysClientOptions {
  /** Region name as the Terraform provider spells it, e.g. "eu-west-1" (see GENESYS_CLIENT_REGIONS). */
  readonly region: string;
  readonly clientId: string;
  /** Registered with the redactor at construction. */
  readonly clientSecret: string;
  /**
   * Gateway to send everything to. `undefined`: read GENESYSCLOUD_GATEWAY_HOST/_PORT/_PROTOCOL from `env`
   * (the Terraform provider's variables); `null`: no gateway, whatever the environment says.
   */
  readonly gateway?: GenesysGateway | null;
  /** Where gateway variables are read. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Timeout of one HTTP request in ms (also capped by what is left of `retry.maxElapsedMs`). @default 16000 */
  readonly timeoutMs?: number;
  /** Overrides of DEFAULT_RETRY_POLICY. */
  readonly retry?: Partial<RetryPolicy>;
  /** How to wait between retries. @default real setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Clock in ms for the retry time bound. @default Date.now */
  readonly now?: () => number;
  /** Shared redactor; the client registers its secret, tokens and regenerated secrets in it. @default new one */
  readonly redactor?: Redactor;
  /** Receives events (requests, retries, logins). Exceptions it throws are ignored. */
  readonly onEvent?: (event: GenesysClientEvent) => void;
  /** Receives human-readable, already redacted log lines (retries, re-logins). */
  readonly log?: (line: string) => void;
}

/** The part of an environment configuration the client needs. */
export interface GenesysEnvironmentConfig {
  readonly genesys: { readonly region: string };
}

/** An OAuth client-credentials pair. */
export interface GenesysCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
}

/** Default timeout of one HTTP request, the SDK's own default. */
export const DEFAULT_TIMEOUT_MS = 16000;

/** A fresh login is made when the token has less than this left. */
const TOKEN_EXPIRY_MARGIN_MS = 60_000;

/**
 * OAuth error codes of a 400 from `/oauth/token` that mean the credential itself is refused (research notes
 * §1.2: unknown client id → 400 `invalid_client`; RFC 6749 §5.2 `unauthorized_client`: the client may not use
 * this grant). Any other 400 is a malformed request, not a verdict on the credential.
 */
const CREDENTIAL_ERRORS = new Set(["invalid_client", "unauthorized_client"]);

/**
 * Reads GENESYSCLOUD_GATEWAY_HOST, _PORT and _PROTOCOL (the Terraform provider's names).
 * @returns undefined when HOST is unset or empty.
 * @throws BadInputError when PORT or PROTOCOL is invalid (the CLIs exit with their bad-input code).
 */
export function gatewayFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): GenesysGateway | undefined {
  const host = env.GENESYSCLOUD_GATEWAY_HOST?.trim();
  if (!host) return undefined;
  const protocolText = (env.GENESYSCLOUD_GATEWAY_PROTOCOL?.trim() || "https").toLowerCase();
  if (protocolText !== "http" && protocolText !== "https") {
    throw new BadInputError(`GENESYSCLOUD_GATEWAY_PROTOCOL must be "http" or "https", got "${protocolText}".`);
  }
  const portText = env.GENESYSCLOUD_GATEWAY_PORT?.trim();
  let port: number | undefined;
  if (portText) {
    port = Number(portText);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new BadInputError(`GENESYSCLOUD_GATEWAY_PORT must be a port number (1-65535), got "${portText}".`);
    }
  }
  return { host, protocol: protocolText, port };
}

/**
 * Switches off everything the SDK takes from `~/.genesyscloudjavascript/config`: the live reload (which resets
 * the gateway and environment), logging, and token refresh. The file is still read once by the SDK's
 * constructor; run CI and tests with HOME at a clean directory.
 */
function neutraliseSdkConfig(client: SdkApiClient): void {
  const config = client.config;
  config.live_reload_config = false;
  config.setConfigPath("");
  config.refresh_access_token = false;
  config.gateway = undefined;
  const logger = config.logger;
  logger.log_level = "none";
  logger.log_to_console = false;
  logger.log_request_body = false;
  logger.log_response_body = false;
  logger.log_file_path = "";
  logger.setLogger();
}

// The SDK builds a singleton ApiClient when it is loaded; stop its config-file watcher too.
neutraliseSdkConfig(platformClient.ApiClient);

function newSdkClient(): SdkApiClient {
  try {
    const client = new platformClient.ApiClientClass();
    neutraliseSdkConfig(client);
    return client;
  } catch (err) {
    // eslint-disable-next-line preserve-caught-error -- the SDK's error may hold credentials; its redacted text is in the message.
    throw new Error(
      `The Genesys SDK could not start (${safeErrorMessage(err, new Redactor())}). It reads ` +
        "~/.genesyscloudjavascript/config at start-up: remove or fix that file, or run with HOME at a clean directory.",
    );
  }
}

/** Per-call context seen by the HTTP client: the time by which the call must be over. */
interface AttemptContext {
  readonly deadline: number;
}

/**
 * One store for every client: each enabled AsyncLocalStorage adds work to every promise of the process, so one
 * per client instance made a long-running process (or test run) slower with every client it ever created.
 * Each call runs its attempts inside its own context, so clients never see each other's deadlines.
 */
const ATTEMPT_CONTEXT = new AsyncLocalStorage<AttemptContext>();

type RequestObserver = (event: Omit<Extract<GenesysClientEvent, { type: "request" }>, "clientId" | "type">) => void;

/**
 * The SDK's axios client plus: a count of requests sent, one event per request, and a per-request timeout
 * capped by the current call's deadline.
 */
class InstrumentedHttpClient extends platformClient.DefaultHttpClient {
  requestCount = 0;

  constructor(
    timeoutMs: number,
    private readonly attempts: AsyncLocalStorage<AttemptContext>,
    private readonly now: () => number,
    private readonly observe: RequestObserver,
    private readonly redactor: Redactor,
  ) {
    super(timeoutMs);
  }

  toAxiosConfig(options: platformClient.HttpRequestOptions): Record<string, unknown> {
    const config = super.toAxiosConfig(options) as Record<string, unknown>;
    const context = this.attempts.getStore();
    if (context) {
      const left = Math.max(1, Math.floor(context.deadline - this.now()));
      config.timeout = Math.min(this.timeout, left);
    }
    return config;
  }

  request(options: platformClient.HttpRequestOptions): Promise<unknown> {
    this.requestCount += 1;
    const started = Date.now();
    const method = options.method;
    const path = safePath(options.url);
    const report = (status: number | undefined, outcome: "ok" | "http-error" | "timeout" | "network" | "undocumented"): void =>
      this.observe({ method, path, status, outcome, durationMs: Date.now() - started });
    return super.request(options).then(
      (response: { status?: number; headers?: unknown; data?: unknown }) => {
        const problem = answerProblem(path, response);
        if (problem !== undefined) {
          report(response.status, "undocumented");
          throw new UndocumentedAnswer(response.status ?? 0, describeAnswer(problem, response, this.redactor));
        }
        report(response.status, "ok");
        return response;
      },
      (error: { response?: { status?: number }; code?: string }) => {
        const status = error.response?.status;
        const timedOut = error.code === "ECONNABORTED" || error.code === "ETIMEDOUT";
        report(status, status !== undefined ? "http-error" : timedOut ? "timeout" : "network");
        throw error;
      },
    );
  }
}

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function contentTypeOf(headers: unknown): string {
  const value = isJsonObject(headers) ? headerValue(headers, "content-type") : undefined;
  return typeof value === "string" ? value : "(none)";
}

/**
 * What is wrong with the documented answer of `POST /oauth/token`, or undefined when it is the documented one:
 * a JSON object with a non-empty string `access_token`, `token_type` "bearer" and a numeric `expires_in`
 * (research notes genesys-api.md §1.1: the SDK's `loginClientCredentialsGrant` reads `access_token` and
 * `expires_in`; the fields are `access_token`, `token_type`, `expires_in`, as gildas/go-gcloudcx
 * `auth_clientcredentials.go` decodes them; RFC 6749 §5.1 makes `token_type` required).
 */
export function loginAnswerProblem(body: unknown): string | undefined {
  if (!isJsonObject(body)) return "the body is not a JSON object";
  if (typeof body.access_token !== "string" || body.access_token === "") return "it has no non-empty string access_token";
  if (typeof body.token_type !== "string" || body.token_type.toLowerCase() !== "bearer") return 'its token_type is not "bearer"';
  if (typeof body.expires_in !== "number" || !Number.isFinite(body.expires_in) || body.expires_in <= 0) {
    return "its expires_in is not a positive number";
  }
  return undefined;
}

/**
 * Every 2xx answer of the calls this client makes is a JSON document (an object for every call it has): an
 * answer that is not JSON, or a login answer of another shape, fails the call. Per-call shapes are in `call`.
 */
function answerProblem(path: string, response: { status?: number; headers?: unknown; data?: unknown }): string | undefined {
  const status = response.status ?? 0;
  if (status < 200 || status > 299) return undefined;
  if (status === 204 && (response.data === undefined || response.data === "")) return undefined;
  if (!/[/+]json\b/i.test(contentTypeOf(response.headers))) return "the content type is not JSON";
  if (path.endsWith("/oauth/token")) return loginAnswerProblem(response.data);
  if (!isJsonObject(response.data) && !Array.isArray(response.data)) return "the body is not a JSON object";
  return undefined;
}

/** Status, content type and the first bytes of an answer, secrets masked (any token or secret in it is registered first). */
function describeAnswer(problem: string, response: { status?: number; headers?: unknown; data?: unknown }, redactor: Redactor): string {
  const data = response.data;
  registerCredentialFields(data, redactor, 0);
  const text = typeof data === "string" ? data : data === undefined ? "" : (JSON.stringify(data) ?? "");
  // Redacted before quoting: inside a quoted string the key-value rules would not see `"access_token": "…"`.
  const first = redactor.redact(text.length > 120 ? `${text.slice(0, 120)}…` : text);
  return redactor.redact(
    `the answer is not the documented one (${problem}): HTTP ${response.status ?? "?"}, content type ${contentTypeOf(response.headers)}, ` +
      `${text.length} characters${text ? `, starting ${JSON.stringify(first)}` : ""}`,
  );
}

/** Registers every string under a credential-like key (access_token, secret, ...) anywhere in an answer. */
function registerCredentialFields(value: unknown, redactor: Redactor, depth: number): void {
  if (depth > 8 || value === null || typeof value !== "object") return;
  for (const [key, v] of Object.entries(value)) {
    if (typeof v === "string" && /token|secret|password/i.test(key)) redactor.add(v);
    else registerCredentialFields(v, redactor, depth + 1);
  }
}

function safePath(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return "(unparsable url)";
  }
}

function headerValue(headers: Readonly<Record<string, unknown>>, name: string): unknown {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

/** Describes one call for the retry loop and for error messages. */
interface CallSpec {
  readonly operation: string;
  readonly method: string;
  readonly path: string;
  /** Permission named in the hint of a 403. */
  readonly permission?: string;
  /** What is wrong with a 2xx body, against the shape the API documents for the call; undefined when it fits. */
  readonly expect: (body: unknown) => string | undefined;
  /**
   * The call changes something and is not idempotent (a secret reset): it is retried only after answers that
   * say it was not applied (429, 401 + re-login). A timeout, network error, 5xx or undocumented 2xx ends the
   * call at once with `outcomeUnknown`: the caller must find out what happened before sending it again.
   */
  readonly notIdempotent?: boolean;
}

/** The documented answer is an object (e.g. `TokenInfo`). */
const anObject = (body: unknown): string | undefined => (isJsonObject(body) ? undefined : "the body is not a JSON object");

/** The documented answer is an entity: an object with a non-empty string `id` (optionally this one). */
const anEntity =
  (id?: string) =>
  (body: unknown): string | undefined => {
    if (!isJsonObject(body)) return "the body is not a JSON object";
    if (typeof body.id !== "string" || body.id === "") return "it has no string id";
    if (id !== undefined && body.id !== id) return `its id is ${JSON.stringify(body.id)}, not ${JSON.stringify(id)}`;
    return undefined;
  };

/** The SDK's extended-response success shape (`setReturnExtendedResponses(true)`). */
interface ExtendedResponse {
  readonly status: number;
  readonly headers?: unknown;
  readonly body: unknown;
}

function isExtendedResponse(value: unknown): value is ExtendedResponse {
  return value !== null && typeof value === "object" && "status" in value && "body" in value;
}

/** A Genesys Cloud session for one OAuth client (client-credentials grant). See the module comment. */
export class GenesysClient {
  /** The OAuth client id this session logs in as. */
  readonly clientId: string;
  /** The region name given. */
  readonly region: string;
  /** The redactor that knows this client's secret and tokens. */
  readonly redactor: Redactor;
  /** The base URL requests go to (the gateway or `https://api.<domain>`), for messages. */
  readonly baseUrl: string;

  private readonly clientSecret: string;
  private readonly sdk: SdkApiClient;
  private readonly http: InstrumentedHttpClient;
  private readonly policy: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private readonly onEvent?: (event: GenesysClientEvent) => void;
  private readonly logLine?: (line: string) => void;
  private readonly attempts = ATTEMPT_CONTEXT;
  private tokenExpiresAt: number | undefined;
  private loginInFlight: Promise<void> | undefined;

  private readonly oauthApi: platformClient.OAuthApi;
  private readonly tokensApi: platformClient.TokensApi;
  private readonly organizationApi: platformClient.OrganizationApi;
  private readonly integrationsApi: platformClient.IntegrationsApi;
  private readonly authorizationApi: platformClient.AuthorizationApi;

  /** @throws Error for an unknown region, an invalid gateway, or empty credentials (nothing is sent yet). */
  constructor(options: GenesysClientOptions) {
    if (!options.clientId) throw new Error("GenesysClient: clientId is empty.");
    if (!options.clientSecret) throw new Error(`GenesysClient: the secret of OAuth client ${options.clientId} is empty.`);
    const environment = regionEnvironment(options.region);
    this.clientId = options.clientId;
    this.clientSecret = options.clientSecret;
    this.region = options.region;
    this.redactor = options.redactor ?? new Redactor();
    this.redactor.addCredential(options.clientId, options.clientSecret);
    this.policy = resolveRetryPolicy(options.retry);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!(this.timeoutMs > 0)) throw new Error(`GenesysClient: timeoutMs must be > 0, got ${this.timeoutMs}.`);
    this.sleep = options.sleep ?? realSleep;
    this.now = options.now ?? Date.now;
    this.onEvent = options.onEvent;
    this.logLine = options.log;

    const gateway = options.gateway === undefined ? gatewayFromEnv(options.env) : (options.gateway ?? undefined);
    this.sdk = newSdkClient();
    this.sdk.setEnvironment(environment);
    if (gateway) this.sdk.setGateway({ host: gateway.host, protocol: gateway.protocol ?? "https", port: gateway.port });
    this.baseUrl = this.sdk.config.getConfUrl("api", this.sdk.config.basePath);
    this.sdk.setReturnExtendedResponses(true);
    this.http = new InstrumentedHttpClient(
      this.timeoutMs,
      this.attempts,
      this.now,
      (e) => this.emit({ type: "request", clientId: this.clientId, ...e }),
      this.redactor,
    );
    this.sdk.setHttpClient(this.http);

    this.oauthApi = new platformClient.OAuthApi(this.sdk);
    this.tokensApi = new platformClient.TokensApi(this.sdk);
    this.organizationApi = new platformClient.OrganizationApi(this.sdk);
    this.integrationsApi = new platformClient.IntegrationsApi(this.sdk);
    this.authorizationApi = new platformClient.AuthorizationApi(this.sdk);
  }

  /** HTTP requests this instance has sent so far: logins, API calls and retries, failed ones included. */
  get requestCount(): number {
    return this.http.requestCount;
  }

  /**
   * Logs in with the client-credentials grant (`POST /oauth/token`). Called automatically before the first API
   * call and when the token is about to expire; call it explicitly to check credentials early.
   * @throws GenesysApiError kind "bad-credentials" on 400/401, else per the retry policy.
   */
  login(): Promise<void> {
    if (!this.loginInFlight) {
      this.loginInFlight = this.loginOnce().finally(() => {
        this.loginInFlight = undefined;
      });
    }
    return this.loginInFlight;
  }

  // ---------------------------------------------------------------------------------------------- API methods

  /** `GET /api/v2/tokens/me` (TokensApi.getTokensMe): the token's organization and OAuth client. No permission. */
  getTokensMe(): Promise<TokenInfo> {
    return this.call({ operation: "getTokensMe", method: "GET", path: "/api/v2/tokens/me", expect: anObject }, () =>
      this.tokensApi.getTokensMe(),
    );
  }

  /** `GET /api/v2/organizations/me` (OrganizationApi.getOrganizationsMe): the organization. No permission. */
  getOrganizationsMe(): Promise<Organization> {
    return this.call({ operation: "getOrganizationsMe", method: "GET", path: "/api/v2/organizations/me", expect: anEntity() }, () =>
      this.organizationApi.getOrganizationsMe(),
    );
  }

  /** `GET /api/v2/oauth/clients/{id}` (OAuthApi.getOauthClient). Genesys no longer returns `secret` here. */
  getOAuthClient(id: string): Promise<OAuthClient> {
    return this.call(
      { operation: "getOAuthClient", method: "GET", path: `/api/v2/oauth/clients/${id}`, permission: "oauth:client:view", expect: anEntity(id) },
      () => this.oauthApi.getOauthClient(id),
    );
  }

  /**
   * `POST /api/v2/oauth/clients/{id}/secret` (OAuthApi.postOauthClientSecret): sets a new random secret and
   * returns the client with it in `secret`; the new secret is registered with the redactor before this
   * returns. The previous secret must be assumed dead at once. NOT retried blindly: a retry would make yet
   * another secret, and a reset Genesys applies late kills the one a retry returned. Only 429 (not processed)
   * and a 401 (token refused, re-login) are retried; a timeout, network error, 5xx or undocumented answer
   * throws a GenesysApiError with `outcomeUnknown` true: the caller finds out what happened (e.g. reads
   * `dateModified` with getOAuthClient, tries the stored credential) before it resets again.
   */
  async regenerateOAuthClientSecret(id: string): Promise<OAuthClient> {
    const client = await this.call(
      {
        operation: "regenerateOAuthClientSecret",
        method: "POST",
        path: `/api/v2/oauth/clients/${id}/secret`,
        permission: "oauth:client:edit",
        notIdempotent: true,
        expect: (body) => anEntity(id)(body) ?? (isJsonObject(body) && typeof body.secret === "string" && body.secret !== "" ? undefined : "it has no secret"),
      },
      () => this.oauthApi.postOauthClientSecret(id),
    );
    this.redactor.addCredential(id, client.secret as string);
    return client;
  }

  /** `PUT /api/v2/oauth/clients/{id}` (OAuthApi.putOauthClient): replaces the client's writable fields. */
  updateOAuthClient(id: string, body: OAuthClientRequest): Promise<OAuthClient> {
    return this.call(
      { operation: "updateOAuthClient", method: "PUT", path: `/api/v2/oauth/clients/${id}`, permission: "oauth:client:edit", expect: anEntity(id) },
      () => this.oauthApi.putOauthClient(id, body),
    );
  }

  /** `GET /api/v2/integrations/{id}` (IntegrationsApi.getIntegration): state and type of an integration. */
  getIntegration(id: string): Promise<Integration> {
    return this.call(
      {
        operation: "getIntegration",
        method: "GET",
        path: `/api/v2/integrations/${id}`,
        permission: "integrations:integration:view",
        expect: anEntity(id),
      },
      () => this.integrationsApi.getIntegration(id),
    );
  }

  /** `GET /api/v2/integrations/{id}/config/current` (IntegrationsApi.getIntegrationConfigCurrent). */
  getIntegrationConfigCurrent(id: string): Promise<IntegrationConfiguration> {
    return this.call(
      {
        operation: "getIntegrationConfigCurrent",
        method: "GET",
        path: `/api/v2/integrations/${id}/config/current`,
        permission: "integrations:integration:view",
        expect: anObject,
      },
      () => this.integrationsApi.getIntegrationConfigCurrent(id),
    );
  }

  /** `GET /api/v2/authorization/roles/{id}` (AuthorizationApi.getAuthorizationRole), without the user count. */
  getAuthorizationRole(id: string): Promise<DomainOrganizationRole> {
    return this.call(
      {
        operation: "getAuthorizationRole",
        method: "GET",
        path: `/api/v2/authorization/roles/${id}`,
        permission: "authorization:role:view",
        expect: anEntity(id),
      },
      () => this.authorizationApi.getAuthorizationRole(id, { userCount: false }),
    );
  }

  // ---------------------------------------------- smoke tests (issue 11): topic pre-check and canary triggers
  // Sent with the SDK's generic `callApi` (the same paths, auth and JSON handling as its generated methods).

  /**
   * `GET /api/v2/notifications/availabletopics?expand=transports` (NotificationsApi.getNotificationsAvailabletopics):
   * every topic with the transports that carry it (`EventBridge`, `All`, ...). No permission.
   */
  getAvailableTopics(): Promise<AvailableTopicEntityListing> {
    const path = "/api/v2/notifications/availabletopics";
    return this.call(
      { operation: "getNotificationsAvailabletopics", method: "GET", path, expect: (b) => anObject(b) ?? (Array.isArray((b as { entities?: unknown }).entities) ? undefined : "it has no entities list") },
      () => this.sdk.callApi(path, "GET", {}, { expand: "transports" } as unknown as Record<string, object>, {}, {}, null, ["PureCloud OAuth"], ["application/json"], ["application/json"]),
    );
  }

  /** `GET /api/v2/routing/wrapupcodes/{id}` (RoutingApi.getRoutingWrapupcode). Division-aware. */
  getWrapupCode(id: string): Promise<WrapupCode> {
    const path = `/api/v2/routing/wrapupcodes/${id}`;
    return this.call({ operation: "getRoutingWrapupcode", method: "GET", path, permission: "routing:wrapupCode:view", expect: anEntity(id) }, () =>
      this.sdk.callApi(path, "GET", {}, {}, {}, {}, null, ["PureCloud OAuth"], ["application/json"], ["application/json"]),
    );
  }

  /** `PUT /api/v2/routing/wrapupcodes/{id}` (RoutingApi.putRoutingWrapupcode): replaces name, description, division. */
  updateWrapupCode(id: string, body: WrapupCodeRequest): Promise<WrapupCode> {
    const path = `/api/v2/routing/wrapupcodes/${id}`;
    return this.call({ operation: "putRoutingWrapupcode", method: "PUT", path, permission: "routing:wrapupCode:edit", expect: anEntity(id) }, () =>
      this.sdk.callApi(path, "PUT", {}, {}, {}, {}, body, ["PureCloud OAuth"], ["application/json"], ["application/json"]),
    );
  }

  /** `GET /api/v2/users/{userId}/presences/purecloud` (PresenceApi.getUserPresencesPurecloud). */
  getUserPresence(userId: string): Promise<UserPresence> {
    const path = `/api/v2/users/${userId}/presences/purecloud`;
    return this.call({ operation: "getUserPresencesPurecloud", method: "GET", path, expect: anObject }, () =>
      this.sdk.callApi(path, "GET", {}, {}, {}, {}, null, ["PureCloud OAuth"], ["application/json"], ["application/json"]),
    );
  }

  /** `PATCH /api/v2/users/{userId}/presences/purecloud` (PresenceApi.patchUserPresencesPurecloud). */
  setUserPresence(userId: string, presenceDefinitionId: string): Promise<UserPresence> {
    const path = `/api/v2/users/${userId}/presences/purecloud`;
    const body = { presenceDefinition: { id: presenceDefinitionId } };
    return this.call({ operation: "patchUserPresencesPurecloud", method: "PATCH", path, permission: "presence:userPresence:edit", expect: anObject }, () =>
      this.sdk.callApi(path, "PATCH", {}, {}, {}, {}, body, ["PureCloud OAuth"], ["application/json"], ["application/json"]),
    );
  }

  // ------------------------------------------------------------------------------------------------- internals

  private async loginOnce(): Promise<void> {
    // The answer's shape is checked in the HTTP layer (loginAnswerProblem): the SDK keeps no raw answer.
    const spec: CallSpec = { operation: "login", method: "POST", path: "/oauth/token", expect: () => undefined };
    try {
      const auth = await this.withRetry(spec, true, () =>
        this.sdk.loginClientCredentialsGrant(this.clientId, this.clientSecret),
      );
      this.redactor.add(auth.accessToken);
      this.tokenExpiresAt = auth.tokenExpiryTime;
      this.emit({ type: "login", clientId: this.clientId, outcome: "ok" });
    } catch (err) {
      this.tokenExpiresAt = undefined;
      this.emit({ type: "login", clientId: this.clientId, outcome: "failed" });
      throw err;
    }
  }

  private async ensureToken(): Promise<void> {
    const fresh = this.tokenExpiresAt !== undefined && this.tokenExpiresAt - TOKEN_EXPIRY_MARGIN_MS > Date.now();
    if (!fresh) await this.login();
  }

  /** Runs one API call with login, retries and unwrapping of the extended response. */
  private async call<T>(spec: CallSpec, send: () => Promise<T>): Promise<T> {
    await this.ensureToken();
    const result: unknown = await this.withRetry(spec, false, send);
    const extended = isExtendedResponse(result) ? result : undefined;
    const body = extended ? extended.body : result;
    this.registerSecrets(body);
    const problem = spec.expect(body);
    if (problem !== undefined) {
      const answer = { status: extended?.status ?? 200, headers: extended?.headers, data: body };
      const failure: SdkFailure = { kind: "undocumented", status: answer.status, headers: {}, apiMessage: describeAnswer(problem, answer, this.redactor) };
      throw this.toError(spec, failure, 1, undefined, undefined, spec.notIdempotent === true);
    }
    return body as T;
  }

  /** Any `secret` in an answer is registered, so it cannot leak even from callers that print whole objects. */
  private registerSecrets(body: unknown): void {
    if (body !== null && typeof body === "object") {
      const record = body as { id?: unknown; secret?: unknown };
      if (typeof record.secret === "string") {
        if (typeof record.id === "string") this.redactor.addCredential(record.id, record.secret);
        else this.redactor.add(record.secret);
      }
    }
  }

  /** The retry loop of the shared policy. `isLogin` selects the login rules (400/401 = bad credentials). */
  private async withRetry<T>(spec: CallSpec, isLogin: boolean, send: () => Promise<T>): Promise<T> {
    const deadline = this.now() + this.policy.maxElapsedMs;
    let attempts = 0;
    let retries = 0;
    let reauthenticated = false;
    for (;;) {
      attempts += 1;
      let failure: SdkFailure;
      try {
        return await this.attempts.run({ deadline }, send);
      } catch (raw) {
        failure = readSdkFailure(raw, this.redactor);
      }
      if (isLogin && (failure.status === 401 || (failure.status === 400 && CREDENTIAL_ERRORS.has(failure.code ?? "")))) {
        throw this.toError(spec, failure, attempts, "bad-credentials");
      }
      if (!isLogin && failure.status === 401 && !reauthenticated) {
        reauthenticated = true;
        this.emit({ type: "reauthenticate", clientId: this.clientId, operation: spec.operation });
        this.log(`${spec.method} ${spec.path} answered 401; logging in again and retrying once.`);
        await this.login();
        continue;
      }
      if (!isTransient(failure)) throw this.toError(spec, failure, attempts, undefined, undefined, failure.kind === "undocumented" && spec.notIdempotent);
      // 429 is the rate limiter refusing the request before it is processed [inference: Genesys documents it as
      // "too.many.requests", an answer of the gateway]; anything else transient may have been applied.
      if (spec.notIdempotent && failure.status !== 429) throw this.toError(spec, failure, attempts, undefined, undefined, true);
      const delay = this.retryDelay(failure, retries);
      const exhausted = attempts >= this.policy.maxAttempts || this.now() + delay >= deadline;
      if (exhausted) throw this.toError(spec, failure, attempts, undefined, delay);
      const reason = describeTransient(failure);
      this.emit({ type: "retry", clientId: this.clientId, operation: spec.operation, attempt: attempts, delayMs: delay, reason });
      this.log(
        `${spec.method} ${spec.path} failed (${reason}); retry ${retries + 1} in ${formatMs(delay)} ` +
          `(attempt ${attempts + 1} of at most ${this.policy.maxAttempts}).`,
      );
      await this.sleep(delay);
      retries += 1;
    }
  }

  private retryDelay(failure: SdkFailure, retries: number): number {
    if (failure.status === 429) {
      const retryAfter = parseRetryAfterMs(headerValue(failure.headers, "retry-after"), Date.now());
      if (retryAfter !== undefined) return retryAfter;
    }
    return backoffDelayMs(this.policy, retries);
  }

  private toError(
    spec: CallSpec,
    failure: SdkFailure,
    attempts: number,
    kindOverride?: GenesysFailureKind,
    nextDelayMs?: number,
    outcomeUnknown = false,
  ): GenesysApiError {
    const kind = kindOverride ?? failure.kind;
    const retriable = kind !== "bad-credentials" && isTransient(failure);
    const what = `Genesys ${spec.operation} (${spec.method} ${this.baseUrl}${spec.path}) as OAuth client ${this.clientId}`;
    const status = failure.status !== undefined ? ` HTTP ${failure.status}` : "";
    const code = failure.code ? ` [${failure.code}]` : "";
    const apiMessage = failure.apiMessage ? `: ${failure.apiMessage}` : "";
    const correlation = failure.correlationId ? ` (correlation id ${failure.correlationId})` : "";
    const hint = outcomeUnknown
      ? `${spec.operation} is not idempotent, so it was not retried: Genesys may have applied it (or may still apply it). ` +
        `Find out what happened before sending it again.${kind === "undocumented" ? ` ${this.hint(spec, failure, kind, attempts)}` : ""}`
      : this.hint(spec, failure, kind, attempts, nextDelayMs);
    const message = this.redactor.redact(`${what} failed with${status || " no answer"}${code}${apiMessage}${correlation}. ${hint}`);
    return new GenesysApiError(message, {
      kind,
      status: failure.status,
      method: spec.method,
      path: spec.path,
      operation: spec.operation,
      code: failure.code,
      apiMessage: failure.apiMessage,
      correlationId: failure.correlationId,
      retriable,
      attempts,
      outcomeUnknown,
    });
  }

  private hint(spec: CallSpec, failure: SdkFailure, kind: GenesysFailureKind, attempts: number, nextDelayMs?: number): string {
    if (kind === "bad-credentials") {
      return (
        `Genesys refused the client id or secret in region ${this.region}: check that the stored secret is the ` +
        "current one (a secret reset invalidates the previous one at once) and that the OAuth client exists, is " +
        "active and uses the CLIENT-CREDENTIALS grant."
      );
    }
    if (kind === "client") return "The request was not sent; this is a bug in the calling script.";
    if (kind === "undocumented") {
      const reset = spec.operation === "regenerateOAuthClientSecret" ? " The secret may have been reset: its new value is unknown." : "";
      return (
        `Nothing in that answer was used.${reset} Something other than the Genesys API may have answered: check ` +
        `GENESYSCLOUD_GATEWAY_* and any proxy between this machine and ${this.baseUrl}, and https://status.mypurecloud.com.`
      );
    }
    if (isTransient(failure)) {
      const wait = nextDelayMs !== undefined ? ` (the next wait would have been ${formatMs(nextDelayMs)})` : "";
      const gave = `Gave up after ${attempts} attempt(s) within the retry bound of ${this.policy.maxAttempts} attempts / ${formatMs(this.policy.maxElapsedMs)}${wait}.`;
      if (kind === "timeout") return `${gave} No answer within ${formatMs(this.timeoutMs)}: check network access to ${this.baseUrl} or raise the timeout.`;
      if (kind === "network") return `${gave} Check network access to ${this.baseUrl} (proxy, firewall, GENESYSCLOUD_GATEWAY_* settings).`;
      if (failure.status === 429) return `${gave} Genesys is rate limiting this client; run again later.`;
      return `${gave} Genesys is failing; check https://status.mypurecloud.com and run again later.`;
    }
    switch (failure.status) {
      case 401:
        return `The token was refused again right after a fresh login: check that OAuth client ${this.clientId} is active.`;
      case 403:
        return `OAuth client ${this.clientId} lacks a permission${spec.permission ? ` (needs ${spec.permission})` : ""}: give it a role that has it.`;
      case 404:
        return `Check that the id is right and exists in region ${this.region}.`;
      case 409:
        return "Someone changed the object at the same time: read it again and retry.";
      default:
        return "Genesys rejected the request: check its parameters and body.";
    }
  }

  private emit(event: GenesysClientEvent): void {
    try {
      this.onEvent?.(event);
    } catch {
      // An observer's failure must not change the outcome of a Genesys call.
    }
  }

  private log(line: string): void {
    try {
      this.logLine?.(this.redactor.redact(`genesys[${this.clientId}]: ${line}`));
    } catch {
      // Same as emit.
    }
  }
}

function describeTransient(failure: SdkFailure): string {
  if (failure.kind === "timeout") return "timed out";
  if (failure.kind === "network") return `network error ${failure.code ?? ""}`.trim();
  return `HTTP ${failure.status}${failure.code ? ` ${failure.code}` : ""}`;
}

function formatMs(ms: number): string {
  return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/**
 * Builds a client from an environment configuration (only `genesys.region` is used) and credentials, e.g.
 * `createGenesysClient(loadEnvironment("prod"), { clientId, clientSecret }, { redactor })`.
 */
export function createGenesysClient(
  environment: GenesysEnvironmentConfig,
  credentials: GenesysCredentials,
  options: Omit<GenesysClientOptions, "region" | "clientId" | "clientSecret"> = {},
): GenesysClient {
  return new GenesysClient({ ...options, region: environment.genesys.region, ...credentials });
}
