/**
 * `npm run bench`: in one run of fresh Node processes, times the synth of the three environment stacks (dev,
 * staging, prod) against the floor of loading `cdktf` alone, and prints both, their ratio and peak memory.
 *
 * Each sample is one new process that first loads `cdktf` (the floor), then loads the app's modules, validates the
 * configuration, builds the three environment stacks in an App from `createApp()` (as `npm run synth` does) and
 * synthesizes them to a temp dir (the synth). Medians of
 * BENCH_RUNS samples (default 7). Budget: ratio <= 1.5 and peak RSS <= 150 MB; exits 1 when over budget.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");
const DIST = path.join(ROOT, "dist");
const RUNS = Number(process.env.BENCH_RUNS ?? 7);

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

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function main(): void {
  if (!fs.existsSync(path.join(DIST, "main.js"))) {
    throw new Error("dist/main.js is missing: run `npm run build` first (npm run bench does).");
  }
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-synth-"));
  try {
    const samples = Array.from({ length: RUNS }, () => sample(outdir));
    const stacks = fs.readdirSync(path.join(outdir, "stacks")).sort().join(", ");
    const floor = median(samples.map((s) => s.floorMs));
    const synth = median(samples.map((s) => s.synthMs));
    const ratio = synth / floor;
    const peakMb = Math.max(...samples.map((s) => s.maxRssKb)) / 1024;
    const lines = [
      `samples: ${RUNS} fresh node processes (medians); stacks: ${stacks}`,
      `load cdktf (floor)            ${floor.toFixed(0).padStart(6)} ms`,
      `synth of the 3 environments   ${synth.toFixed(0).padStart(6)} ms  (app modules, config validation, build, synth)`,
      `ratio synth / floor           ${ratio.toFixed(2).padStart(6)}     (budget <= 1.5)`,
      `peak memory (max RSS)         ${peakMb.toFixed(0).padStart(6)} MB  (budget <= 150 MB)`,
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
    if (ratio > 1.5 || peakMb > 150) {
      process.stdout.write("over budget\n");
      process.exitCode = 1;
    }
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

main();
