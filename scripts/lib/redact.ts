/**
 * Masks credentials in anything the scripts print, log or write.
 *
 * Every line of output of the rotation and smoke CLIs (stdout, stderr, JSON reports, audit logs) goes through one
 * `Redactor`. It masks:
 *  - every value registered with `add` / `addCredential` (client secrets, access tokens), wherever it appears;
 *  - `Bearer …` and `Basic …` authorization values;
 *  - values of credential-like keys: `"access_token": "…"`, `secret=…`, `clientSecret: '…'`, `password`, etc.
 *
 * Error objects from the Genesys SDK carry the `Basic` login header or the `Bearer` token (research notes §7.7):
 * never print them as they are; use `safeErrorMessage` instead.
 */

/** What a masked value is replaced with. */
export const REDACTED = "[REDACTED]";

/** Registered values shorter than this are ignored: masking them would shred unrelated text. */
export const MIN_SECRET_LENGTH = 4;

/** Keys whose values are credentials, matched case-insensitively, also in `snake_case` / `camelCase` forms. */
export const SENSITIVE_KEYS: readonly string[] = [
  "access_token",
  "accessToken",
  "refresh_token",
  "refreshToken",
  "id_token",
  "client_secret",
  "clientSecret",
  "secret",
  "password",
  "authorization",
  "token",
];

const SENSITIVE_KEY_SET = new Set(SENSITIVE_KEYS.map((k) => k.toLowerCase()));

/** `Bearer <token>` / `Basic <base64>` (header values, also inside inspected objects). */
const AUTH_SCHEME_PATTERN = /\b(Bearer|Basic)(\s+)[A-Za-z0-9._~+/=-]+/gi;

/**
 * `key: value`, `"key": "value"`, `key=value`, `'key': 'value'` for the sensitive keys. The value is a quoted
 * string or a run of characters up to a separator. A key that is part of a longer name or path is not a key:
 * `arn:aws:secretsmanager:eu-west-1:123456789012:secret:genesys/prod/x` (the resource type `secret` of an ARN,
 * preceded by ":") and `genesys/secret:x` are left alone, so ARNs and names are printed intact.
 */
const KEY_VALUE_PATTERN = new RegExp(
  `(?<![\\w:/.-])(["']?\\b(?:${SENSITIVE_KEYS.join("|")})\\b["']?\\s*[:=]\\s*)("(?:[^"\\\\]|\\\\.)*"|'(?:[^'\\\\]|\\\\.)*'|[^\\s,;&}\\]"']+)`,
  "gi",
);

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function maskKeyValue(_match: string, prefix: string, value: string): string {
  // A value that is itself `Bearer x` keeps its scheme visible only through the scheme pattern.
  const quote = value.startsWith('"') ? '"' : value.startsWith("'") ? "'" : "";
  return `${prefix}${quote}${REDACTED}${quote}`;
}

/** Masks registered secrets and credential-shaped text. One instance is shared by everything a CLI prints. */
export class Redactor {
  private readonly secrets = new Set<string>();
  private pattern: RegExp | undefined;

  /** @param secrets values to mask from the start (e.g. secrets read from the secret store). */
  constructor(secrets: Iterable<string | undefined> = []) {
    for (const s of secrets) this.add(s);
  }

  /**
   * Registers a value to mask wherever it appears, plus its URL-encoded and base64 forms.
   * @returns false when the value was ignored (empty or shorter than MIN_SECRET_LENGTH).
   */
  add(secret: string | undefined | null): boolean {
    if (typeof secret !== "string" || secret.length < MIN_SECRET_LENGTH) return false;
    const forms = [secret, encodeURIComponent(secret), Buffer.from(secret).toString("base64")];
    let changed = false;
    for (const form of forms) {
      if (form.length >= MIN_SECRET_LENGTH && !this.secrets.has(form)) {
        this.secrets.add(form);
        changed = true;
      }
    }
    if (changed) this.pattern = undefined;
    return true;
  }

  /** Registers a client secret and the `base64(clientId:secret)` value of its HTTP Basic header. */
  addCredential(clientId: string, secret: string): void {
    this.add(secret);
    this.add(Buffer.from(`${clientId}:${secret}`).toString("base64"));
  }

  /**
   * Registers a value read from a secret as a whole: the raw text, and every string field of its JSON (at any
   * depth) except those `isPublic(key, value)` vouches for (e.g. a client id of the expected form), plus the
   * `base64(x:y)` Basic form of every pair of its string fields. Whatever field holds the secret, and whatever a
   * hand-written value looks like (fields swapped, extra fields), no part of it can be printed unless proven public.
   */
  addSecretText(text: string, isPublic: (key: string, value: string) => boolean = () => false): void {
    this.add(text);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return;
    }
    const strings: Array<[string, string]> = [];
    collectStrings(parsed, "", strings, 0);
    for (const [key, value] of strings) if (!isPublic(key, value)) this.add(value);
    for (const [, x] of strings) {
      for (const [, y] of strings) if (x !== y) this.add(Buffer.from(`${x}:${y}`).toString("base64"));
    }
  }

  /** How many distinct values (all forms) are registered. */
  get size(): number {
    return this.secrets.size;
  }

  /** Returns `text` with every registered value and credential-shaped substring masked. */
  redact(text: string): string {
    let out = text;
    // The alternation of every registered form is costly on each line; most lines hold none of them, which
    // `includes` (a native scan per value) finds out for less.
    const pattern = this.containsSecret(text) ? this.secretPattern() : undefined;
    if (pattern) out = out.replace(pattern, REDACTED);
    out = out.replace(AUTH_SCHEME_PATTERN, `$1$2${REDACTED}`);
    out = out.replace(KEY_VALUE_PATTERN, maskKeyValue);
    return out;
  }

  /**
   * Deep copy of `value` for JSON output: strings are redacted, values under sensitive keys are replaced by
   * REDACTED, Errors become `{ name, message }` with a redacted message. Cycles become "[Circular]".
   */
  redactValue(value: unknown): unknown {
    return this.redactDeep(value, new WeakSet<object>());
  }

  /** `JSON.stringify` of `redactValue(value)`, then redacted again as text. */
  stringify(value: unknown, space?: number): string {
    return this.redact(JSON.stringify(this.redactValue(value), null, space) ?? "undefined");
  }

  private redactDeep(value: unknown, seen: WeakSet<object>): unknown {
    if (typeof value === "string") return this.redact(value);
    if (value === null || typeof value !== "object") return value;
    if (seen.has(value)) return "[Circular]";
    seen.add(value);
    if (value instanceof Error) return { name: value.name, message: this.redact(value.message) };
    if (Array.isArray(value)) return value.map((v) => this.redactDeep(v, seen));
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      out[key] = SENSITIVE_KEY_SET.has(key.toLowerCase()) && v !== undefined ? REDACTED : this.redactDeep(v, seen);
    }
    return out;
  }

  private containsSecret(text: string): boolean {
    for (const secret of this.secrets) if (text.includes(secret)) return true;
    return false;
  }

  private secretPattern(): RegExp | undefined {
    if (this.secrets.size === 0) return undefined;
    if (!this.pattern) {
      // Longest first, so a secret is masked whole before any shorter value inside it.
      const alternatives = [...this.secrets].sort((a, b) => b.length - a.length).map(escapeRegExp);
      this.pattern = new RegExp(alternatives.join("|"), "g");
    }
    this.pattern.lastIndex = 0;
    return this.pattern;
  }
}

function collectStrings(value: unknown, key: string, out: Array<[string, string]>, depth: number): void {
  if (typeof value === "string") out.push([key, value]);
  else if (depth < 8 && value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) collectStrings(v, Array.isArray(value) ? key : k, out, depth + 1);
  }
}

/**
 * A one-line, redacted description of any thrown value, safe to print. It reads only `name`, `message` and
 * `code` of errors (never `config`, `request` or `response`, which hold credentials) and never inspects
 * other objects beyond a string `message`.
 */
export function safeErrorMessage(err: unknown, redactor: Redactor): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    const suffix = typeof code === "string" && !err.message.includes(code) ? ` (${code})` : "";
    return redactor.redact(`${err.name}: ${err.message}${suffix}`);
  }
  if (typeof err === "string") return redactor.redact(err);
  if (err !== null && typeof err === "object") {
    const message = (err as { message?: unknown }).message;
    if (typeof message === "string") return redactor.redact(message);
    return "Unknown error object (details withheld: it may contain credentials)";
  }
  return redactor.redact(String(err));
}
