/**
 * Terraform resource addresses, read segment by segment.
 *
 * Syntax (https://developer.hashicorp.com/terraform/cli/state/resource-addressing, "Resource Address Reference"):
 * `[module path][resource spec]`, a module path being `module.NAME[KEY]` repeated, a resource spec
 * `[data.]TYPE.NAME[KEY]`; a key is a number (`[0]`, count) or a quoted string (`["a,b"]`, for_each) that may hold
 * any character, so an address is never split on ".", "," or spaces without reading its keys.
 *
 * The same reader parses allowance patterns, where a name may contain `*` (any characters inside that one name)
 * and a key may be `[*]` (any key).
 */

export type InstanceKey = { readonly kind: "int"; readonly value: number } | { readonly kind: "string"; readonly value: string };
/** In a pattern only: `[*]`. */
export type KeyPattern = InstanceKey | { readonly kind: "any" };

export interface Step<K> {
  readonly name: string;
  readonly key?: K;
}

export interface ResourceSpec<K> {
  readonly mode: "managed" | "data";
  readonly type: string;
  readonly name: string;
  readonly key?: K;
}

export interface Address<K = InstanceKey> {
  readonly modules: readonly Step<K>[];
  /** Absent only for a module-only pattern (`module.bus`), never for a plan's address. */
  readonly resource?: ResourceSpec<K>;
}

export type AddressPattern = Address<KeyPattern>;

export class AddressSyntaxError extends Error {}

const NAME_CHAR = /[A-Za-z0-9_-]/;

class Reader {
  pos = 0;
  constructor(
    readonly text: string,
    readonly pattern: boolean,
  ) {}

  fail(problem: string): never {
    throw new AddressSyntaxError(`${problem} at character ${this.pos + 1} of ${JSON.stringify(this.text)}`);
  }

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  peekName(): string {
    let end = this.pos;
    while (end < this.text.length && (NAME_CHAR.test(this.text[end]) || (this.pattern && this.text[end] === "*"))) end++;
    return this.text.slice(this.pos, end);
  }

  name(what: string): string {
    const name = this.peekName();
    if (name === "") this.fail(`expected ${what}`);
    this.pos += name.length;
    return name;
  }

  dot(what: string): void {
    if (this.text[this.pos] !== ".") this.fail(`expected "." before ${what}`);
    this.pos++;
  }

  key(): KeyPattern | undefined {
    if (this.text[this.pos] !== "[") return undefined;
    this.pos++;
    let key: KeyPattern;
    const c = this.text[this.pos];
    if (c === '"') {
      let end = this.pos + 1;
      while (end < this.text.length && this.text[end] !== '"') end += this.text[end] === "\\" ? 2 : 1;
      if (end >= this.text.length) this.fail("unterminated quoted key");
      let value: unknown;
      try {
        value = JSON.parse(this.text.slice(this.pos, end + 1));
      } catch {
        this.fail("bad escape in quoted key");
      }
      key = { kind: "string", value: value as string };
      this.pos = end + 1;
    } else if (c !== undefined && /[0-9]/.test(c)) {
      const digits = /^[0-9]+/.exec(this.text.slice(this.pos))![0];
      key = { kind: "int", value: Number(digits) };
      this.pos += digits.length;
    } else if (c === "*" && this.pattern) {
      key = { kind: "any" };
      this.pos++;
    } else {
      this.fail(this.pattern ? 'expected a key: a number, a quoted string or *' : "expected a key: a number or a quoted string");
    }
    if (this.text[this.pos] !== "]") this.fail('expected "]"');
    this.pos++;
    return key;
  }
}

function read(text: string, pattern: boolean): Address<KeyPattern> {
  const r = new Reader(text, pattern);
  const modules: Step<KeyPattern>[] = [];
  if (r.atEnd()) r.fail("empty address");
  for (;;) {
    if (r.peekName() !== "module") break;
    r.pos += "module".length;
    r.dot("a module name");
    modules.push({ name: r.name("a module name"), key: r.key() });
    if (r.atEnd()) {
      if (!pattern) r.fail("expected a resource after the module path");
      return { modules };
    }
    r.dot("the next segment");
  }
  let mode: "managed" | "data" = "managed";
  if (r.peekName() === "data") {
    mode = "data";
    r.pos += "data".length;
    r.dot("a data source type");
  }
  const type = r.name("a resource type");
  r.dot("a resource name");
  const name = r.name("a resource name");
  const key = r.key();
  if (!r.atEnd()) r.fail("unexpected text after the resource");
  return { modules, resource: { mode, type, name, key } };
}

/** Parses a resource instance address as Terraform writes it in a plan. */
export function parseAddress(text: string): Address {
  return read(text, false) as Address;
}

/** Parses an allowance pattern: an address whose names may contain `*` and whose keys may be `[*]`. */
export function parseAddressPattern(text: string): AddressPattern {
  return read(text, true);
}

function globMatches(glob: string, value: string): boolean {
  if (!glob.includes("*")) return glob === value;
  const regex = new RegExp(`^${glob.split("*").map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("[^.\\[\\]\"]*")}$`);
  return regex.test(value);
}

function keyMatches(pattern: KeyPattern | undefined, key: InstanceKey | undefined): boolean {
  if (pattern === undefined) return true; // no key in the pattern: every instance, as in Terraform's -target
  if (key === undefined) return false;
  if (pattern.kind === "any") return true;
  return pattern.kind === key.kind && pattern.value === key.value;
}

function stepMatches(pattern: Step<KeyPattern>, step: Step<InstanceKey>): boolean {
  return globMatches(pattern.name, step.name) && keyMatches(pattern.key, step.key);
}

/**
 * True when `pattern` covers `address`, comparing whole segments: module names, the type and the resource name
 * each match only their own counterpart (`module.x` never matches `module.x2`; `*` never crosses a "." or a key).
 * A module-only pattern covers every resource in that module and the modules inside it; a segment without a key
 * covers every instance of it (Terraform's own reading of such addresses).
 */
export function addressMatches(pattern: AddressPattern, address: Address): boolean {
  const resource = address.resource;
  if (resource === undefined) return false;
  if (pattern.resource === undefined) {
    if (pattern.modules.length > address.modules.length) return false;
  } else if (pattern.modules.length !== address.modules.length) {
    return false;
  }
  for (let i = 0; i < pattern.modules.length; i++) {
    if (!stepMatches(pattern.modules[i], address.modules[i])) return false;
  }
  const p = pattern.resource;
  if (p === undefined) return true;
  return p.mode === resource.mode && globMatches(p.type, resource.type) && stepMatches(p, resource);
}

/** True when no module name, type or resource name of the pattern has a literal character (`*.*`, `module.*`). */
export function namesNothing(pattern: AddressPattern): boolean {
  const names = [...pattern.modules.map((m) => m.name), ...(pattern.resource ? [pattern.resource.type, pattern.resource.name] : [])];
  return names.every((n) => /^\*+$/.test(n));
}
