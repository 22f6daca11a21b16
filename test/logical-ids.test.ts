import { Construct } from "constructs";
import { Testing, TerraformStack } from "cdktf";
import { CloudwatchEventArchive } from "@cdktf/provider-aws/lib/cloudwatch-event-archive";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { readableName, useReadableLogicalIds } from "../stacks/logical-ids";

function stack(id: string): TerraformStack {
  const s = new TerraformStack(Testing.app(), id);
  useReadableLogicalIds(s);
  return s;
}

describe("readable logical ids (stacks/logical-ids.ts)", () => {
  it("derive the name from the configured names: kind prefixes and a repeated type dropped, '-' read as '_'", () => {
    expect(readableName(["rule-conversations", "crm-sync", "dlq", "queue"], "aws_sqs_queue")).toBe("conversations_crm_sync_dlq");
    expect(readableName(["archive", "archive"], "aws_cloudwatch_event_archive")).toBe("archive");
    expect(readableName(["key", "alias"], "aws_kms_alias")).toBe("key");
    expect(readableName(["service-rotation", "client-a"], "genesyscloud_oauth_client")).toBe("rotation_client_a");
    expect(readableName(["rule-audit-log", "audit", "log-group"], "aws_cloudwatch_log_group")).toBe("audit_log_audit");
    expect(readableName(["github-oidc"], "aws_iam_openid_connect_provider")).toBe("github_oidc");
    expect(readableName(["rule-1st", "x"], "aws_sqs_queue")).toBe("_1st_x");
  });

  it("fail the synth on two resources of one type with one name, naming both paths", () => {
    const s = stack("collide");
    new SqsQueue(new Construct(new Construct(s, "rule-a-b"), "c"), "queue", {});
    new SqsQueue(new Construct(new Construct(s, "rule-a"), "b-c"), "queue", {});
    expect(() => Testing.synth(s)).toThrow(/aws_sqs_queue\.a_b_c is derived from both collide\/rule-a-b\/c\/queue and collide\/rule-a\/b-c\/queue/);
  });

  it("move a resource from its former hashed address (listed in stacks/hashed-addresses.json) only", () => {
    const s = stack("dev");
    new CloudwatchEventArchive(new Construct(s, "archive"), "archive", { name: "x", eventSourceArn: "arn:aws:events:us-east-1:111111111111:event-bus/x" });
    new SqsQueue(new Construct(s, "brand-new"), "queue", {});
    const json = JSON.parse(Testing.synth(s)) as { resource: Record<string, Record<string, unknown>>; moved?: Array<{ from: string; to: string }> };
    expect(Object.keys(json.resource.aws_cloudwatch_event_archive)).toEqual(["archive"]);
    expect(Object.keys(json.resource.aws_sqs_queue)).toEqual(["brand_new"]);
    expect(json.moved).toEqual([{ from: "aws_cloudwatch_event_archive.archive_F6B9B74C", to: "aws_cloudwatch_event_archive.archive" }]);
  });
});
