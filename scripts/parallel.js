#!/usr/bin/env node
/**
 * Runs npm scripts at the same time and fails when any of them fails: `node scripts/parallel.js lint typecheck`.
 * Each script's output is printed whole once it ends (never interleaved), in the order given. Plain JavaScript so
 * it needs no build. Used by `npm test`: lint, typecheck and jest share the machine's two cores, so the cores one
 * of them leaves idle (jest's tests that wait on sockets and timers, the end of a single-threaded tsc) do the
 * others' work, instead of jest waiting for the slower static check to end (README, "Speed").
 */
"use strict";
const { Buffer } = require("node:buffer");
const { spawn } = require("node:child_process");

const names = process.argv.slice(2);
if (names.length === 0) {
  process.stderr.write("usage: node scripts/parallel.js <npm script> [<npm script> ...]\n");
  process.exit(2);
}

const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const runs = names.map(
  (name) =>
    new Promise((resolve) => {
      const chunks = [];
      const child = spawn(npm, ["run", "--silent", name], { stdio: ["ignore", "pipe", "pipe"] });
      child.stdout.on("data", (c) => chunks.push(c));
      child.stderr.on("data", (c) => chunks.push(c));
      child.on("error", (err) => resolve({ name, code: 1, output: Buffer.from(`${name}: could not start npm: ${err.message}\n`) }));
      child.on("close", (code, signal) => resolve({ name, code: code ?? (signal ? 1 : 0), output: Buffer.concat(chunks) }));
    }),
);

Promise.all(runs).then((results) => {
  for (const r of results) {
    if (r.output.length > 0) process.stdout.write(r.output);
    if (r.code !== 0) process.stderr.write(`npm run ${r.name} failed (exit ${r.code})\n`);
  }
  process.exit(results.every((r) => r.code === 0) ? 0 : 1);
});
