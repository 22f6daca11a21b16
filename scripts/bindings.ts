/**
 * Generates the cdktf bindings for providers that have no prebuilt package, from a schema file committed in
 * this repository (`scripts/schema/<provider>-schema.json`, Terraform's `providers schema -json` format).
 *
 * It does what `cdktf get` does for a TypeScript project (ConstructsMaker.generateTypescriptProvider), minus
 * running `terraform providers schema -json`: the constraint comes from `cdktf.json` `terraformProviders`, so
 * the generated provider pins `required_providers` exactly as `cdktf get` would, and `constraints.json` /
 * `versions.json` are written so that a later `cdktf get` sees the bindings as up to date.
 */
import "./lib/offline"; // before @cdktf/commons loads: it reads CHECKPOINT_DISABLE once
import * as fs from "fs";
import * as path from "path";
import {
  CodeMaker,
  TerraformProviderGenerator,
} from "@cdktf/provider-generator";
import {
  ConstructsMakerProviderTarget,
  DISPLAY_VERSION,
  LANGUAGES,
  ProviderSchema,
  TerraformProviderConstraint,
} from "@cdktf/commons";

export const REPO_ROOT = path.resolve(__dirname, "..", __dirname.includes(`${path.sep}dist${path.sep}`) ? ".." : "");

/** Where each provider's schema lives, by provider name. */
export function schemaPath(providerName: string, root = REPO_ROOT): string {
  return path.join(root, "scripts", "schema", `${providerName}-schema.json`);
}

interface CdktfJson {
  terraformProviders?: unknown[];
  codeMakerOutput?: string;
}

export function readProviderConstraints(root = REPO_ROOT): TerraformProviderConstraint[] {
  const file = path.join(root, "cdktf.json");
  const config = JSON.parse(fs.readFileSync(file, "utf8")) as CdktfJson;
  return (config.terraformProviders ?? []).map((entry) => {
    if (typeof entry !== "string") {
      throw new Error(`${file}: terraformProviders entries must be strings like "mypurecloud/genesyscloud@~> 1.84", got ${JSON.stringify(entry)}`);
    }
    return new TerraformProviderConstraint(entry);
  });
}

/** Generates every provider listed in cdktf.json into `outDir` (default: the project's `.gen`). */
export async function generateBindings(outDir: string, root = REPO_ROOT): Promise<string[]> {
  const code = new CodeMaker();
  const versions: Record<string, string | undefined> = {};
  const constraints = readProviderConstraints(root);
  for (const constraint of constraints) {
    const file = schemaPath(constraint.name, root);
    if (!fs.existsSync(file)) {
      throw new Error(`No schema file for provider "${constraint.fqn}": expected ${file}. Commit the provider's \`terraform providers schema -json\` output there.`);
    }
    const schema = JSON.parse(fs.readFileSync(file, "utf8")) as ProviderSchema;
    const generator = new TerraformProviderGenerator(code, schema);
    generator.generate(new ConstructsMakerProviderTarget(constraint, LANGUAGES[0]));
    Object.assign(versions, generator.versions);
  }
  code.openFile("versions.json");
  code.line(JSON.stringify(versions, null, 2));
  code.closeFile("versions.json");
  code.openFile("constraints.json");
  code.line(
    JSON.stringify(
      {
        cdktf: DISPLAY_VERSION,
        providers: Object.fromEntries(
          [...constraints].sort((a, b) => a.fqn.localeCompare(b.fqn)).map((c) => [c.fqn, c.version]),
        ),
      },
      null,
      2,
    ),
  );
  code.closeFile("constraints.json");
  await code.save(outDir);
  return constraints.map((c) => c.fqn);
}
