/** `npm run gen`: regenerate `.gen/` from the committed provider schemas (no Terraform, no network). */
import * as fs from "fs";
import * as path from "path";
import { generateBindings, REPO_ROOT } from "./bindings";

async function main(): Promise<void> {
  const outDir = path.join(REPO_ROOT, ".gen");
  fs.rmSync(path.join(outDir, "providers"), { recursive: true, force: true });
  const providers = await generateBindings(outDir);
  process.stdout.write(`generated bindings for ${providers.join(", ")} into ${path.relative(process.cwd(), outDir) || "."}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`generate-bindings: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
