/** The guard's building blocks: action lists, addresses, allowances, the safe list and protected attributes. */
import * as fs from "node:fs";
import * as path from "node:path";
import {
  ACTION_REASONS,
  classifyActions,
  decodePlanBytes,
  DOCUMENTED_ACTION_LISTS,
  matchesAllowance,
  normalizeAllowances,
  parseAddress,
  parseAllowance,
  parseAllowances,
  PlanInputError,
  PROTECTED_ATTRIBUTES,
  protectedAttributesOf,
  safeRemovalReason,
  SAFE_TO_REMOVE,
} from "../scripts/lib/plan-guard/guard";

describe("action lists (Terraform internal/command/jsonplan, JSON Output Format)", () => {
  it.each([
    [["no-op"], "no-op"],
    [["create"], "create"],
    [["read"], "read"],
    [["update"], "update"],
    [["delete", "create"], "replace"],
    [["create", "delete"], "replace"],
    [["delete"], "delete"],
    [["forget"], "forget"],
    [["create", "forget"], "replace"],
  ])("%j -> %s", (actions, kind) => {
    expect(classifyActions(actions)).toBe(kind);
  });

  it("knows exactly the nine documented lists", () => {
    expect(Object.keys(DOCUMENTED_ACTION_LISTS).sort()).toEqual(
      ["no-op", "create", "read", "update", "delete,create", "create,delete", "delete", "forget", "create,forget"].sort(),
    );
  });

  it.each([[["update", "delete"]], [[]], [["forget", "create"]], [["ForgetThenCreate"]], [["delete,create"]], [["destroy"]]])(
    "stops on %j, naming the address",
    (actions) => {
      expect(() => classifyActions(actions, "aws_sqs_queue.q")).toThrow(/^unsupported actions .* at aws_sqs_queue\.q/);
    },
  );

  it("explains the documented action reasons", () => {
    expect(Object.keys(ACTION_REASONS)).toEqual(
      expect.arrayContaining(["replace_because_tainted", "replace_by_request", "delete_because_no_module", "delete_because_no_move_target", "delete_because_each_key"]),
    );
  });
});

describe("addresses are read segment by segment", () => {
  it("module path, data sources, count and for_each keys (quoted keys may hold any character)", () => {
    expect(parseAddress('module.bus["eu"].module.inner.aws_sqs_queue.dlq["a.b, c]"]')).toEqual({
      modules: [
        { name: "bus", key: { kind: "string", value: "eu" } },
        { name: "inner", key: undefined },
      ],
      resource: { mode: "managed", type: "aws_sqs_queue", name: "dlq", key: { kind: "string", value: "a.b, c]" } },
    });
    expect(parseAddress("data.aws_caller_identity.current").resource?.mode).toBe("data");
    expect(parseAddress("aws_sqs_queue.q[12]").resource?.key).toEqual({ kind: "int", value: 12 });
  });

  it.each(["", "aws_sqs_queue", "module.x", "aws_sqs_queue.q[", 'aws_sqs_queue.q["a]', "aws_sqs_queue.q.extra", "aws_sqs_queue.q[*]"])("refuses %j", (text) => {
    expect(() => parseAddress(text)).toThrow();
  });
});

describe("allowances match whole segments", () => {
  it.each([
    ["module.x", "module.x.aws_sqs_queue.q", true],
    ["module.x", "module.x2.aws_sqs_queue.q", false],
    ["module.x", "module.x.module.y.aws_sqs_queue.q", true],
    ["module.x", 'module.x["a"].aws_sqs_queue.q', true],
    ['module.x["a"]', 'module.x["b"].aws_sqs_queue.q', false],
    ["module.x.aws_sqs_queue.q", "module.x.module.y.aws_sqs_queue.q", false],
    ["aws_sqs_queue.dlq", "aws_sqs_queue.dlq", true],
    ["aws_sqs_queue.dlq", 'aws_sqs_queue.dlq["orders"]', true],
    ["aws_sqs_queue.dlq", "aws_sqs_queue.dlq[0]", true],
    ["aws_sqs_queue.dlq", "aws_sqs_queue.dlq_old", false],
    ["aws_sqs_queue.dlq", "module.x.aws_sqs_queue.dlq", false],
    ['aws_sqs_queue.dlq["orders"]', 'aws_sqs_queue.dlq["orders"]', true],
    ['aws_sqs_queue.dlq["orders"]', 'aws_sqs_queue.dlq["orders2"]', false],
    ['aws_sqs_queue.dlq["0"]', "aws_sqs_queue.dlq[0]", false],
    ["aws_sqs_queue.dlq[0]", "aws_sqs_queue.dlq[0]", true],
    ["aws_sqs_queue.dlq[*]", 'aws_sqs_queue.dlq["x"]', true],
    ["aws_sqs_queue.dlq[*]", "aws_sqs_queue.dlq", false],
    ['aws_sqs_queue.dlq["a,b"]', 'aws_sqs_queue.dlq["a,b"]', true],
    // `*` stays inside one name: it never crosses a "." or a key.
    ["aws_sqs_queue.dlq_*", "aws_sqs_queue.dlq_orders", true],
    ["aws_sqs_queue.dlq_*", "aws_sqs_queue.dlq", false],
    ["aws_sqs_queue.dlq*", 'aws_sqs_queue.dlq["a"]', true],
    ["aws_sqs_queue.dlq*", "module.x.aws_sqs_queue.dlq", false],
    ["module.x*", "module.x2.aws_sqs_queue.q", true],
    ["module.x*.aws_sqs_queue.q", "module.x.module.y.aws_sqs_queue.q", false],
  ])("%s vs %s -> %s", (pattern, address, expected) => {
    expect(matchesAllowance(address, pattern)).toBe(expected);
  });

  it.each(["*", "**", "*.*", "module.*", "*.*[*]", "module.*.*.*", "data.*.*"])("refuses %j: it would allow everything in its scope", (pattern) => {
    expect(() => parseAllowance(pattern)).toThrow(PlanInputError);
    expect(() => parseAllowance(pattern)).toThrow(/^--allow-destroy: ".*" (would allow every address|matches every address)/);
  });

  it("refuses what is not an address, saying how to write one", () => {
    expect(() => parseAllowance("aws_*")).toThrow(/is not a resource or module address .* write a Terraform address/);
    expect(() => parseAllowance("aws_sqs_queue.q[")).toThrow(PlanInputError);
  });

  it("splits on commas and whitespace outside keys, drops blanks and duplicates", () => {
    expect(normalizeAllowances(["a.b, c.d", " ", "e.f\ng.h", "a.b"])).toEqual(["a.b", "c.d", "e.f", "g.h"]);
    expect(normalizeAllowances([""])).toEqual([]);
    expect(normalizeAllowances(['aws_sqs_queue.q["a, b"],aws_sqs_queue.r["x \\" y"] module.m'])).toEqual([
      'aws_sqs_queue.q["a, b"]',
      'aws_sqs_queue.r["x \\" y"]',
      "module.m",
    ]);
  });
});

describe("policy: the safe list and protected attributes", () => {
  it("lists only types that hold nothing, each with a reason", () => {
    expect(Object.keys(SAFE_TO_REMOVE).sort()).toEqual(["aws_cloudwatch_metric_alarm", "aws_s3_bucket_lifecycle_configuration", "null_resource", "terraform_data"]);
    for (const reason of Object.values(SAFE_TO_REMOVE)) expect(reason.length).toBeGreaterThan(20);
    for (const type of ["aws_cloudwatch_event_rule", "aws_cloudwatch_event_target", "aws_sns_topic", "aws_kms_alias", "aws_sqs_queue_policy", "genesyscloud_auth_role", "aws_secretsmanager_secret_version", "aws_lambda_permission", "aws_iam_role_policy"]) {
      expect(SAFE_TO_REMOVE).not.toHaveProperty(type);
    }
  });

  it("protects keys, the partner source, secrets' keys and who may do what, each with a reason", () => {
    const names = (type: string) => (PROTECTED_ATTRIBUTES[type] ?? []).map((a) => a.attribute);
    expect(names("aws_kms_key")).toEqual(expect.arrayContaining(["policy", "enable_key_rotation", "is_enabled"]));
    expect(names("aws_cloudwatch_event_bus")).toEqual(expect.arrayContaining(["name", "event_source_name"]));
    expect(names("aws_secretsmanager_secret")).toEqual(expect.arrayContaining(["kms_key_id", "name"]));
    expect(names("genesyscloud_integration")).toEqual(expect.arrayContaining(["config", "intended_state"]));
    expect(names("genesyscloud_oauth_client")).toContain("roles");
    for (const list of Object.values(PROTECTED_ATTRIBUTES)) for (const a of list) expect(a.reason.length).toBeGreaterThan(10);
  });

  it("names attributes that exist in the provider schemas", () => {
    const schema = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "scripts", "schema", "genesyscloud-schema.json"), "utf8")) as {
      provider_schemas: Record<string, { resource_schemas: Record<string, { block: { attributes?: object; block_types?: object } }> }>;
    };
    const genesys = Object.values(schema.provider_schemas)[0].resource_schemas;
    for (const [type, list] of Object.entries(PROTECTED_ATTRIBUTES)) {
      if (!type.startsWith("genesyscloud_")) continue;
      const block = genesys[type].block;
      for (const a of list) expect(Object.keys({ ...block.attributes, ...block.block_types })).toContain(a.attribute);
    }
  });
});

describe("policy names real attributes and is documented", () => {
  /** Attribute names of an AWS resource as its cdktf binding synthesizes them (the provider schema's names). */
  function awsAttributes(type: string): string[] {
    const file = path.join(__dirname, "..", "node_modules", "@cdktf", "provider-aws", "lib", type.replace(/^aws_/, "").replace(/_/g, "-"), "index.js");
    const body = /synthesizeAttributes\(\) \{[\s\S]*?const attrs = \{([\s\S]*?)\n {8}\};/.exec(fs.readFileSync(file, "utf8"))?.[1] ?? "";
    return [...body.matchAll(/^\s+([a-z0-9_]+): \{/gm)].map((m) => m[1]);
  }

  it("every protected AWS attribute exists in the provider binding", () => {
    for (const [type, list] of Object.entries(PROTECTED_ATTRIBUTES)) {
      if (!type.startsWith("aws_")) continue;
      const known = awsAttributes(type);
      expect(known.length).toBeGreaterThan(2);
      for (const a of list) expect([type, known.includes(a.attribute)]).toEqual([type, true]);
    }
  });

  it("docs/plan-guard.md lists every safe type and every protected attribute", () => {
    const doc = fs.readFileSync(path.join(__dirname, "..", "docs", "plan-guard.md"), "utf8");
    for (const type of Object.keys(SAFE_TO_REMOVE)) expect(doc).toContain(`| \`${type}\` | ${SAFE_TO_REMOVE[type]} |`);
    for (const [type, list] of Object.entries(PROTECTED_ATTRIBUTES)) {
      for (const a of list) expect(doc).toContain(`| \`${type}\` | \`${a.attribute}\` | ${a.reason} |`);
    }
  });
});

describe("plan file encoding", () => {
  const text = '{"format_version":"1.2"}';
  it("drops a UTF-8 byte order mark", () => {
    expect(decodePlanBytes(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]), "p.json")).toBe(text);
  });
  it.each([
    ["UTF-16 LE with BOM", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")])],
    ["UTF-16 BE with BOM", Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, "utf16le").swap16()])],
    ["UTF-16 LE without BOM", Buffer.from(text, "utf16le")],
  ])("refuses %s with the bash hint", (_name, bytes) => {
    expect(() => decodePlanBytes(bytes, "p.json")).toThrow(
      "p.json: the plan file is UTF-16; write it with `terraform show -json plan.tfplan > plan.json` from bash, or convert it to UTF-8",
    );
  });
  it("refuses bytes that are not UTF-8, and a binary plan", () => {
    expect(() => decodePlanBytes(Buffer.from([0x7b, 0xc3, 0x28, 0x7d]), "p.json")).toThrow(/not UTF-8 text/);
    expect(() => decodePlanBytes(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00]), "dev.tfplan")).toThrow(/binary plan file/);
  });
});

describe("review findings: no pattern covers every type, alarms only on replace, damaging updates flagged", () => {
  it("refuses a wildcard in the resource type (aws_*.*, *_*.*, a*.*)", () => {
    for (const text of ["*_*.*", "aws_*.*", "a*.*", "*.dlq", "module.rule_x.aws_*.dlq"]) {
      expect(() => parseAllowances([text])).toThrow(/wildcard in the resource type/);
    }
    expect(parseAllowances(["aws_sqs_queue.dlq_*"])).toHaveLength(1);
  });

  it("treats a metric alarm as safe when replaced or forgotten, not deleted outright", () => {
    expect(safeRemovalReason("aws_cloudwatch_metric_alarm", "replace")).toBeDefined();
    expect(safeRemovalReason("aws_cloudwatch_metric_alarm", "delete")).toBeUndefined();
    expect(safeRemovalReason("aws_cloudwatch_metric_alarm", "forget")).toBeDefined();
    expect(safeRemovalReason("terraform_data", "delete")).toBeDefined();
    expect(safeRemovalReason("aws_sqs_queue", "replace")).toBeUndefined();
  });

  it("protects the attributes whose update silently stops or redirects delivery, or widens access", () => {
    const names = (type: string) => protectedAttributesOf(type).map((a) => a.attribute);
    expect(names("aws_cloudwatch_event_rule")).toEqual(expect.arrayContaining(["state", "event_pattern"]));
    expect(names("aws_cloudwatch_event_target")).toEqual(expect.arrayContaining(["arn", "role_arn", "dead_letter_config"]));
    expect(names("aws_sqs_queue_policy")).toEqual(["policy"]);
    expect(names("aws_sns_topic_policy")).toEqual(["policy"]);
    expect(names("aws_cloudwatch_log_resource_policy")).toEqual(["policy_document"]);
    expect(names("aws_iam_role_policy")).toEqual(["policy"]);
    expect(names("aws_iam_role")).toContain("inline_policy");
    expect(names("aws_sqs_queue")).toContain("redrive_policy");
  });
});
