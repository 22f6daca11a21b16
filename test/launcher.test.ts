import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { sourceHash, SOURCES } = require("../scripts/run.js") as { sourceHash(root: string): string; SOURCES: string[] };

describe("scripts/run.js (the launcher of every npm script)", () => {
  it("rebuilds when any source's content, path or presence changes, and not when only times change", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "launcher-"));
    try {
      fs.mkdirSync(path.join(root, "scripts", "lib"), { recursive: true });
      fs.writeFileSync(path.join(root, "main.ts"), "export {};\n");
      fs.writeFileSync(path.join(root, "scripts", "lib", "a.ts"), "export const a = 1;\n");
      fs.writeFileSync(path.join(root, "tsconfig.json"), "{}\n");
      const base = sourceHash(root);
      expect(sourceHash(root)).toBe(base);
      fs.utimesSync(path.join(root, "main.ts"), new Date(0), new Date(0)); // cp -p, a checkout: same content
      expect(sourceHash(root)).toBe(base);
      fs.writeFileSync(path.join(root, "scripts", "lib", "a.ts"), "export const a = 2;\n");
      const edited = sourceHash(root);
      expect(edited).not.toBe(base);
      fs.renameSync(path.join(root, "scripts", "lib", "a.ts"), path.join(root, "scripts", "lib", "b.ts"));
      const renamed = sourceHash(root);
      expect(renamed).not.toBe(edited);
      fs.writeFileSync(path.join(root, "tsconfig.json"), '{"compilerOptions":{}}\n');
      expect(sourceHash(root)).not.toBe(renamed);
      expect(SOURCES).toEqual(expect.arrayContaining(["main.ts", "stacks", "modules", "environments", "scripts", ".gen", "tsconfig.json"]));
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it("without an entry point is bad input (exit 2) and runs nothing", () => {
    const result = spawnSync(process.execPath, [path.join(__dirname, "..", "scripts", "run.js")], { encoding: "utf8" });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/run: no entry point given\nUsage: node scripts\/run.js <entry>/);
  });
});
