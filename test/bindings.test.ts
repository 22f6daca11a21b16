import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { generateBindings, REPO_ROOT } from "../scripts/bindings";

function listFiles(dir: string, base = dir): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? listFiles(full, base) : [path.relative(base, full)];
  });
}

describe("generated provider bindings (.gen)", () => {
  it("are exactly what the committed schema and cdktf.json generate (run `npm run gen` after changing either)", async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "gen-"));
    try {
      await generateBindings(tmp);
      const committed = path.join(REPO_ROOT, ".gen");
      const expected = listFiles(tmp).sort();
      expect(listFiles(committed).sort()).toEqual(expected);
      const differing = expected.filter(
        (file) => fs.readFileSync(path.join(tmp, file), "utf8") !== fs.readFileSync(path.join(committed, file), "utf8"),
      );
      expect(differing).toEqual([]);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it("pin the genesyscloud provider the way `cdktf get` does", () => {
    const provider = fs.readFileSync(path.join(REPO_ROOT, ".gen/providers/genesyscloud/provider/index.ts"), "utf8");
    expect(provider).toContain("providerVersionConstraint: '~> 1.84'");
    expect(provider).toContain("terraformProviderSource: 'mypurecloud/genesyscloud'");
  });
});
