/**
 * The Terraform address of every resource and data source of every stack, and the `moved` and `removed` blocks, as committed in
 * test/fixtures/addresses/<stack>.txt: a rename that would destroy and recreate something shows up in review as a
 * changed line of that list (test/addresses.test.ts), and `npm run addresses -- --write` regenerates it.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { buildApp } from "../../main";
import { createApp } from "../../stacks/app";

export const ADDRESSES_DIR = path.join("test", "fixtures", "addresses");
export const REGENERATE_COMMAND = "npm run addresses -- --write";

interface StackJson {
  resource?: Record<string, Record<string, unknown>>;
  data?: Record<string, Record<string, unknown>>;
  moved?: Array<{ from: string; to: string }>;
  removed?: Array<{ from: string; lifecycle?: { destroy?: boolean } }>;
}

/** Sorted lines: `type.name`, `data.type.name`, then `moved <from> -> <to>`, then `forget <from>` / `destroy <from>`. */
export function addressLines(stack: StackJson): string[] {
  const names = (blocks: StackJson["resource"], prefix: string) =>
    Object.entries(blocks ?? {}).flatMap(([type, byName]) => Object.keys(byName).map((name) => `${prefix}${type}.${name}`));
  return [
    ...[...names(stack.resource, ""), ...names(stack.data, "data.")].sort(),
    ...(stack.moved ?? []).map((m) => `moved ${m.from} -> ${m.to}`).sort(),
    ...(stack.removed ?? []).map((r) => `${r.lifecycle?.destroy === false ? "forget" : "destroy"} ${r.from}`).sort(),
  ];
}

/** Synthesizes the whole app (every environment and bootstrap stack) into a temp dir; address list per stack. */
export function synthesizeAddresses(): Map<string, string[]> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "addresses-"));
  try {
    buildApp(createApp({ outdir })).synth();
    const stacksDir = path.join(outdir, "stacks");
    const result = new Map<string, string[]>();
    for (const stack of fs.readdirSync(stacksDir).sort()) {
      const json = JSON.parse(fs.readFileSync(path.join(stacksDir, stack, "cdk.tf.json"), "utf8")) as StackJson;
      result.set(stack, addressLines(json));
    }
    return result;
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** The text of one stack's committed list. */
export function renderAddressFile(stack: string, lines: readonly string[]): string {
  return [`# Terraform addresses of stack ${stack}. Generated: ${REGENERATE_COMMAND}. A changed line is a rename: review it.`, ...lines, ""].join("\n");
}

/** Stack name → file text, as committed under `dir`. */
export function readAddressFiles(dir: string): Map<string, string> {
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".txt")).sort() : [];
  return new Map(files.map((f) => [f.slice(0, -".txt".length), fs.readFileSync(path.join(dir, f), "utf8")]));
}

/** Human-readable differences between the committed lists and the synthesized ones (empty when equal). */
export function compareAddresses(committed: Map<string, string>, actual: Map<string, string[]>): string[] {
  const problems: string[] = [];
  for (const [stack, lines] of actual) {
    const text = committed.get(stack);
    if (text === undefined) {
      problems.push(`${stack}: no committed list (${path.join(ADDRESSES_DIR, `${stack}.txt`)})`);
      continue;
    }
    const before = new Set(text.split("\n").filter((l) => l && !l.startsWith("#")));
    const after = new Set(lines);
    for (const line of lines) if (!before.has(line)) problems.push(`${stack}: + ${line}`);
    for (const line of before) if (!after.has(line)) problems.push(`${stack}: - ${line}`);
  }
  for (const stack of committed.keys()) if (!actual.has(stack)) problems.push(`${stack}: committed list for a stack that no longer exists`);
  return problems;
}

/** Writes every stack's list and removes lists of stacks that no longer exist; returns the files written. */
export function writeAddressFiles(dir: string, actual: Map<string, string[]>): string[] {
  fs.mkdirSync(dir, { recursive: true });
  for (const stack of readAddressFiles(dir).keys()) if (!actual.has(stack)) fs.rmSync(path.join(dir, `${stack}.txt`));
  return [...actual].map(([stack, lines]) => {
    const file = path.join(dir, `${stack}.txt`);
    fs.writeFileSync(file, renderAddressFile(stack, lines));
    return file;
  });
}
