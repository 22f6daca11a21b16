/**
 * The action lists Terraform writes in `change.actions` of its JSON plan, and the `action_reason` codes.
 *
 * Source: Terraform's `internal/command/jsonplan/plan.go` (type `Change`, functions `actionString` and
 * `UnmarshalActions`, constants `ResourceInstance*`) and the documented "JSON Output Format"
 * (https://developer.hashicorp.com/terraform/internals/json-format). Every list below is one Terraform documents;
 * anything else (a new action in a later Terraform, a typo, a hand-edited file) stops the guard.
 */

/** What a resource change amounts to. */
export type ChangeKind = "no-op" | "create" | "read" | "update" | "replace" | "delete" | "forget";

interface ActionListMeaning {
  readonly kind: ChangeKind;
  /** True when the object Terraform manages now is destroyed or dropped from state. */
  readonly removesObject: boolean;
  readonly meaning: string;
}

/** Every action list Terraform's JSON plan format documents, keyed by the list joined with ",". */
export const DOCUMENTED_ACTION_LISTS: Readonly<Record<string, ActionListMeaning>> = Object.freeze({
  "no-op": { kind: "no-op", removesObject: false, meaning: "no change (also a move or import with nothing else to do)" },
  create: { kind: "create", removesObject: false, meaning: "create a new object" },
  read: { kind: "read", removesObject: false, meaning: "read a data source during apply" },
  update: { kind: "update", removesObject: false, meaning: "update in place" },
  "delete,create": { kind: "replace", removesObject: true, meaning: "replace: destroy, then create" },
  "create,delete": { kind: "replace", removesObject: true, meaning: "replace: create, then destroy (create_before_destroy)" },
  delete: { kind: "delete", removesObject: true, meaning: "destroy" },
  forget: { kind: "forget", removesObject: true, meaning: "remove from state, keep the object (removed block, destroy = false)" },
  "create,forget": { kind: "replace", removesObject: true, meaning: "replace: create a new object, forget the old one (it is kept, unmanaged)" },
});

/** Raised for an action list Terraform does not document. The message names the list and the address. */
export class UnsupportedActionsError extends Error {
  constructor(
    readonly actions: unknown,
    readonly address: string,
  ) {
    super(`unsupported actions ${JSON.stringify(actions)} at ${address}: plan-guard understands only ${Object.keys(DOCUMENTED_ACTION_LISTS).map((k) => JSON.stringify(k.split(","))).join(", ")}`);
    this.name = "UnsupportedActionsError";
  }
}

/** Looks up a documented action list; throws {@link UnsupportedActionsError} for anything else. */
export function describeActions(actions: unknown, address: string): ActionListMeaning {
  if (!Array.isArray(actions) || actions.length === 0 || !actions.every((a) => typeof a === "string")) {
    throw new UnsupportedActionsError(actions, address);
  }
  const meaning = Object.prototype.hasOwnProperty.call(DOCUMENTED_ACTION_LISTS, actions.join(",")) ? DOCUMENTED_ACTION_LISTS[actions.join(",")] : undefined;
  // A string containing "," would otherwise join into a documented key.
  if (meaning === undefined || actions.some((a: string) => a.includes(","))) throw new UnsupportedActionsError(actions, address);
  return meaning;
}

/** Folds a documented `change.actions` list into one kind; throws on a list Terraform does not document. */
export function classifyActions(actions: readonly string[], address = "(unknown address)"): ChangeKind {
  return describeActions(actions, address).kind;
}

/**
 * `action_reason` values Terraform writes (jsonplan constants `ResourceInstance*`), with what they tell a reviewer.
 * An unknown reason is shown as written.
 */
export const ACTION_REASONS: Readonly<Record<string, string>> = Object.freeze({
  replace_because_cannot_update: "an argument that cannot change in place changed",
  replace_because_tainted: "the object is tainted (a create or provisioner failed earlier)",
  replace_by_request: "requested with -replace",
  replace_by_triggers: "lifecycle replace_triggered_by fired",
  delete_because_no_resource_config: "its resource block was removed from the configuration",
  delete_because_wrong_repetition: "count/for_each was added or removed, so the instance key changed",
  delete_because_count_index: "its count index is now out of range",
  delete_because_each_key: "its for_each key is no longer in the map/set",
  delete_because_no_module: "its module call was removed",
  delete_because_no_move_target: "a moved block points to an address that no longer exists",
  read_because_config_unknown: "its configuration depends on values known only after apply",
  read_because_dependency_pending: "it depends on a resource with pending changes",
  read_because_check_nested: "it is in a check block",
});

/** "code (meaning)" for a known reason, the raw code otherwise. */
export function explainReason(reason: string): string {
  const meaning = Object.prototype.hasOwnProperty.call(ACTION_REASONS, reason) ? ACTION_REASONS[reason] : undefined;
  return meaning ? `${reason}: ${meaning}` : reason;
}
