/**
 * `npm run bench`: prints how long the project takes to start, in fresh processes.
 *
 * 1. Synth: each sample is one new process that first loads `cdktf` (the floor), then loads the app's modules,
 *    validates the configuration, builds the three environment stacks in an App from `createApp()` (as
 *    `npm run synth` does) and synthesizes them to a temp dir. Budget: synth/floor <= 1.5, peak RSS <= 150 MB.
 * 2. CLI start: wall time of `<script> --help` for every CLI, through the launcher `node scripts/run.js` that the
 *    npm scripts use (build current: no compile), and through `npm run` itself. Budget: 1 s through npm.
 *
 * Medians of BENCH_RUNS samples (a whole number >= 1, default 7). Exits 1 when over budget, 2 on bad input.
 * Run it on a quiet machine: the numbers are wall times.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");
const DIST = path.join(ROOT, "dist");
/** The CLIs whose start is measured (entry points under scripts/). */
export const CLIS = ["rotate", "smoke", "plan-guard", "preflight"] as const;
const CLI_BUDGET_MS = 1000;

/** Thrown for a bad BENCH_RUNS: exit 2 with the message. */
export class BenchInputError extends Error {}

/** BENCH_RUNS as a whole number of samples >= 1 (unset: 7). */
export function parseRuns(value: string | undefined): number {
  if (value === undefined || value.trim() === "") return 7;
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1) {
    throw new BenchInputError(`BENCH_RUNS must be a whole number of samples >= 1, got "${value}" (e.g. BENCH_RUNS=7 npm run bench)`);
  }
  return Number(value);
}

const SAMPLE = (outdir: string) => `
const now = () => Number(process.hrtime.bigint()) / 1e6;
const t0 = now();
require("cdktf");
const t1 = now();
const { createApp } = require(${JSON.stringify(path.join(DIST, "stacks", "app.js"))});
const { loadAllEnvironments } = require(${JSON.stringify(path.join(DIST, "environments"))});
const { buildEnvironmentStacks } = require(${JSON.stringify(path.join(DIST, "stacks", "environment-stack.js"))});
const app = createApp({ outdir: ${JSON.stringify(outdir)} });
buildEnvironmentStacks(app, loadAllEnvironments());
app.synth();
const t2 = now();
process.stdout.write(JSON.stringify({ floorMs: t1 - t0, synthMs: t2 - t1, maxRssKb: process.resourceUsage().maxRSS }));`;

interface Sample {
  floorMs: number;
  synthMs: number;
  maxRssKb: number;
}

function sample(outdir: string): Sample {
  const result = spawnSync(process.execPath, ["-e", SAMPLE(outdir)], { cwd: ROOT, encoding: "utf8" });
  if (result.status !== 0) {
    throw new Error(`benchmark child failed (exit ${result.status}): ${result.stderr}`);
  }
  return JSON.parse(result.stdout) as Sample;
}

/**
 * CPU time (user + system, ms) of this process's finished children, from /proc/self/stat (Linux; undefined
 * elsewhere): unlike wall time it hardly moves when other work shares the machine.
 */
function childrenCpuMs(): number | undefined {
  try {
    const fields = fs.readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
    // After "pid (comm) ": state is field 3, so cutime (16) and cstime (17) are at 13 and 14 here; in clock ticks (100/s).
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return undefined;
  }
}

interface Timing {
  wallMs: number;
  cpuMs?: number;
}

/** Wall and CPU time of one command that must exit 0 and print its usage. */
function timeCommand(command: string, args: string[]): Timing {
  const cpuBefore = childrenCpuMs();
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { cwd: ROOT, encoding: "utf8" });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  const cpuAfter = childrenCpuMs();
  if (result.status !== 0 || !/--env|--plan/.test(result.stdout)) {
    throw new Error(`${command} ${args.join(" ")} failed (exit ${result.status}): ${result.stderr || result.stdout}`);
  }
  if (/build:/.test(result.stderr)) throw new Error(`${args.join(" ")} compiled before running: the build was not current`);
  return { wallMs, cpuMs: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore };
}

function medianTiming(samples: Timing[]): Timing {
  const cpu = samples.map((t) => t.cpuMs).filter((v): v is number => v !== undefined);
  return { wallMs: median(samples.map((t) => t.wallMs)), cpuMs: cpu.length === samples.length ? median(cpu) : undefined };
}

function timing(t: Timing): string {
  return `${ms(t.wallMs)} (cpu ${t.cpuMs === undefined ? "  n/a" : t.cpuMs.toFixed(0).padStart(5)} ms)`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function ms(value: number): string {
  return `${value.toFixed(0).padStart(6)} ms`;
}

function main(): number {
  const runs = parseRuns(process.env.BENCH_RUNS);
  if (!fs.existsSync(path.join(DIST, "main.js"))) {
    throw new Error("dist/main.js is missing: run `npm run build` first (npm run bench does).");
  }
  const lines: string[] = [`samples: ${runs} per measure, fresh processes, medians (node ${process.version}, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)})`];
  let over = false;

  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-synth-"));
  try {
    const samples = Array.from({ length: runs }, () => sample(outdir));
    const stacks = fs.readdirSync(path.join(outdir, "stacks")).sort().join(", ");
    const floor = median(samples.map((s) => s.floorMs));
    const synth = median(samples.map((s) => s.synthMs));
    const ratio = synth / floor;
    const peakMb = Math.max(...samples.map((s) => s.maxRssKb)) / 1024;
    over ||= ratio > 1.5 || peakMb > 150;
    lines.push(
      `synth (stacks: ${stacks})`,
      `  load cdktf (floor)              ${ms(floor)}`,
      `  synth of the 3 environments     ${ms(synth)}  (app modules, config validation, build, synth)`,
      `  ratio synth / floor             ${ratio.toFixed(2).padStart(6)}     (budget <= 1.5)`,
      `  peak memory (max RSS)           ${peakMb.toFixed(0).padStart(6)} MB  (budget <= 150 MB)`,
    );
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }

  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  lines.push(`CLI start, \`--help\`, build current (wall, cpu)   node scripts/run.js         npm run (budget ${CLI_BUDGET_MS} ms wall)`);
  for (const cli of CLIS) {
    const launcher = medianTiming(Array.from({ length: runs }, () => timeCommand(process.execPath, [path.join(ROOT, "scripts", "run.js"), `scripts/${cli}`, "--help"])));
    const viaNpm = medianTiming(Array.from({ length: runs }, () => timeCommand(npm, ["run", "--silent", cli, "--", "--help"])));
    over ||= viaNpm.wallMs > CLI_BUDGET_MS;
    lines.push(`  ${cli.padEnd(20)}${timing(launcher)}   ${timing(viaNpm)}`);
  }
  process.stdout.write(`${lines.join("\n")}\n`);
  if (over) {
    process.stdout.write("over budget\n");
    return 1;
  }
  return 0;
}

if (require.main === module) {
  try {
    process.exitCode = main();
  } catch (err) {
    process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = err instanceof BenchInputError ? 2 : 1;
  }
}
