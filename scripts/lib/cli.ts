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

/** The part of yargs' (untyped) `getOptions()` used to find single-value options. */
interface DeclaredOptions {
  key: Record<string, unknown>;
  array: string[];
}

/**
 * Options declared without `array: true` that were given more than once: yargs turns `--plan a --plan b` into an
 * array, which the CLI would then treat as a string. Returns "--plan was given 2 times (a, b)" style messages.
 */
function repeatedSingleValueOptions(parser: Argv, parsed: Record<string, unknown>): string[] {
  const declared = (parser as unknown as { getOptions(): DeclaredOptions }).getOptions();
  const arrays = new Set(declared.array);
  return Object.keys(declared.key)
    .filter((key) => !arrays.has(key) && Array.isArray(parsed[key]))
    .map((key) => `--${key} was given ${(parsed[key] as unknown[]).length} times (${(parsed[key] as unknown[]).map(String).join(", ")}); give it once`);
}

/**
 * Finishes `parser` the same way for every CLI (strict options, `--help`, no `--version`, full-width help, never
 * exits the process) and parses `argv`: `--help` prints the usage on stdout and exits 0; a usage error (including
 * a single-value option given twice) prints `<name>: <message>` on stderr and exits `usageExitCode`; otherwise the
 * parsed arguments are returned.
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
        // yargs still runs .check() and appends its message to the usage: print the usage alone.
        const usage = err && output.endsWith(`\n${err.message}`) ? output.slice(0, -err.message.length).trimEnd() : output;
        out.stdout(`${usage}\n`);
        outcome = { kind: "exit", code: 0 };
      } else if (err) {
        out.stderr(`${name}: ${err.message}\n\nRun with --help for usage.\n`);
        outcome = { kind: "exit", code: usageExitCode };
      } else {
        const repeated = repeatedSingleValueOptions(parser, parsed);
        if (repeated.length > 0) {
          out.stderr(`${name}: ${repeated.join("; ")}\n\nRun with --help for usage.\n`);
          outcome = { kind: "exit", code: usageExitCode };
        } else {
          outcome = { kind: "run", args: parsed as unknown as A };
        }
      }
    });
  return outcome;
}

/**
 * Bad input from the outside (arguments, environment variables, files named on the command line): every CLI maps
 * it to its bad-input exit code and prints the message, never a stack trace.
 */
export class BadInputError extends Error {}

/** An output file (report, summary) that could not be written: bad input, not a bug. */
export class OutputFileError extends BadInputError {}

/** Pseudo file systems whose "files" are kernel interfaces (writes block, loop or change the system). */
const PSEUDO_FILE_SYSTEMS = ["/proc", "/sys", "/dev"];

/**
 * Writes an output file, creating its folder; a failure says which file and why. Only regular files are written:
 * a path that exists as anything else (directory, FIFO, device, socket) or lies under /proc, /sys or /dev (also
 * through a symlink) is refused at once instead of blocking or spinning on a kernel interface.
 */
export function writeOutputFile(file: string, text: string): void {
  const refuse = (reason: string) => new OutputFileError(`cannot write ${file} (${reason}): pass a file path in a writable folder`);
  const absolute = path.resolve(file);
  let real = absolute;
  try {
    real = fs.realpathSync(absolute);
  } catch {
    try {
      real = path.join(fs.realpathSync(path.dirname(absolute)), path.basename(absolute));
    } catch {
      // the folder does not exist yet: created below, under the path as given
    }
  }
  if (PSEUDO_FILE_SYSTEMS.some((root) => real === root || real.startsWith(`${root}/`))) throw refuse(`${real} is on a pseudo file system, not a regular file`);
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(real);
  } catch {
    // does not exist: will be created
  }
  if (stat && !stat.isFile()) throw refuse(stat.isDirectory() ? "EISDIR" : "not a regular file");
  try {
    fs.mkdirSync(path.dirname(absolute), { recursive: true });
    fs.writeFileSync(file, text, "utf8");
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err));
    throw new OutputFileError(`cannot write ${file} (${reason}): pass a file path in a writable folder`);
  }
}
