/** `npm run gen`: regenerate `.gen/` from the committed provider schemas (no Terraform, no network). */
import "./lib/offline";
import * as fs from "fs";
import * as path from "path";
import { generateBindings, REPO_ROOT } from "./bindings";

async function main(): Promise<void> {
  const outDir = path.join(REPO_ROOT, ".gen");
  // Generate beside .gen and swap it in only when generation succeeded: a bad schema leaves .gen as it was.
  const staging = fs.mkdtempSync(path.join(REPO_ROOT, ".gen-new-"));
  let providers: string[];
  try {
    providers = await generateBindings(staging);
    fs.rmSync(outDir, { recursive: true, force: true });
    fs.renameSync(staging, outDir);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  process.stdout.write(`generated bindings for ${providers.join(", ")} into ${path.relative(process.cwd(), outDir) || "."}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`generate-bindings: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
