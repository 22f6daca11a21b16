/**
 * The typed error of the Genesys client, and the reading of what the SDK rejects with.
 *
 * The SDK rejects with three shapes (research notes §6, §7.7), all of which may hold credentials:
 *  - an "extended response" `{ status, statusText, headers, body, text, error }` for API HTTP errors
 *    (`error` is the axios error, with the `Bearer` token in `error.config.headers`);
 *  - the raw axios error for login failures (`response.status/data/headers`; `config.headers` has `Basic …`)
 *    and for network errors and timeouts (`code` e.g. ECONNRESET, ECONNABORTED, ETIMEDOUT);
 *  - a plain `Error` for calls it refuses to send (e.g. a missing required parameter).
 * `readSdkFailure` copies out only the safe parts; the raw object is never kept.
 */
import { Redactor } from "../redact";

/** Why a Genesys call failed. */
export type GenesysFailureKind =
  /** The API answered with an HTTP error status. */
  | "http"
  /** No answer within the request timeout. */
  | "timeout"
  /** The connection failed or dropped. */
  | "network"
  /** `POST /oauth/token` answered 400/401: wrong client id or secret, or the client is not usable. */
  | "bad-credentials"
  /** The SDK refused to send the request (programming error, e.g. a missing parameter). */
  | "client"
  /**
   * A 2xx answer that is not what the API documents for the call (not JSON, or JSON of another shape, e.g. a
   * proxy's HTML page or a login answer without `access_token`): the call failed, and the message says what came back.
   */
  | "undocumented";

/** What one failed attempt looked like, without any credential-bearing object. */
export interface SdkFailure {
  readonly kind: Exclude<GenesysFailureKind, "bad-credentials">;
  readonly status?: number;
  readonly headers: Readonly<Record<string, unknown>>;
  readonly code?: string;
  readonly apiMessage?: string;
  readonly correlationId?: string;
}

/** The fields of a GenesysApiError. */
export interface GenesysApiErrorFields {
  readonly kind: GenesysFailureKind;
  /** HTTP status of the last attempt, if there was an answer. */
  readonly status?: number;
  /** HTTP method, e.g. "GET". */
  readonly method: string;
  /** Request path, e.g. "/api/v2/oauth/clients/abc". */
  readonly path: string;
  /** The client method that failed, e.g. "getOAuthClient". */
  readonly operation: string;
  /** Genesys error code (`not.found`, `invalid_client`, …) or network error code (ECONNRESET, …). */
  readonly code?: string;
  /** The API's own message, redacted. */
  readonly apiMessage?: string;
  /** `inin-correlation-id` header or `contextId` of the error body: quote it to Genesys support. */
  readonly correlationId?: string;
  /** True when the failure was transient (429, 5xx, timeout, network) and the retry bound was reached. */
  readonly retriable: boolean;
  /** HTTP attempts made for this call (retries included, the re-login excluded). */
  readonly attempts: number;
  /**
   * True when a call that is not idempotent (a secret reset) failed in a way that does not say whether Genesys
   * applied it (timeout, network error, 5xx, undocumented answer): it was not retried.
   */
  readonly outcomeUnknown?: boolean;
}

/**
 * What a failure means to a caller that holds a credential:
 *  - "credential-rejected": `/oauth/token` refused the client id or secret (401, or 400 `invalid_client`);
 *  - "unavailable": Genesys did not give a usable answer (429, 5xx, timeout, network, undocumented answer):
 *    nothing is known about the credential;
 *  - "refused": any other answer (403, 404, other 4xx, a bug in the request).
 */
export type GenesysFailureClass = "credential-rejected" | "unavailable" | "refused";

/**
 * A failed Genesys call. The message says what failed, where, and what to do; it and every field are redacted
 * and the SDK's raw error is deliberately not attached (no `cause`), so logging or serializing it is safe.
 */
export class GenesysApiError extends Error implements GenesysApiErrorFields {
  readonly kind: GenesysFailureKind;
  readonly status?: number;
  readonly method: string;
  readonly path: string;
  readonly operation: string;
  readonly code?: string;
  readonly apiMessage?: string;
  readonly correlationId?: string;
  readonly retriable: boolean;
  readonly attempts: number;
  readonly outcomeUnknown: boolean;

  constructor(message: string, fields: GenesysApiErrorFields) {
    super(message);
    this.name = "GenesysApiError";
    this.kind = fields.kind;
    this.status = fields.status;
    this.method = fields.method;
    this.path = fields.path;
    this.operation = fields.operation;
    this.code = fields.code;
    this.apiMessage = fields.apiMessage;
    this.correlationId = fields.correlationId;
    this.retriable = fields.retriable;
    this.attempts = fields.attempts;
    this.outcomeUnknown = fields.outcomeUnknown ?? false;
  }

  /** See GenesysFailureClass. */
  get failureClass(): GenesysFailureClass {
    return classifyFailure(this.kind, this.status);
  }

  /** The safe fields, for JSON reports. */
  toJSON(): GenesysApiErrorFields & { name: string; message: string; outcomeUnknown: boolean } {
    return {
      name: this.name,
      message: this.message,
      kind: this.kind,
      status: this.status,
      method: this.method,
      path: this.path,
      operation: this.operation,
      code: this.code,
      apiMessage: this.apiMessage,
      correlationId: this.correlationId,
      retriable: this.retriable,
      attempts: this.attempts,
      outcomeUnknown: this.outcomeUnknown,
    };
  }
}

/**
 * Thrown by the client's HTTP layer (and by the per-call checks) for a 2xx answer that is not the documented
 * one. `description` says what came back (status, content type, first bytes) and is already redacted.
 */
export class UndocumentedAnswer extends Error {
  constructor(
    readonly status: number,
    readonly description: string,
  ) {
    super(description);
    this.name = "UndocumentedAnswer";
  }
}

const TIMEOUT_CODES = new Set(["ECONNABORTED", "ETIMEDOUT", "ESOCKETTIMEDOUT"]);

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === "object" ? (value as Record<string, unknown>) : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** Reads `message`/`code` from a Genesys `ErrorBody` or an OAuth error body (`error`, `error_description`). */
function readErrorBody(body: unknown, redactor: Redactor): { code?: string; apiMessage?: string; contextId?: string } {
  const b = asRecord(body);
  if (!b) {
    const text = str(body);
    return { apiMessage: text ? redactor.redact(text.slice(0, 500)) : undefined };
  }
  const message = str(b.message) ?? str(b.error_description) ?? str(b.description);
  return {
    code: str(b.code) ?? str(b.error),
    apiMessage: message ? redactor.redact(message) : undefined,
    contextId: str(b.contextId),
  };
}

function httpFailure(status: number, headersIn: unknown, body: unknown, redactor: Redactor): SdkFailure {
  const headers = asRecord(headersIn) ?? {};
  const { code, apiMessage, contextId } = readErrorBody(body, redactor);
  const correlationId = str(headers["inin-correlation-id"]) ?? contextId;
  return { kind: "http", status, headers, code, apiMessage, correlationId };
}

/**
 * Reads what an SDK promise rejected with into an `SdkFailure`, keeping only status, headers, the error body's
 * code/message/contextId and network error codes. Messages are redacted.
 */
export function readSdkFailure(raw: unknown, redactor: Redactor): SdkFailure {
  if (raw instanceof UndocumentedAnswer) {
    return { kind: "undocumented", status: raw.status, headers: {}, apiMessage: redactor.redact(raw.description) };
  }
  const r = asRecord(raw);
  if (r && typeof r.status === "number" && "error" in r && "body" in r) {
    return httpFailure(r.status, r.headers, r.body, redactor); // extended response
  }
  const response = asRecord(r?.response);
  if (response && typeof response.status === "number") {
    return httpFailure(response.status, response.headers, response.data, redactor); // axios error with an answer
  }
  if (r && r.isAxiosError === true) {
    const code = str(r.code);
    const kind = code && TIMEOUT_CODES.has(code) ? "timeout" : "network";
    return { kind, headers: {}, code, apiMessage: redactor.redact(str(r.message) ?? "no response") };
  }
  const message = raw instanceof Error ? raw.message : str(raw) ?? "unexpected rejection from the Genesys SDK";
  return { kind: "client", headers: {}, apiMessage: redactor.redact(message) };
}

/** True for failures worth retrying: 429, 5xx, timeouts and network errors. */
export function isTransient(failure: SdkFailure): boolean {
  if (failure.kind === "timeout" || failure.kind === "network") return true;
  return failure.kind === "http" && failure.status !== undefined && (failure.status === 429 || failure.status >= 500);
}

/** The GenesysFailureClass of a failure kind and status. */
export function classifyFailure(kind: GenesysFailureKind, status: number | undefined): GenesysFailureClass {
  if (kind === "bad-credentials") return "credential-rejected";
  if (kind === "timeout" || kind === "network" || kind === "undocumented") return "unavailable";
  if (kind === "http" && status !== undefined && (status === 429 || status >= 500)) return "unavailable";
  return "refused";
}

/** The GenesysFailureClass of anything thrown by a Genesys call; anything that is not a GenesysApiError is "refused". */
export function failureClassOf(err: unknown): GenesysFailureClass {
  return err instanceof GenesysApiError ? err.failureClass : "refused";
}
