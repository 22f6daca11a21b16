/**
 * `npm run bench`: times, in one run, the synth of all three environments against the floor of loading `cdktf`
 * alone, each in a fresh Node process, and prints both, their ratio and peak memory (max RSS).
 * Budget (issue: core stacks): ratio <= 1.5 and peak <= 150 MB. Exits 1 when over budget.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

const FLOOR = `const t0 = process.hrtime.bigint(); require("cdktf");
process.stdout.write(JSON.stringify({ ms: Number(process.hrtime.bigint() - t0) / 1e6, maxRssKb: process.resourceUsage().maxRSS }));`;
// Exactly what `npm run synth` runs (dist/main.js's buildApp with its default App), writing to a temp outdir.
const SYNTH = (outdir: string) => `const t0 = process.hrtime.bigint(); process.env.CDKTF_OUTDIR = ${JSON.stringify(outdir)};
const { buildApp } = require(${JSON.stringify(path.join(ROOT, "dist", "main.js"))});
buildApp().synth();
process.stdout.write(JSON.stringify({ ms: Number(process.hrtime.bigint() - t0) / 1e6, maxRssKb: process.resourceUsage().maxRSS }));`;

interface Sample {
  ms: number;
  maxRssMb: number;
}

function run(script: string): Sample {
  const result = spawnSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8" });
  if (result.status !== 0) {
    throw new Error(`benchmark child failed (exit ${result.status}): ${result.stderr}`);
  }
  // Wall time from the first require to the end of synth, and the child's own peak RSS as the kernel counted it.
  const { ms, maxRssKb } = JSON.parse(result.stdout) as { ms: number; maxRssKb: number };
  return { ms, maxRssMb: maxRssKb / 1024 };
}

function measure(label: string, script: () => string): { label: string; medianMs: number; peakMb: number } {
  const samples: Sample[] = [];
  for (let i = 0; i < RUNS; i++) samples.push(run(script()));
  const sorted = samples.map((s) => s.ms).sort((a, b) => a - b);
  return { label, medianMs: sorted[Math.floor(sorted.length / 2)], peakMb: Math.max(...samples.map((s) => s.maxRssMb)) };
}

function main(): void {
  if (!fs.existsSync(path.join(ROOT, "dist", "main.js"))) {
    throw new Error("dist/main.js is missing: run `npm run build` first (npm run bench does).");
  }
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-synth-"));
  try {
    const floor = measure("load cdktf (floor)", () => FLOOR);
    const synth = measure("synth (3 envs + bootstrap)", () => SYNTH(outdir));
    const ratio = synth.medianMs / floor.medianMs;
    const lines = [
      `runs per measurement: ${RUNS} (median of fresh node processes)`,
      `${floor.label.padEnd(26)} ${floor.medianMs.toFixed(0).padStart(6)} ms`,
      `${synth.label.padEnd(26)} ${synth.medianMs.toFixed(0).padStart(6)} ms`,
      `ratio synth / floor        ${ratio.toFixed(2).padStart(6)}   (budget <= 1.5)`,
      `peak memory (max RSS)      ${synth.peakMb.toFixed(0).padStart(6)} MB (budget <= 150 MB)`,
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
    if (ratio > 1.5 || synth.peakMb > 150) {
      process.stdout.write("over budget\n");
      process.exitCode = 1;
    }
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

main();
