import * as path from "node:path";
import { ADDRESSES_DIR, REGENERATE_COMMAND, compareAddresses, readAddressFiles, synthesizeAddresses } from "../scripts/lib/addresses";
import hashedAddresses from "../stacks/hashed-addresses.json";

const actual = synthesizeAddresses();

describe("Terraform addresses (test/fixtures/addresses)", () => {
  it(`are the committed lists; after reviewing a change, run \`${REGENERATE_COMMAND}\``, () => {
    const problems = compareAddresses(readAddressFiles(path.join(__dirname, "..", ADDRESSES_DIR)), actual);
    if (problems.length > 0) {
      throw new Error(`Terraform addresses changed (+ synthesized, - committed). A removed address destroys its resource unless a moved block covers it.\n${problems.join("\n")}\nReview, then run: ${REGENERATE_COMMAND}`);
    }
  });

  it("carry no cdktf hash and are derived from the configured names", () => {
    const all = [...actual.values()].flat().filter((l) => !l.startsWith("moved "));
    expect(all.filter((a) => /_[0-9A-F]{8}$/.test(a))).toEqual([]);
    expect(actual.get("dev")).toEqual(expect.arrayContaining(["aws_sqs_queue.conversations_crm_sync_dlq", "aws_cloudwatch_event_rule.conversations", "genesyscloud_oauth_client.rotation_client_a"]));
  });

  it("move every formerly hashed resource to its new address, and nothing else", () => {
    for (const [stack, lines] of actual) {
      const moved = lines.filter((l) => l.startsWith("moved ")).map((l) => l.slice("moved ".length).split(" -> "));
      const addresses = new Set(lines.filter((l) => !l.startsWith("moved ")));
      const before = (hashedAddresses as Record<string, string[]>)[stack] ?? [];
      // Each moved block goes from a former address to an address that exists now, of the same type.
      for (const [from, to] of moved) {
        expect(before).toContain(from);
        expect(addresses.has(to)).toBe(true);
        expect(from.split(".")[0]).toBe(to.split(".")[0]);
      }
      // Every former address is either still an address or moved: nothing deployed is left to be destroyed.
      const movedFrom = new Set(moved.map(([from]) => from));
      const dropped = before.filter((a) => !addresses.has(a) && !movedFrom.has(a));
      if (dropped.length > 0) {
        throw new Error(
          `stack ${stack}: deployed resources with no resource and no moved block now (the next apply destroys them):\n  ${dropped.join("\n  ")}\n` +
            "A construct path changed: keep it, or map the old address in stacks/logical-ids.ts. If the resource is meant to go, " +
            "delete its line from stacks/hashed-addresses.json in the same change.",
        );
      }
    }
  });
});
