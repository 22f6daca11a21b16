/** What every yargs CLI here shares: how a command line becomes "run with these arguments" or "exit with code". */
// Every CLI imports this module first: no checkpoint calls, no AWS SDK Node-version banner (see offline.ts).
import "./offline";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Argv } from "yargs";

export type ParseOutcome<A> = { kind: "run"; args: A } | { kind: "exit"; code: number };

export interface CliOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

/**
 * Finishes `parser` the same way for every CLI (strict options, `--help`, no `--version`, full-width help, never
 * exits the process) and parses `argv`: `--help` prints the usage on stdout and exits 0; a usage error prints
 * `<name>: <message>` on stderr and exits `usageExitCode`; otherwise the parsed arguments are returned.
 */
export function parseCommandLine<A>(
  name: string,
  parser: Argv,
  argv: readonly string[],
  out: CliOutput,
  usageExitCode: number,
): ParseOutcome<A> {
  let outcome: ParseOutcome<A> = { kind: "exit", code: usageExitCode };
  parser
    .scriptName(name)
    .strict()
    .exitProcess(false)
    .help()
    .version(false)
    .wrap(null)
    .parse([...argv], {}, (err, parsed, output) => {
      if (parsed.help) {
        out.stdout(`${output}\n`);
        outcome = { kind: "exit", code: 0 };
      } else if (err) {
        out.stderr(`${name}: ${err.message}\n\nRun with --help for usage.\n`);
        outcome = { kind: "exit", code: usageExitCode };
      } else {
        outcome = { kind: "run", args: parsed as unknown as A };
      }
    });
  return outcome;
}

/** An output file (report, summary) that could not be written: bad input, not a bug. */
export class OutputFileError extends Error {}

/** Writes an output file, creating its folder; a failure says which file and why. */
export function writeOutputFile(file: string, text: string): void {
  try {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    fs.writeFileSync(file, text, "utf8");
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err));
    throw new OutputFileError(`cannot write ${file} (${reason}): pass a file path in a writable folder`);
  }
}
