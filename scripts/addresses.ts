/**
 * `npm run addresses [-- --write]`: compares the Terraform address of every resource (and the `moved` blocks) of
 * every stack with the lists committed in test/fixtures/addresses/; `--write` regenerates them. Exit 0 when equal
 * (or written), 1 when they differ, 2 on a bad command line.
 */
import * as path from "node:path";
import yargs from "yargs";
import { parseCommandLine } from "./lib/cli";
import { ADDRESSES_DIR, REGENERATE_COMMAND, compareAddresses, readAddressFiles, synthesizeAddresses, writeAddressFiles } from "./lib/addresses";

const ROOT = path.resolve(__dirname, "..", __dirname.includes(`${path.sep}dist${path.sep}`) ? ".." : "");

function main(argv: readonly string[]): number {
  const parsed = parseCommandLine<{ write: boolean }>(
    "addresses",
    yargs([...argv]).usage("$0 [--write]").option("write", { type: "boolean", default: false, describe: `rewrite ${ADDRESSES_DIR}/<stack>.txt from a synth` }),
    argv,
    { stdout: (t) => void process.stdout.write(t), stderr: (t) => void process.stderr.write(t) },
    2,
  );
  if (parsed.kind === "exit") return parsed.code;
  const dir = path.join(ROOT, ADDRESSES_DIR);
  const actual = synthesizeAddresses();
  if (parsed.args.write) {
    for (const file of writeAddressFiles(dir, actual)) process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
    return 0;
  }
  const problems = compareAddresses(readAddressFiles(dir), actual);
  if (problems.length === 0) {
    process.stdout.write(`addresses: ${actual.size} stacks match ${ADDRESSES_DIR}\n`);
    return 0;
  }
  process.stdout.write(`addresses differ from ${ADDRESSES_DIR} (+ synthesized, - committed):\n${problems.map((p) => `  ${p}`).join("\n")}\nReview, then: ${REGENERATE_COMMAND}\n`);
  return 1;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
