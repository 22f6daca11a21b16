import * as path from "path";
import { ESLint } from "eslint";

// The project's flat config, loaded directly: ESLint's own config loader uses dynamic import(), which jest's VM
// does not allow.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const projectConfig = require("../eslint.config.js") as ESLint.Options["overrideConfig"];
const eslint = new ESLint({ cwd: path.join(__dirname, ".."), overrideConfigFile: true, overrideConfig: projectConfig });

async function restrictedImports(code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(__dirname, "..", "modules", "probe.ts") });
  return result.messages.filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message);
}

describe("lint: AWS provider imports", () => {
  it("rejects the package root and the barrel files", async () => {
    for (const source of ["@cdktf/provider-aws", "@cdktf/provider-aws/lib", "@cdktf/provider-aws/lib/index", "@cdktf/provider-aws/lib/lazy-index"]) {
      const messages = await restrictedImports(`import * as aws from "${source}";\nexport const x = aws;\n`);
      expect(messages).toHaveLength(1);
      expect(messages[0]).toContain("Import the resource by deep path");
    }
  });

  it("accepts deep resource imports", async () => {
    expect(await restrictedImports(`import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";\nexport const x = SqsQueue;\n`)).toEqual([]);
  });
});
