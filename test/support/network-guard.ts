/**
 * Fails a test that opens a connection (or resolves a name) anywhere but this machine's loopback.
 *
 * Installed for every test file by test/setup-env.ts; test/setup.ts checks after each test. Every TCP/TLS client
 * connection in Node goes through `net.Socket.prototype.connect` (`net.connect`, `tls.connect`, `http(s).request`
 * via their agents), and name resolution through `dns.lookup`: both are wrapped. A refused attempt is recorded
 * (host and port, the stack of the caller) and the socket is destroyed with an error, as an unreachable host would
 * be, so the code under test sees a network failure and the test fails naming the host.
 */
// The modules themselves, not `import *` copies: their functions are replaced in place. Node's built-in modules
// are shared by every test file of a jest worker, so the wrappers are installed once per worker and report to
// the recorder of the test file that runs now.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dns = require("node:dns") as typeof import("node:dns");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const net = require("node:net") as typeof import("node:net");

export interface NetworkViolation {
  readonly kind: "connect" | "lookup";
  /** host:port, or the name looked up. */
  readonly target: string;
  readonly stack: string;
}

const violations: NetworkViolation[] = [];

type Refuse = (kind: NetworkViolation["kind"], target: string) => Error;
interface GuardHooks {
  refuse: Refuse;
}
const HOOKS = Symbol.for("genesys-eventbridge-infra.network-guard");

/** Loopback names and addresses: localhost, 127.0.0.0/8, ::1 (also IPv4-mapped). */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (h === "localhost" || h.endsWith(".localhost") || h === "::1" || h === "0:0:0:0:0:0:0:1") return true;
  const v4 = h.startsWith("::ffff:") ? h.slice("::ffff:".length) : h;
  return net.isIPv4(v4) && v4.startsWith("127.");
}

function record(kind: NetworkViolation["kind"], target: string): Error {
  const error = new Error(`network guard: ${kind} to ${target} refused (tests may only reach 127.0.0.1/localhost)`);
  (error as NodeJS.ErrnoException).code = "ENETUNREACH";
  violations.push({ kind, target, stack: error.stack ?? "" });
  return error;
}

/** Host, port and unix path of the many argument shapes `Socket.prototype.connect` accepts. */
function connectTarget(args: unknown[]): { host?: string; port?: unknown; path?: string } {
  let first = args[0];
  if (Array.isArray(first)) first = first[0]; // net.connect passes its normalized [options, callback]
  if (typeof first === "object" && first !== null) {
    const o = first as { host?: string; port?: unknown; path?: string };
    return { host: o.host, port: o.port, path: o.path };
  }
  if (typeof first === "string" && !/^\d+$/.test(first)) return { path: first };
  return { port: first, host: typeof args[1] === "string" ? args[1] : undefined };
}

/** Wraps the connect and lookup functions (once per worker) and makes this test file the one they report to. */
export function installNetworkGuard(): void {
  const holder = net.Socket.prototype as unknown as Record<symbol, GuardHooks | undefined>;
  const existing = holder[HOOKS];
  if (existing) {
    existing.refuse = record; // wrappers already in place (an earlier test file of this worker)
    return;
  }
  const hooks: GuardHooks = { refuse: record };
  holder[HOOKS] = hooks;
  const connect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function guardedConnect(this: import("node:net").Socket, ...args: unknown[]) {
    const { host, port, path } = connectTarget(args);
    if (path === undefined && !isLoopback(host ?? "localhost")) {
      const error = hooks.refuse("connect", `${host}:${String(port)}`);
      process.nextTick(() => this.destroy(error));
      return this;
    }
    return (connect as (...a: unknown[]) => import("node:net").Socket).apply(this, args);
  } as typeof connect;

  const lookup = dns.lookup;
  const guardedLookup = function (hostname: string, ...rest: unknown[]) {
    if (!isLoopback(hostname)) {
      const error = hooks.refuse("lookup", hostname);
      const callback = rest[rest.length - 1];
      if (typeof callback === "function") process.nextTick(() => (callback as (e: Error) => void)(error));
      return {};
    }
    return (lookup as (...a: unknown[]) => unknown)(hostname, ...rest);
  };
  (dns as { lookup: unknown }).lookup = guardedLookup;
  const promisesLookup = dns.promises.lookup;
  (dns.promises as { lookup: unknown }).lookup = async (hostname: string, ...rest: unknown[]) => {
    if (!isLoopback(hostname)) throw hooks.refuse("lookup", hostname);
    return (promisesLookup as (...a: unknown[]) => Promise<unknown>)(hostname, ...rest);
  };
}

/** The attempts refused since the last call, and forgets them. */
export function takeNetworkViolations(): NetworkViolation[] {
  return violations.splice(0, violations.length);
}

/** Throws (failing the current test) when anything tried to leave loopback; the message names each host. */
export function assertNoNetworkViolations(): void {
  const found = takeNetworkViolations();
  if (found.length === 0) return;
  const lines = found.map((v) => `  - ${v.kind} ${v.target}\n${v.stack.split("\n").slice(1, 8).join("\n")}`);
  throw new Error(`The code under test tried to reach the network beyond loopback (tests must stay offline):\n${lines.join("\n")}`);
}
