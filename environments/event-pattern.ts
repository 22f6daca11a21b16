/**
 * EventBridge event patterns: one validator (used at synth for raw `eventPattern`s) and one matcher (used by the
 * tests' fake delivery chain), so the patterns the project writes are checked by the same rules they are tested with.
 *
 * Rules implemented, from the EventBridge User Guide:
 * - "Creating event patterns" / "Comparison operators for use in event patterns"
 *   (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html): a pattern is a JSON
 *   object whose leaves are arrays of alternatives; a leaf alternative is an exact value (string, number, true,
 *   false, null) or an object with one operator: `prefix`, `suffix` (a string, or `{ "equals-ignore-case": string }`),
 *   `equals-ignore-case`, `wildcard` (string), `anything-but` (a string, a number, a list of strings or of numbers, or
 *   `{ prefix | suffix | equals-ignore-case | wildcard }`), `numeric` (operator/number pairs), `exists` (boolean),
 *   `cidr` (an IP block); `$or` takes a list of patterns; operators work on leaf nodes only (except `$or`,
 *   `anything-but`); "Exists matching only works on leaf nodes"; an event array matches when any element matches.
 * - "Content filtering in Amazon EventBridge event patterns": numeric matching works on values between -5.0e9 and
 *   +5.0e9 inclusive, with up to six digits after the decimal point.
 * - "Amazon EventBridge quotas" (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html): "Event
 *   pattern size: 2048" characters by default (adjustable to 4096 on request).
 * Details the guide leaves open follow aws/event-ruler, the open-source matcher EventBridge uses (JsonRuleCompiler):
 * empty arrays and consecutive `**` wildcards are rejected (`\*` is a literal star, `\\` a literal backslash, any
 * other escape is an error), an empty prefix/suffix inside anything-but is rejected, `$or` needs at least two
 * patterns; numbers with more than six decimals are accepted (event-ruler truncates them, it does not refuse them).
 */

/** Default maximum size of a rule's event pattern, in characters of its JSON (EventBridge quota, adjustable). */
export const EVENT_PATTERN_MAX_LENGTH = 2048;
/** Numeric matching range and precision (EventBridge content filtering). */
const NUMERIC_LIMIT = 5e9;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

const show = (v: unknown): string => JSON.stringify(v) ?? String(v);
const at = (path: string, key: string): string => (path ? `${path}.${key}` : key);

// ---------------------------------------------------------------------------------------------------- validation

/**
 * The problems of a pattern, each `"<path>: <what is wrong>"` (path inside the pattern, e.g. `detail.state[0]`).
 * An empty list means EventBridge accepts the pattern's structure and operators.
 */
export function validateEventPattern(pattern: unknown, options: { maxLength?: number } = {}): string[] {
  const problems: string[] = [];
  if (!isObject(pattern)) return [`(pattern): must be a JSON object, got ${show(pattern)}`];
  if (Object.keys(pattern).length === 0) return ["(pattern): must not be empty"];
  checkObject(pattern, "", problems);
  const maxLength = options.maxLength ?? EVENT_PATTERN_MAX_LENGTH;
  const length = JSON.stringify(pattern).length;
  if (length > maxLength) {
    problems.push(`(pattern): is ${length} characters long; EventBridge allows ${maxLength} (quota "Event pattern size")`);
  }
  return problems;
}

function checkObject(node: Record<string, unknown>, path: string, problems: string[]): void {
  for (const [key, value] of Object.entries(node)) {
    const here = at(path, key);
    if (key === "$or") {
      if (!Array.isArray(value) || value.length < 2) {
        problems.push(`${here}: must be a list of at least two patterns, got ${show(value)}`);
        if (!Array.isArray(value)) continue;
      }
      value.forEach((sub, i) => {
        if (!isObject(sub) || Object.keys(sub).length === 0) problems.push(`${here}[${i}]: must be a non-empty object, got ${show(sub)}`);
        else checkObject(sub, `${here}[${i}]`, problems);
      });
    } else if (Array.isArray(value)) {
      if (value.length === 0) problems.push(`${here}: an empty list matches nothing and is rejected`);
      value.forEach((alt, i) => checkAlternative(alt, `${here}[${i}]`, problems));
    } else if (isObject(value)) {
      if (Object.keys(value).length === 0) problems.push(`${here}: must not be an empty object`);
      else checkObject(value, here, problems);
    } else {
      problems.push(`${here}: must be a list of values (e.g. [${show(value)}]) or a nested object, got ${show(value)}`);
    }
  }
}

const isString = (v: unknown): v is string => typeof v === "string";
const isStringOrIgnoreCase = (v: unknown): boolean =>
  isString(v) || (isObject(v) && Object.keys(v).length === 1 && isString(v["equals-ignore-case"]));

function checkAlternative(alt: unknown, path: string, problems: string[]): void {
  if (alt === null || ["string", "number", "boolean"].includes(typeof alt)) return;
  if (!isObject(alt)) {
    problems.push(`${path}: must be a value or an operator object, got ${show(alt)}`);
    return;
  }
  const keys = Object.keys(alt);
  if (keys.length !== 1) {
    problems.push(`${path}: an operator object has exactly one operator, got ${show(keys)}`);
    return;
  }
  const [op] = keys;
  const arg = alt[op];
  const bad = (expected: string): void => {
    problems.push(`${path}.${op}: must be ${expected}, got ${show(arg)}`);
  };
  switch (op) {
    case "prefix":
    case "suffix":
      if (!isStringOrIgnoreCase(arg)) bad('a string or { "equals-ignore-case": string }');
      return;
    case "equals-ignore-case":
      if (!isString(arg)) bad("a string");
      return;
    case "wildcard":
      if (!isString(arg)) bad("a string");
      else {
        const problem = wildcardProblem(arg);
        if (problem) bad(`a wildcard string (${problem})`);
      }
      return;
    case "exists":
      if (typeof arg !== "boolean") bad("true or false");
      return;
    case "cidr":
      if (!isString(arg) || !parseCidr(arg)) bad('an IPv4 or IPv6 block such as "10.0.0.0/24"');
      return;
    case "numeric":
      checkNumeric(arg, `${path}.numeric`, problems);
      return;
    case "anything-but":
      checkAnythingBut(arg, `${path}.anything-but`, problems);
      return;
    default:
      problems.push(`${path}: unknown operator "${op}" (known: prefix, suffix, equals-ignore-case, wildcard, anything-but, numeric, exists, cidr)`);
  }
}

const inNumericRange = (v: unknown): boolean => typeof v !== "number" || Math.abs(v) <= NUMERIC_LIMIT;

function checkAnythingBut(arg: unknown, path: string, problems: string[]): void {
  if (isString(arg) || typeof arg === "number") {
    if (!inNumericRange(arg)) problems.push(`${path}: numbers must lie between -5.0e9 and 5.0e9, got ${show(arg)}`);
    return;
  }
  if (Array.isArray(arg)) {
    if (arg.length === 0 || !(arg.every(isString) || arg.every((v) => typeof v === "number"))) {
      problems.push(`${path}: a list must be non-empty and hold only strings or only numbers, got ${show(arg)}`);
    } else if (!arg.every(inNumericRange)) {
      problems.push(`${path}: numbers must lie between -5.0e9 and 5.0e9, got ${show(arg)}`);
    }
    return;
  }
  if (isObject(arg) && Object.keys(arg).length === 1) {
    const [op] = Object.keys(arg);
    const v = arg[op];
    const stringOrList = isString(v) || (Array.isArray(v) && v.length > 0 && v.every(isString));
    if ((op === "prefix" || op === "suffix") && isString(v) && v !== "") return;
    if (op === "equals-ignore-case" && stringOrList) return;
    if (op === "wildcard" && stringOrList) {
      const bad = (Array.isArray(v) ? v : [v]).map((w) => wildcardProblem(w as string)).find((p) => p !== undefined);
      if (bad) problems.push(`${path}.wildcard: ${bad}, got ${show(v)}`);
      return;
    }
    problems.push(`${path}: { "${op}": ${show(v)} } is not supported inside anything-but (prefix or suffix with a non-empty string; equals-ignore-case or wildcard with a string or list of strings)`);
    return;
  }
  problems.push(`${path}: must be a string, a number, a list of strings or of numbers, or one of prefix/suffix/equals-ignore-case/wildcard, got ${show(arg)}`);
}

const LOWER = new Set([">", ">="]);
const UPPER = new Set(["<", "<="]);

function checkNumeric(arg: unknown, path: string, problems: string[]): void {
  const fail = (why: string): void => {
    problems.push(`${path}: ${why}, got ${show(arg)}`);
  };
  if (!Array.isArray(arg) || (arg.length !== 2 && arg.length !== 4)) return fail('must be [op, number] or [">"|">=", low, "<"|"<=", high]');
  for (let i = 0; i < arg.length; i += 2) {
    const [op, n] = [arg[i], arg[i + 1]];
    if (typeof n !== "number" || !Number.isFinite(n)) return fail(`needs a number after "${String(op)}"`);
    if (Math.abs(n) > NUMERIC_LIMIT) return fail(`numbers must lie between -5.0e9 and 5.0e9`);
    if (!["=", ...LOWER, ...UPPER].includes(op as string)) return fail(`unknown comparison ${show(op)} (use =, <, <=, >, >=)`);
  }
  if (arg.length === 4) {
    if (!LOWER.has(arg[0] as string) || !UPPER.has(arg[2] as string)) return fail("a range is a lower bound (> or >=) followed by an upper bound (< or <=)");
    if ((arg[1] as number) >= (arg[3] as number)) return fail("the lower bound must be below the upper bound");
  }
}

/** Asserts a pattern is valid; the error lists every problem. */
export function assertValidEventPattern(pattern: unknown): asserts pattern is Record<string, Json> {
  const problems = validateEventPattern(pattern, { maxLength: Number.POSITIVE_INFINITY });
  if (problems.length > 0) throw new Error(`Invalid event pattern:\n  - ${problems.join("\n  - ")}`);
}

// ------------------------------------------------------------------------------------------------------ matching

/**
 * True when EventBridge would deliver `event` to a rule with `pattern`. Throws on an invalid pattern: a fake that
 * met a pattern EventBridge would reject must not quietly match or drop events.
 */
export function matchesEventPattern(pattern: unknown, event: unknown): boolean {
  assertValidEventPattern(pattern);
  return matchObject(pattern, event);
}

function matchObject(pattern: Record<string, Json>, value: unknown): boolean {
  if (Array.isArray(value)) return value.some((element) => matchObject(pattern, element));
  const node = isObject(value) ? value : undefined;
  return Object.entries(pattern).every(([key, condition]) => {
    if (key === "$or") return (condition as Record<string, Json>[]).some((sub) => matchObject(sub, value));
    const child = node?.[key];
    if (Array.isArray(condition)) return matchLeaf(condition, child);
    return matchObject(condition as Record<string, Json>, child);
  });
}

function matchLeaf(alternatives: Json[], value: unknown): boolean {
  if (Array.isArray(value)) {
    if (value.length === 0) return alternatives.some((alt) => isObject(alt) && alt.exists === false);
    return value.some((v) => matchLeaf(alternatives, v));
  }
  return alternatives.some((alt) => matchAlternative(alt, value));
}

function matchAlternative(alt: Json, value: unknown): boolean {
  if (!isObject(alt)) return value !== undefined && sameValue(alt, value);
  const [[op, arg]] = Object.entries(alt);
  if (op === "exists") return arg === (value !== undefined && !isObject(value));
  if (value === undefined || isObject(value)) return false;
  switch (op) {
    case "prefix":
    case "suffix":
    case "equals-ignore-case":
      return typeof value === "string" && compareText(op, arg, value);
    case "wildcard":
      return typeof value === "string" && wildcardRegex(arg as string).test(value);
    case "numeric":
      return typeof value === "number" && inRange(arg as Json[], value);
    case "cidr":
      return typeof value === "string" && inCidr(arg as string, value);
    case "anything-but":
      return !anythingButExcludes(arg, value);
    default:
      return false;
  }
}

function sameValue(expected: Json, value: unknown): boolean {
  return typeof expected === "number" && typeof value === "number" ? expected === value : expected === value;
}

/** prefix/suffix/equals-ignore-case, with `{ "equals-ignore-case": … }` turning a prefix or suffix case-blind. */
function compareText(op: string, arg: Json, value: string): boolean {
  const ignoreCase = op === "equals-ignore-case" || isObject(arg);
  const expected = (isObject(arg) ? arg["equals-ignore-case"] : arg) as string;
  const [a, b] = ignoreCase ? [value.toLowerCase(), expected.toLowerCase()] : [value, expected];
  return op === "prefix" ? a.startsWith(b) : op === "suffix" ? a.endsWith(b) : a === b;
}

function anythingButExcludes(arg: Json, value: unknown): boolean {
  if (Array.isArray(arg)) return arg.some((v) => sameValue(v, value));
  if (!isObject(arg)) return sameValue(arg, value);
  if (typeof value !== "string") return false;
  const [[op, v]] = Object.entries(arg);
  const list = (Array.isArray(v) ? v : [v]) as string[];
  if (op === "wildcard") return list.some((w) => wildcardRegex(w).test(value));
  return list.some((s) => compareText(op, s, value));
}

/**
 * A wildcard as tokens: literal text and `*` (any run of characters). `\*` is a literal star and `\\` a literal
 * backslash; any other escape, or two `*` in a row, is an error (event-ruler's wildcard parser).
 */
const STAR = Symbol("*");

function wildcardTokens(wildcard: string): { tokens: (string | typeof STAR)[] } | { problem: string } {
  const tokens: (string | typeof STAR)[] = [];
  let text = "";
  for (let i = 0; i < wildcard.length; i++) {
    const c = wildcard[i];
    if (c === "\\") {
      const next = wildcard[i + 1];
      if (next !== "*" && next !== "\\") return { problem: `"\\${next ?? ""}" at position ${i} is not an escape (use \\* or \\\\)` };
      text += next;
      i++;
    } else if (c === "*") {
      if (tokens[tokens.length - 1] === STAR && text === "") return { problem: `consecutive * at position ${i}` };
      if (text) tokens.push(text);
      text = "";
      tokens.push(STAR);
    } else {
      text += c;
    }
  }
  if (text) tokens.push(text);
  return { tokens };
}

function wildcardProblem(wildcard: string): string | undefined {
  const scanned = wildcardTokens(wildcard);
  return "problem" in scanned ? scanned.problem : undefined;
}

function wildcardRegex(wildcard: string): RegExp {
  const scanned = wildcardTokens(wildcard);
  if ("problem" in scanned) throw new Error(`invalid wildcard ${show(wildcard)}: ${scanned.problem}`);
  const body = scanned.tokens.map((t) => (t === STAR ? ".*" : t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))).join("");
  return new RegExp(`^${body}$`, "s");
}

function inRange(spec: Json[], value: number): boolean {
  for (let i = 0; i < spec.length; i += 2) {
    const bound = spec[i + 1] as number;
    const ok =
      spec[i] === "=" ? value === bound
      : spec[i] === "<" ? value < bound
      : spec[i] === "<=" ? value <= bound
      : spec[i] === ">" ? value > bound
      : value >= bound;
    if (!ok) return false;
  }
  return true;
}

// ------------------------------------------------------------------------------------------------------ IP blocks

/** An address as a big integer and its bit width, or undefined when it is not an IPv4/IPv6 literal. */
function parseIp(text: string): { bits: number; value: bigint } | undefined {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(text)) {
    const octets = text.split(".").map(Number);
    if (octets.some((o) => o > 255)) return undefined;
    return { bits: 32, value: octets.reduce((acc, o) => (acc << 8n) | BigInt(o), 0n) };
  }
  if (!/^[0-9a-fA-F:]+$/.test(text) || !text.includes(":")) return undefined;
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const groups = halves.map((h) => (h === "" ? [] : h.split(":")));
  const missing = 8 - groups.reduce((n, g) => n + g.length, 0);
  if ((halves.length === 1 && missing !== 0) || missing < 0) return undefined;
  const all = halves.length === 2 ? [...groups[0], ...Array<string>(missing).fill("0"), ...groups[1]] : groups[0];
  if (all.some((g) => g.length === 0 || g.length > 4)) return undefined;
  return { bits: 128, value: all.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n) };
}

function parseCidr(text: string): { bits: number; value: bigint; prefix: number } | undefined {
  const [address, prefixText, ...rest] = text.split("/");
  if (rest.length > 0 || prefixText === undefined || !/^\d{1,3}$/.test(prefixText)) return undefined;
  const ip = parseIp(address);
  const prefix = Number(prefixText);
  if (!ip || prefix > ip.bits) return undefined;
  return { ...ip, prefix };
}

function inCidr(cidr: string, value: string): boolean {
  const block = parseCidr(cidr);
  const ip = parseIp(value);
  if (!block || !ip || ip.bits !== block.bits) return false;
  const shift = BigInt(block.bits - block.prefix);
  return ip.value >> shift === block.value >> shift;
}
