#!/usr/bin/env node
/**
 * plan-guard: refuses a Terraform plan that deletes or replaces a protected resource.
 *
 *   terraform -chdir=cdktf.out/stacks/dev show -json dev.tfplan > dev.plan.json
 *   npm run plan-guard -- --plan dev.plan.json --summary-md guard.md [--allow-destroy ADDRESS ...]
 *
 * The logic lives in scripts/lib/plan-guard.ts; this file is only argument parsing and I/O.
 */
import * as fs from "node:fs";
import yargs from "yargs";
import { OutputFileError, parseCommandLine, ParseOutcome, writeOutputFile } from "./lib/cli";
import { evaluatePlan, normalizeAllowances, parsePlan, PlanInputError, PROTECTED_RESOURCE_TYPES, renderMarkdown, renderText } from "./lib/plan-guard/guard";

export const EXIT_OK = 0;
/** Unexpected internal failure. */
export const EXIT_ERROR = 1;
export const EXIT_BLOCKED = 2;
/** Missing or malformed plan file, or bad arguments. */
export const EXIT_BAD_INPUT = 3;

export interface PlanGuardIo {
  stdout(text: string): void;
  stderr(text: string): void;
  readFile(file: string): string;
  writeFile(file: string, text: string): void;
  /** Also emit GitHub Actions `::error` annotations (on stdout, where the runner reads workflow commands). */
  readonly githubAnnotations?: boolean;
}

export const processIo: PlanGuardIo = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  readFile: (file) => fs.readFileSync(file, "utf8"),
  writeFile: writeOutputFile,
  githubAnnotations: process.env.GITHUB_ACTIONS === "true",
};

const EPILOG = `Exit codes:
  0  the plan deletes/replaces no protected resource, or every such change is allowed
  1  unexpected internal error
  2  BLOCKED: the plan deletes or replaces a protected resource without --allow-destroy
  3  bad input: the plan file is missing, unreadable or not \`terraform show -json\` output, or bad arguments

Protected resource types: ${PROTECTED_RESOURCE_TYPES.join(", ")}.
--allow-destroy takes exact resource addresses, or a prefix ending in "*" (e.g. 'module.bus.aws_sqs_queue.dlq*');
values may be repeated or separated by commas/whitespace.`;

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
    .option("allow-destroy", { type: "string", array: true, default: [] as string[], describe: "address (or prefix*) allowed to be deleted or replaced" })
    .option("summary-md", { type: "string", describe: "also write the summary as Markdown to FILE (overwritten), for $GITHUB_STEP_SUMMARY or a PR comment" })
    .option("title", { type: "string", describe: "heading of the Markdown summary, e.g. 'Plan for prod'" })
    .epilogue(EPILOG);
  return parseCommandLine<Args>("plan-guard", parser, argv, io, EXIT_BAD_INPUT);
}

/** Runs the CLI and returns its exit code; never calls process.exit. */
export async function main(argv: readonly string[], io: PlanGuardIo = processIo): Promise<number> {
  const parsed = parseArgs(argv, io);
  if (parsed.kind === "exit") return parsed.code;
  const { args } = parsed;
  try {
    if (args.plan.trim() === "") throw new PlanInputError("--plan", "an empty path was given");
    let text: string;
    try {
      text = io.readFile(args.plan);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const problem = code === "ENOENT" ? "file not found" : code === "EISDIR" ? "is a directory, not a file" : `cannot read (${(err as Error).message})`;
      throw new PlanInputError(args.plan, problem);
    }
    const plan = parsePlan(text, args.plan);
    const result = evaluatePlan(plan, { allowDestroy: normalizeAllowances(args["allow-destroy"]) });
    io.stdout(renderText(result));
    if (args["summary-md"]) io.writeFile(args["summary-md"], renderMarkdown(result, args.title));
    if (!result.ok) {
      for (const b of result.blocked) {
        const message = `${b.change.kind} of protected ${b.change.type} ${b.change.address} is not allowed without --allow-destroy`;
        io.stderr(`plan-guard: BLOCKED: ${message}\n`);
        if (io.githubAnnotations) io.stdout(`::error title=plan-guard (${plan.source})::${message}\n`);
      }
      return EXIT_BLOCKED;
    }
    return EXIT_OK;
  } catch (err) {
    if (err instanceof PlanInputError || err instanceof OutputFileError) {
      io.stderr(`plan-guard: bad input: ${err.message}\n`);
      if (io.githubAnnotations) io.stdout(`::error title=plan-guard::bad input: ${err.message.replace(/\r?\n/g, " ")}\n`);
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
