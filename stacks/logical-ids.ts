/**
 * Readable, stable Terraform addresses: every resource is named from the configured names along its construct
 * path, without cdktf's hash. `aws_sqs_queue.rule-conversations_crm-sync_dlq_queue_30EAFC7D` becomes
 * `aws_sqs_queue.conversations_crm_sync_dlq`, so operators can type what they read in `--allow-destroy`,
 * `terraform state mv` and plan reviews.
 *
 * The name of an element is its construct path below the stack, where
 * - the construct-kind prefixes `rule-` and `service-` are dropped (`rule-conversations` → `conversations`);
 * - a last path part that only repeats the resource type is dropped (`…/dlq/queue` of an `aws_sqs_queue`);
 * - parts are joined with `_`, `-` becomes `_`, and anything outside `[A-Za-z0-9_]` is removed.
 * Two resources (or data sources) of one type that end up with one name fail the synth, naming both paths.
 * Outputs, providers and the backend keep cdktf's names (their id, no hash): output names are an interface.
 *
 * Existing deployments keep their objects: for every resource whose hashed address is listed in
 * `stacks/hashed-addresses.json` (every address the stacks had before this scheme), a Terraform `moved` block
 * from that address to the new one is emitted in the stack's top-level `moved` list, the JSON form cdktf's own
 * `moveFromId` writes (https://developer.hashicorp.com/terraform/cdktf/examples-and-guides/refactoring; `moved`:
 * https://developer.hashicorp.com/terraform/language/moved). Resources added later never had a hashed address
 * and get no `moved` block.
 */
import { Node } from "constructs";
import { Lazy, TerraformDataSource, TerraformElement, TerraformResource, TerraformStack } from "cdktf";
import hashedAddresses from "./hashed-addresses.json";

/** Construct ids the stacks prefix to a configured name: `rule-<name>`, `service-<name>`. */
const KIND_PREFIXES = ["rule-", "service-"];


function toIdentifier(part: string): string {
  return part.replace(/-/g, "_").replace(/[^A-Za-z0-9_]/g, "");
}

/** The readable name of a construct path (the parts below the stack) for a resource or data source type. */
export function readableName(parts: readonly string[], resourceType?: string): string {
  let names = parts.map((part) => {
    const prefix = KIND_PREFIXES.find((p) => part.startsWith(p) && part.length > p.length);
    return toIdentifier(prefix ? part.slice(prefix.length) : part);
  });
  const last = names[names.length - 1];
  if (names.length > 1 && resourceType && (resourceType === last || resourceType.endsWith(`_${last}`))) names = names.slice(0, -1);
  const name = names.filter(Boolean).join("_");
  if (name === "") throw new Error(`cannot derive a Terraform name from the construct path "${parts.join("/")}"`);
  return /^[A-Za-z_]/.test(name) ? name : `_${name}`;
}

/**
 * Switches `stack` to readable addresses and emits the `moved` blocks from its former hashed ones. Call it first in
 * the stack's constructor, before any element is created.
 */
export function useReadableLogicalIds(stack: TerraformStack): void {
  const hashedId = TerraformStack.prototype["allocateLogicalId"] as (this: TerraformStack, element: TerraformElement | Node) => string;
  const taken = new Map<string, string>();
  const collisions: string[] = [];
  const allocate = (element: TerraformElement | Node): string => {
    // Outputs, providers, the backend: cdktf already names them by their id alone (outputs keep their names).
    if (!(element instanceof TerraformResource || element instanceof TerraformDataSource)) return hashedId.call(stack, element);
    const node = element instanceof TerraformElement ? element.node : element;
    const parts = node.scopes.slice(node.scopes.indexOf(stack) + 1).map((c) => c.node.id);
    const type = element.terraformResourceType;
    const name = readableName(parts, type);
    const key = `${element instanceof TerraformDataSource ? "data." : ""}${type}.${name}`;
    const owner = taken.get(key);
    if (owner !== undefined && owner !== node.path) {
      // Reported when the stack is synthesized: checks that run between build and synth (stacks/resource-names.ts)
      // name such a clash by its AWS name first.
      collisions.push(
        `${key} is derived from both ${owner} and ${node.path}. Rename one of the rules, targets or services so that their names differ once "-" is read as "_".`,
      );
      return name;
    }
    taken.set(key, node.path);
    return name;
  };
  (stack as unknown as { allocateLogicalId: typeof allocate }).allocateLogicalId = allocate;
  const toTerraform = stack.toTerraform.bind(stack);
  const check = () => {
    if (collisions.length > 0) throw new Error(`Terraform address collision in stack "${stack.node.id}": ${collisions.join("; ")}`);
  };
  // Names are allocated lazily, some only while the stack renders: check before and after.
  stack.toTerraform = () => {
    check();
    const json = toTerraform();
    check();
    return json;
  };

  // The moved blocks are one stack-level list, computed when the stack is synthesized (resource.moveFromId would
  // do the same per resource, at twice the synth time).
  const legacy = new Set<string>((hashedAddresses as Record<string, string[]>)[stack.node.id] ?? []);
  const movedBlocks = (): Array<{ from: string; to: string }> | undefined => {
    const blocks = stack.node
      .findAll()
      .filter((c): c is TerraformResource => c instanceof TerraformResource && TerraformStack.of(c) === stack)
      .map((r) => ({ from: `${r.terraformResourceType}.${hashedId.call(stack, r)}`, to: `${r.terraformResourceType}.${r.friendlyUniqueId}` }))
      .filter((m) => m.from !== m.to && legacy.has(m.from));
    return blocks.length > 0 ? blocks : undefined;
  };
  stack.addOverride("moved", Lazy.anyValue({ produce: movedBlocks }));
}
