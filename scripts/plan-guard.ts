#!/usr/bin/env node
/**
 * plan-guard: refuses a Terraform plan that removes or changes something it was not told it may (deny by default;
 * see docs/plan-guard.md).
 *
 *   terraform -chdir=cdktf.out/stacks/dev show -json dev.tfplan > dev.plan.json
 *   npm run plan-guard -- --plan dev.plan.json --summary-md guard.md [--allow-destroy ADDRESS ...]
 *
 * The logic lives in scripts/lib/plan-guard/; this file is only argument parsing and I/O.
 */
import * as fs from "node:fs";
import yargs from "yargs";
import { OutputFileError, parseCommandLine, ParseOutcome, writeOutputFile } from "./lib/cli";
import { blockedMessage, decodePlanBytes, evaluatePlan, parsePlan, PlanInputError, renderMarkdown, renderText, SAFE_TO_REMOVE } from "./lib/plan-guard/guard";

export const EXIT_OK = 0;
/** Unexpected internal failure. */
export const EXIT_ERROR = 1;
export const EXIT_BLOCKED = 2;
/** Missing, malformed or not understood plan file (unknown format major, undocumented action list), or bad arguments. */
export const EXIT_BAD_INPUT = 3;

export interface PlanGuardIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** The plan file's bytes (its encoding is checked: UTF-8, with or without a byte order mark). */
  readFile(file: string): Uint8Array;
  writeFile(file: string, text: string): void;
  /** Also emit GitHub Actions `::error` annotations (on stdout, where the runner reads workflow commands). */
  readonly githubAnnotations?: boolean;
}

export const processIo: PlanGuardIo = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  readFile: (file) => fs.readFileSync(file),
  writeFile: writeOutputFile,
  githubAnnotations: process.env.GITHUB_ACTIONS === "true",
};

const EPILOG = `Deny by default: every delete, replace or forget is blocked unless its resource type is on the safe list
(${Object.keys(SAFE_TO_REMOVE).join(", ")}) or its address is allowed with --allow-destroy; so is an update of a
protected attribute (KMS keys, encryption, retention, the partner event source, OAuth roles...). An errored,
incomplete or unapplyable plan, or one with deferred changes or Terraform actions, is blocked.

Exit codes:
  0  nothing is removed or changed in a protected attribute without an allowance
  1  unexpected internal error
  2  BLOCKED: a removal or protected update without --allow-destroy, or a plan that cannot be applied as is
  3  bad input: the plan file is missing, unreadable, not UTF-8, not \`terraform show -json\` output, of an unknown
     format major, or has an action list Terraform does not document; or bad arguments

--allow-destroy takes Terraform addresses compared segment by segment: 'module.bus' (everything in that module),
'aws_sqs_queue.dlq' (every instance), 'aws_sqs_queue.dlq["orders"]' (one), '*' inside one name only
('aws_sqs_queue.dlq_*'). A bare '*' or a pattern naming nothing literally is refused. Values may be repeated or
separated by commas/whitespace. Details: docs/plan-guard.md.`;

interface Args {
  plan: string;
  "allow-destroy": string[];
  "summary-md"?: string;
  title?: string;
}

function parseArgs(argv: readonly string[], io: PlanGuardIo): ParseOutcome<Args> {
  const parser = yargs([...argv])
    .usage("$0 --plan PLAN.json [--allow-destroy ADDRESS ...] [--summary-md FILE]")
    .option("plan", { type: "string", demandOption: true, describe: "output of `terraform show -json <planfile>`" })
    .option("allow-destroy", { type: "string", array: true, default: [] as string[], describe: "address or pattern allowed to be deleted, replaced, forgotten or to change a protected attribute" })
    .option("summary-md", { type: "string", describe: "also write the summary as Markdown to FILE (overwritten), for $GITHUB_STEP_SUMMARY or a PR comment" })
    .option("title", { type: "string", describe: "heading of the Markdown summary, e.g. 'Plan for prod'" })
    .epilogue(EPILOG);
  return parseCommandLine<Args>("plan-guard", parser, argv, io, EXIT_BAD_INPUT);
}

/**
 * A GitHub Actions `::error` workflow command, escaped as the runner expects (% CR LF in the message; also : and ,
 * in a property) so an address or file name cannot end the command early.
 */
export function annotation(title: string, message: string): string {
  const data = (text: string) => text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
  const property = (text: string) => data(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
  return `::error title=${property(title)}::${data(message)}\n`;
}

/** Runs the CLI and returns its exit code; never calls process.exit. */
export async function main(argv: readonly string[], io: PlanGuardIo = processIo): Promise<number> {
  const parsed = parseArgs(argv, io);
  if (parsed.kind === "exit") return parsed.code;
  const { args } = parsed;
  try {
    if (args.plan.trim() === "") throw new PlanInputError("--plan", "an empty path was given");
    let bytes: Uint8Array;
    try {
      bytes = io.readFile(args.plan);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const problem = code === "ENOENT" ? "file not found" : code === "EISDIR" ? "is a directory, not a file" : `cannot read (${(err as Error).message})`;
      throw new PlanInputError(args.plan, problem);
    }
    const plan = parsePlan(decodePlanBytes(bytes, args.plan), args.plan);
    const result = evaluatePlan(plan, { allowDestroy: args["allow-destroy"] });
    io.stdout(renderText(result));
    if (args["summary-md"]) io.writeFile(args["summary-md"], renderMarkdown(result, args.title));
    if (!result.ok) {
      const messages = [...result.problems.map((p) => p.message), ...result.blocked.map(blockedMessage)];
      for (const message of messages) {
        io.stderr(`plan-guard: BLOCKED: ${message}\n`);
        if (io.githubAnnotations) io.stdout(annotation(`plan-guard (${plan.source})`, message));
      }
      return EXIT_BLOCKED;
    }
    return EXIT_OK;
  } catch (err) {
    if (err instanceof PlanInputError || err instanceof OutputFileError) {
      io.stderr(`plan-guard: bad input: ${err.message}\n`);
      if (io.githubAnnotations) io.stdout(annotation("plan-guard", `bad input: ${err.message}`));
      return EXIT_BAD_INPUT;
    }
    io.stderr(`plan-guard: internal error: ${(err as Error).stack ?? String(err)}\n`);
    return EXIT_ERROR;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`plan-guard: internal error: ${String(err)}\n`);
      process.exitCode = EXIT_ERROR;
    },
  );
}
