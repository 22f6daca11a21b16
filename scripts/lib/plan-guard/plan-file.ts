/**
 * Reads and validates the output of `terraform show -json <planfile>` ("Plan Representation" of Terraform's
 * JSON Output Format, https://developer.hashicorp.com/terraform/internals/json-format; field list from
 * `internal/command/jsonplan/plan.go`). Only what the guard decides on is modelled; everything it reads is checked,
 * and anything it cannot read stops it with a message naming the file, the field and the address.
 */
import { describeActions, ChangeKind, UnsupportedActionsError } from "./actions";
import { Address, AddressSyntaxError, parseAddress } from "./address";
import { PlanInputError } from "./errors";

export { PlanInputError } from "./errors";

export interface ResourceChange {
  readonly address: string;
  readonly parsedAddress: Address;
  readonly type: string;
  readonly name: string;
  readonly mode: "managed" | "data";
  readonly kind: ChangeKind;
  /** The raw action list, e.g. ["delete","create"]. */
  readonly actions: readonly string[];
  /** The object now in state is destroyed or dropped from state (delete, any replace, forget). */
  readonly removesObject: boolean;
  /** Set when the change concerns a deposed object (left behind by a failed create_before_destroy). */
  readonly deposed?: string;
  /** Terraform's reason code, e.g. "replace_because_cannot_update" or "delete_because_no_resource_config". */
  readonly actionReason?: string;
  /** Attribute paths that force replacement, rendered as dotted strings. */
  readonly replacePaths: readonly string[];
  /** The address in the previous run, when a `moved` block moved it. */
  readonly previousAddress?: string;
  /** True when the change also imports the object. */
  readonly importing: boolean;
  readonly before: unknown;
  readonly after: unknown;
  readonly afterUnknown: unknown;
  readonly beforeSensitive: unknown;
  readonly afterSensitive: unknown;
}

export interface DeferredChange {
  readonly reason: string;
  /** As Terraform writes it; a deferred instance of unknown key reads `TYPE.NAME[*]`. */
  readonly address: string;
  readonly actions: readonly string[];
}

export interface ParsedPlan {
  /** Where the plan came from (file name), used in messages. */
  readonly source: string;
  readonly formatVersion: string;
  readonly terraformVersion?: string;
  /** `undefined` when the plan does not say (older Terraform versions omit these fields). */
  readonly errored?: boolean;
  readonly complete?: boolean;
  readonly applyable?: boolean;
  readonly changes: readonly ResourceChange[];
  /** `resource_drift[]`: changes made outside Terraform since the last apply. */
  readonly drift: readonly ResourceChange[];
  readonly deferred: readonly DeferredChange[];
  /** Addresses of `action_invocations[]` and `deferred_action_invocations[]` (Terraform `action` blocks). */
  readonly actionInvocations: readonly string[];
  readonly deferredActionInvocations: readonly string[];
  /** Names of root outputs whose change is not a no-op. */
  readonly outputChanges: readonly string[];
}

const UTF16_HINT = "the plan file is UTF-16; write it with `terraform show -json plan.tfplan > plan.json` from bash, or convert it to UTF-8";
const BINARY_HINT = "this is a binary plan file (zip), not JSON; convert it with `terraform show -json <planfile> > plan.json`";

/**
 * Turns the bytes of a plan file into text: a UTF-8 byte order mark is dropped; UTF-16 (a FE FF / FF FE mark or NUL
 * bytes, as PowerShell's `>` writes) and bytes that are not UTF-8 are refused with what to do instead.
 */
export function decodePlanBytes(bytes: Uint8Array, source: string): string {
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) throw new PlanInputError(source, BINARY_HINT);
  if ((bytes[0] === 0xfe && bytes[1] === 0xff) || (bytes[0] === 0xff && bytes[1] === 0xfe) || bytes.includes(0)) {
    throw new PlanInputError(source, UTF16_HINT);
  }
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(start));
  } catch {
    throw new PlanInputError(source, "the file is not UTF-8 text; expected the output of `terraform show -json <planfile>`");
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function renderPath(path: unknown): string {
  if (!Array.isArray(path)) return String(path);
  return path.map((step) => (typeof step === "number" ? `[${step}]` : String(step))).join(".").replace(/\.\[/g, "[");
}

/**
 * Parses and validates the text of `terraform show -json <planfile>`.
 * A plan without `resource_changes` (Terraform omits it when nothing is managed) is a valid, empty plan.
 */
export function parsePlan(rawText: string, source: string): ParsedPlan {
  const text = rawText.startsWith("\uFEFF") ? rawText.slice(1) : rawText;
  if (text.startsWith("PK")) throw new PlanInputError(source, BINARY_HINT);
  if (text.includes("\u0000")) throw new PlanInputError(source, UTF16_HINT);
  if (text.trim() === "") throw new PlanInputError(source, "the file is empty; expected the output of `terraform show -json <planfile>`");
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new PlanInputError(source, `not valid JSON (${(err as Error).message})`);
  }
  const fail = (problem: string): never => {
    throw new PlanInputError(source, problem);
  };
  if (!isRecord(doc)) return fail("expected a JSON object at the top level");
  const formatVersion = doc.format_version;
  if (typeof formatVersion !== "string") {
    return fail("missing string field `format_version`; is this the output of `terraform show -json <planfile>`?");
  }
  if (!/^1(\.[0-9]+)*$/.test(formatVersion)) {
    fail(
      `unsupported format_version ${JSON.stringify(formatVersion)}: plan-guard reads major version 1 (expected 1.x) and refuses other majors, as Terraform's JSON Output Format asks`,
    );
  }
  if (!("planned_values" in doc) && !("resource_changes" in doc) && "values" in doc) {
    fail("this looks like state JSON (`terraform show -json` without a plan file), not a plan");
  }
  const flag = (field: "errored" | "complete" | "applyable"): boolean | undefined => {
    const value = doc[field];
    if (value === undefined) return undefined;
    if (typeof value !== "boolean") return fail(`\`${field}\` must be true or false; got ${JSON.stringify(value)}`);
    return value;
  };
  const list = (field: string): unknown[] => {
    const value = doc[field];
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) return fail(`\`${field}\` must be an array`);
    return value;
  };

  const changes = list("resource_changes").map((entry, i) => parseChange(entry, `resource_changes[${i}]`, source));
  const drift = list("resource_drift").map((entry, i) => parseChange(entry, `resource_drift[${i}]`, source));
  const deferred = list("deferred_changes").map((entry, i): DeferredChange => {
    const where = `deferred_changes[${i}]`;
    if (!isRecord(entry)) return fail(`${where}: expected an object`);
    const reason = typeof entry.reason === "string" ? entry.reason : "unknown";
    const rc = entry.resource_change;
    if (!isRecord(rc) || typeof rc.address !== "string" || !isRecord(rc.change)) return fail(`${where}: missing \`resource_change\` with an address and a change`);
    try {
      describeActions(rc.change.actions, rc.address);
    } catch (err) {
      if (err instanceof UnsupportedActionsError) return fail(`${where}: ${err.message}`);
      throw err;
    }
    return { reason, address: rc.address, actions: rc.change.actions as string[] };
  });
  const invocationAddress = (entry: unknown, i: number): string => (isRecord(entry) && typeof entry.address === "string" ? entry.address : `#${i}`);
  const actionInvocations = list("action_invocations").map(invocationAddress);
  const deferredActionInvocations = list("deferred_action_invocations").map((entry, i) =>
    isRecord(entry) && isRecord(entry.action_invocation) ? invocationAddress(entry.action_invocation, i) : invocationAddress(entry, i),
  );

  const outputChanges: string[] = [];
  const outputs = doc.output_changes;
  if (outputs !== undefined && outputs !== null) {
    if (!isRecord(outputs)) fail("`output_changes` must be an object");
    for (const [name, change] of Object.entries(outputs as Record<string, unknown>)) {
      const actions = isRecord(change) ? change.actions : undefined;
      try {
        if (describeActions(actions, `output.${name}`).kind !== "no-op") outputChanges.push(name);
      } catch (err) {
        if (err instanceof UnsupportedActionsError) fail(`output_changes: ${err.message}`);
        throw err;
      }
    }
  }

  return {
    source,
    formatVersion,
    terraformVersion: stringOrUndefined(doc.terraform_version),
    errored: flag("errored"),
    complete: flag("complete"),
    applyable: flag("applyable"),
    changes,
    drift,
    deferred,
    actionInvocations,
    deferredActionInvocations,
    outputChanges,
  };
}

function parseChange(entry: unknown, where: string, source: string): ResourceChange {
  const fail = (problem: string): never => {
    throw new PlanInputError(source, `${where}: ${problem}`);
  };
  if (!isRecord(entry)) return fail("expected an object");
  const { address, type, name } = entry;
  if (typeof address !== "string" || address === "") return fail("missing string `address`");
  if (typeof type !== "string" || type === "") return fail(`${address}: missing string \`type\``);
  if (typeof name !== "string") return fail(`${address}: missing string \`name\``);
  if (entry.mode !== "managed" && entry.mode !== "data") return fail(`${address}: \`mode\` must be "managed" or "data"; got ${JSON.stringify(entry.mode)}`);
  const mode = entry.mode;
  let parsedAddress: Address;
  try {
    parsedAddress = parseAddress(address);
  } catch (err) {
    if (!(err instanceof AddressSyntaxError)) throw err;
    return fail(`cannot read the address: ${err.message}`);
  }
  const r = parsedAddress.resource!;
  if (r.type !== type || r.name !== name || r.mode !== mode) {
    fail(`${address}: the address does not agree with \`type\` ${JSON.stringify(type)}, \`name\` ${JSON.stringify(name)} and \`mode\` ${JSON.stringify(mode)}`);
  }
  const change = entry.change;
  if (!isRecord(change)) return fail(`${address}: missing object \`change\``);
  let meaning;
  try {
    meaning = describeActions(change.actions, address);
  } catch (err) {
    if (err instanceof UnsupportedActionsError) return fail(err.message);
    throw err;
  }
  if (mode === "data" && meaning.kind !== "read" && meaning.kind !== "no-op") {
    fail(`unsupported actions ${JSON.stringify(change.actions)} at ${address}: a data source is only read (["read"] or ["no-op"])`);
  }
  const replacePaths = Array.isArray(change.replace_paths) ? change.replace_paths.map(renderPath) : [];
  return {
    address,
    parsedAddress,
    type,
    name,
    mode,
    kind: meaning.kind,
    actions: change.actions as string[],
    removesObject: meaning.removesObject,
    deposed: stringOrUndefined(entry.deposed),
    actionReason: stringOrUndefined(entry.action_reason),
    replacePaths,
    previousAddress: stringOrUndefined(entry.previous_address),
    importing: isRecord(change.importing),
    before: change.before,
    after: change.after,
    afterUnknown: change.after_unknown,
    beforeSensitive: change.before_sensitive,
    afterSensitive: change.after_sensitive,
  };
}
