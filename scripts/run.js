#!/usr/bin/env node
/**
 * Runs a compiled entry point of this project, building it first only when the build is not current.
 *
 *   node scripts/run.js <entry> [args...]    e.g. `node scripts/run.js scripts/rotate --help` runs dist/scripts/rotate.js
 *   node scripts/run.js --build              always builds (tsc, incremental), then records the stamp
 *
 * "Current" means: dist/.build-stamp holds the SHA-256 of every source file the scripts and the app are compiled
 * from (main.ts, stacks/, modules/, environments/, scripts/, .gen/; paths and contents), of tsconfig.json and of
 * the TypeScript version. Contents, not modification times, so a checkout, a cache restore or `cp -p` cannot pass
 * stale code off as current. When anything differs, `tsc -p tsconfig.json` (incremental: dist/.tsbuildinfo) runs
 * once, under a lock (two runs at once build once), and the stamp is written with the hash taken *before* the
 * build, so an edit made during the build triggers the next one. A failed build runs nothing and exits non-zero.
 *
 * Plain JavaScript on purpose: it must start without a compile step.
 */
"use strict";
const { spawn, spawnSync } = require("node:child_process");
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");
const DIST = path.join(ROOT, "dist");
const STAMP = path.join(DIST, ".build-stamp");
const LOCK = path.join(DIST, ".build-lock");
/** What the entry points are compiled from (test/ is compiled too, but nothing run here imports it). */
const SOURCES = ["main.ts", "stacks", "modules", "environments", "scripts", ".gen", "tsconfig.json"];
const LOCK_WAIT_MS = 180_000;

function listFiles(relative, root = ROOT) {
  const full = path.join(root, relative);
  let stat;
  try {
    stat = fs.statSync(full);
  } catch {
    return [];
  }
  if (stat.isFile()) return [relative];
  if (!stat.isDirectory()) return [];
  return fs
    .readdirSync(full)
    .sort()
    .flatMap((name) => listFiles(path.join(relative, name), root));
}

/** SHA-256 over the sources' paths and contents and the TypeScript version. */
function sourceHash(root = ROOT) {
  const hash = crypto.createHash("sha256");
  hash.update(`typescript ${require("typescript/package.json").version}\0`);
  for (const file of SOURCES.flatMap((source) => listFiles(source, root))) {
    hash.update(`${file}\0`);
    hash.update(fs.readFileSync(path.join(root, file)));
    hash.update("\0");
  }
  return hash.digest("hex");
}

function readStamp() {
  try {
    return fs.readFileSync(STAMP, "utf8").trim();
  } catch {
    return undefined;
  }
}

function sleepMs(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function processAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === "EPERM";
  }
}

/** Takes the build lock (a directory holding the owner's pid); a lock whose owner died is taken over. */
function lock() {
  fs.mkdirSync(DIST, { recursive: true });
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      fs.mkdirSync(LOCK);
      fs.writeFileSync(path.join(LOCK, "pid"), String(process.pid));
      return;
    } catch (err) {
      if (err.code !== "EEXIST") throw err;
    }
    let owner = NaN;
    try {
      owner = Number(fs.readFileSync(path.join(LOCK, "pid"), "utf8"));
    } catch {
      // being created or removed right now
    }
    if (Number.isInteger(owner) && owner > 0 && !processAlive(owner)) {
      fs.rmSync(LOCK, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(`another build holds ${path.relative(ROOT, LOCK)} for more than ${LOCK_WAIT_MS / 1000} s; remove it if no build is running`);
    }
    sleepMs(100);
  }
}

function unlock() {
  fs.rmSync(LOCK, { recursive: true, force: true });
}

/** Builds when forced or stale; returns false when the build failed. */
function ensureBuilt(force) {
  if (!force && readStamp() === sourceHash()) return true;
  lock();
  try {
    const hash = sourceHash();
    if (!force && readStamp() === hash) return true; // built by the run that held the lock
    process.stderr.write(force ? "build: tsc -p tsconfig.json\n" : "build: sources changed since the last build; compiling (tsc -p tsconfig.json)\n");
    fs.rmSync(STAMP, { force: true });
    const tsc = require.resolve("typescript/bin/tsc");
    // tsc's diagnostics go to stderr: stdout stays the entry point's (e.g. `--json -`).
    const result = spawnSync(process.execPath, [tsc, "-p", path.join(ROOT, "tsconfig.json")], { cwd: ROOT, stdio: ["ignore", 2, 2] });
    if (result.status !== 0) {
      process.stderr.write(`build: tsc failed (exit ${result.status ?? result.signal}); nothing was run. Fix the errors above, then run again.\n`);
      return false;
    }
    fs.writeFileSync(STAMP, `${hash}\n`);
    return true;
  } finally {
    unlock();
  }
}

function usage(message) {
  process.stderr.write(`run: ${message}\nUsage: node scripts/run.js <entry> [args...] (entry: main, scripts/rotate, ...) | node scripts/run.js --build\n`);
  process.exit(2);
}

function main() {
  const [entry, ...args] = process.argv.slice(2);
  if (!entry) usage("no entry point given");
  if (entry === "--build") {
    process.exit(ensureBuilt(true) ? 0 : 1);
  }
  const compiled = path.join(DIST, `${entry.replace(/\.(ts|js)$/, "")}.js`);
  if (!ensureBuilt(false)) process.exit(1);
  if (!fs.existsSync(compiled)) usage(`${path.relative(ROOT, compiled)} does not exist after the build: is "${entry}" a source file without its .ts?`);
  const child = spawn(process.execPath, [compiled, ...args], { stdio: "inherit" });
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
    process.on(signal, () => child.kill(signal));
  }
  child.on("exit", (code, signal) => {
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
      return;
    }
    process.exit(code ?? 1);
  });
}

if (require.main === module) main();
module.exports = { sourceHash, SOURCES };
