import * as fs from "fs";
import { schemaPath } from "../scripts/bindings";
import { ENVIRONMENT_NAMES } from "../environments";
import { synthEnvironment } from "./support/synth";

interface Attribute {
  type: unknown;
  required?: boolean;
  optional?: boolean;
  computed?: boolean;
}
interface Block {
  attributes?: Record<string, Attribute>;
  block_types?: Record<string, { nesting_mode: string; block: Block; min_items?: number; max_items?: number }>;
}
const schema = JSON.parse(fs.readFileSync(schemaPath("genesyscloud"), "utf8")) as {
  provider_schemas: Record<string, { provider: { block: Block }; resource_schemas: Record<string, { block: Block }>; data_source_schemas: Record<string, { block: Block }> }>;
};
const provider = schema.provider_schemas["registry.terraform.io/mypurecloud/genesyscloud"];
const META = new Set(["//", "depends_on", "lifecycle", "provider", "count", "for_each", "provisioner", "connection"]);

function isReference(value: unknown): boolean {
  return typeof value === "string" && /\$\{/.test(value);
}

function typeErrors(type: unknown, value: unknown, where: string): string[] {
  if (isReference(value)) return [];
  if (type === "string") return typeof value === "string" ? [] : [`${where}: expected a string, got ${JSON.stringify(value)}`];
  if (type === "number") return typeof value === "number" ? [] : [`${where}: expected a number, got ${JSON.stringify(value)}`];
  if (type === "bool") return typeof value === "boolean" ? [] : [`${where}: expected a bool, got ${JSON.stringify(value)}`];
  if (Array.isArray(type) && (type[0] === "set" || type[0] === "list")) {
    return Array.isArray(value) ? value.flatMap((v, i) => typeErrors(type[1], v, `${where}[${i}]`)) : [`${where}: expected a ${type[0]}`];
  }
  if (Array.isArray(type) && type[0] === "map") {
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? Object.entries(value).flatMap(([k, v]) => typeErrors(type[1], v, `${where}.${k}`))
      : [`${where}: expected a map`];
  }
  return [`${where}: unsupported schema type ${JSON.stringify(type)}`];
}

/** Every problem of `body` against `block`: unknown attributes, missing required ones, wrong types, bad nesting. */
function checkBlock(block: Block, body: Record<string, unknown>, where: string): string[] {
  const problems: string[] = [];
  const attributes = block.attributes ?? {};
  const blocks = block.block_types ?? {};
  for (const [name, value] of Object.entries(body)) {
    if (META.has(name)) continue;
    if (attributes[name]) {
      const attribute = attributes[name];
      if (attribute.computed && !attribute.optional && !attribute.required) problems.push(`${where}.${name}: is computed-only and cannot be set`);
      problems.push(...typeErrors(attribute.type, value, `${where}.${name}`));
    } else if (blocks[name]) {
      const nested = blocks[name];
      const items = nested.nesting_mode === "single" ? [value] : Array.isArray(value) ? value : [value];
      if (nested.max_items !== undefined && items.length > nested.max_items) problems.push(`${where}.${name}: at most ${nested.max_items} block(s)`);
      items.forEach((item, i) => problems.push(...checkBlock(nested.block, item as Record<string, unknown>, `${where}.${name}[${i}]`)));
    } else {
      problems.push(`${where}.${name}: unknown attribute or block`);
    }
  }
  for (const [name, attribute] of Object.entries(attributes)) {
    if (attribute.required && !(name in body)) problems.push(`${where}.${name}: required attribute missing`);
  }
  for (const [name, nested] of Object.entries(blocks)) {
    if ((nested.min_items ?? 0) > 0 && !(name in body)) problems.push(`${where}.${name}: required block missing`);
  }
  return problems;
}

describe("checkBlock (the conformance checker itself)", () => {
  const oauth = provider.resource_schemas.genesyscloud_oauth_client.block;
  it("reports unknown, missing and mistyped attributes", () => {
    expect(checkBlock(oauth, { name: "x", authorized_grant_type: "CLIENT-CREDENTIALS" }, "c")).toEqual([]);
    expect(checkBlock(oauth, { authorized_grant_type: "CLIENT-CREDENTIALS", colour: "red" }, "c")).toEqual([
      "c.colour: unknown attribute or block",
      "c.name: required attribute missing",
    ]);
    expect(checkBlock(oauth, { name: "x", authorized_grant_type: "CLIENT-CREDENTIALS", access_token_validity_seconds: "1" }, "c")).toEqual([
      'c.access_token_validity_seconds: expected a number, got "1"',
    ]);
    expect(checkBlock(oauth, { name: "x", authorized_grant_type: "C", client_id: "set" }, "c")).toEqual(["c.client_id: is computed-only and cannot be set"]);
  });
});

describe.each(ENVIRONMENT_NAMES)("%s: genesyscloud blocks conform to the committed provider schema", (env) => {
  const { parsed } = synthEnvironment(env);
  const genesysResources = Object.entries(parsed.resource).filter(([type]) => type.startsWith("genesyscloud_"));
  const genesysData = Object.entries(parsed.data ?? {}).filter(([type]) => type.startsWith("genesyscloud_"));

  it("declares genesyscloud resources", () => {
    expect(genesysResources.map(([type]) => type).sort()).toEqual([
      // auth_division and routing_wrapupcode: the smoke canary's division and object (modules/genesys/canary.ts).
      "genesyscloud_auth_division",
      "genesyscloud_auth_role",
      "genesyscloud_integration",
      "genesyscloud_oauth_client",
      "genesyscloud_routing_wrapupcode",
    ]);
  });

  it("uses only known attributes with the right types, and sets every required one", () => {
    const problems = [
      ...genesysResources.flatMap(([type, instances]) => {
        const resourceSchema = provider.resource_schemas[type];
        if (!resourceSchema) return [`${type}: not in the schema`];
        return Object.entries(instances).flatMap(([name, body]) => checkBlock(resourceSchema.block, body, `${type}.${name}`));
      }),
      ...genesysData.flatMap(([type, instances]) =>
        Object.entries(instances).flatMap(([name, body]) => checkBlock(provider.data_source_schemas[type].block, body, `data.${type}.${name}`)),
      ),
      ...(parsed.provider.genesyscloud ?? []).flatMap((body, i) => checkBlock(provider.provider.block, body, `provider.genesyscloud[${i}]`)),
    ];
    expect(problems).toEqual([]);
  });
});
