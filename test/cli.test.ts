// HOME must point at an empty directory before the Genesys SDK is loaded: keep this import first.
import "./support/isolated-home";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import yargs from "yargs";
import { OutputFileError, parseCommandLine, writeOutputFile } from "../scripts/lib/cli";
import { main as rotate } from "../scripts/rotate";
import { main as smoke } from "../scripts/smoke";

function capture() {
  const io = { out: "", err: "" };
  return { io, stdout: (t: string) => void (io.out += t), stderr: (t: string) => void (io.err += t) };
}

describe("CLI faults (issue 13 item 8)", () => {
  it("a flag that takes one value, given twice, is bad input naming the flag and both values", async () => {
    const c = capture();
    const parser = yargs([]).option("audit-log", { type: "string" }).option("only", { type: "string", array: true });
    expect(parseCommandLine("tool", parser, ["--audit-log", "a", "--audit-log", "b"], c, 7)).toEqual({ kind: "exit", code: 7 });
    expect(c.io.err).toContain("tool: --audit-log was given 2 times (a, b); give it once");
    // Array options may repeat.
    expect(parseCommandLine("tool", yargs([]).option("only", { type: "string", array: true }), ["--only", "a", "--only", "b"], c, 7)).toMatchObject({ kind: "run" });

    const r = capture();
    expect(await rotate(["--env", "dev", "--all", "--audit-log", "a.jsonl", "--audit-log", "b.jsonl"], { stdout: r.stdout, stderr: r.stderr, env: {} })).toBe(2);
    expect(r.io.err).toMatch(/--audit-log was given 2 times/);
    expect(r.io.err).not.toMatch(/internal error|\n\s+at /);
  });

  it("GENESYSCLOUD_GATEWAY_PORT=abc is bad input (exit 2) in rotate and smoke, before anything runs", async () => {
    const env = { GENESYSCLOUD_GATEWAY_HOST: "127.0.0.1", GENESYSCLOUD_GATEWAY_PORT: "abc" };
    const r = capture();
    expect(await rotate(["--env", "dev", "--all"], { stdout: r.stdout, stderr: r.stderr, env })).toBe(2);
    expect(r.io.err).toBe('rotate: bad input: GENESYSCLOUD_GATEWAY_PORT must be a port number (1-65535), got "abc".\n');
    const s = capture();
    expect(await smoke(["--env", "dev"], { stdout: s.stdout, stderr: s.stderr, env })).toBe(2);
    expect(s.io.err).toBe('smoke: bad input: GENESYSCLOUD_GATEWAY_PORT must be a port number (1-65535), got "abc".\n');
  });

  it("rotate --help prints the usage only, not the error of a missing --service", async () => {
    const c = capture();
    expect(await rotate(["--help"], { stdout: c.stdout, stderr: c.stderr, env: {} })).toBe(0);
    expect(c.io.out).not.toContain("Select services with --service NAME or --all.");
    expect(c.io.out.trimEnd().split("\n").pop()).toMatch(/^\s+1\s+internal error .*2\s+bad input/);
  });

  it("rotate and smoke exit with the same code (2, bad input) for the same missing outputs file", async () => {
    const missing = path.join(os.tmpdir(), "no-such-dir-13", "dev.json");
    const r = capture();
    const s = capture();
    const rotateCode = await rotate(["--env", "dev", "--all", "--outputs", missing], { stdout: r.stdout, stderr: r.stderr, env: {} });
    const smokeCode = await smoke(["--env", "dev", "--outputs", missing], { stdout: s.stdout, stderr: s.stderr, env: {} });
    expect([rotateCode, smokeCode]).toEqual([2, 2]);
    for (const text of [r.io.err, s.io.err]) expect(text).toContain(`${missing} does not exist`);
  });

  it("a report path that is not a regular file is refused at once (/proc, a symlink into it, a FIFO, a directory)", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cli-out-"));
    try {
      const link = path.join(dir, "link");
      fs.symlinkSync("/proc/self/status", link);
      const fifo = path.join(dir, "fifo");
      const made = spawnSync("mkfifo", [fifo]).status === 0;
      const started = Date.now();
      for (const target of ["/proc/self/status", "/proc/1/new-report.xml", link, dir, ...(made ? [fifo] : [])]) {
        expect(() => writeOutputFile(target, "<report/>")).toThrow(OutputFileError);
        expect(() => writeOutputFile(target, "<report/>")).toThrow(/pseudo file system|not a regular file|EISDIR/);
      }
      expect(Date.now() - started).toBeLessThan(2000);
      const ok = path.join(dir, "sub", "report.xml");
      writeOutputFile(ok, "<report/>");
      expect(fs.readFileSync(ok, "utf8")).toBe("<report/>");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
