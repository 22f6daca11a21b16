import { Construct } from "constructs";
import { AuthDivision } from "../../.gen/providers/genesyscloud/auth-division";
import { AuthRole } from "../../.gen/providers/genesyscloud/auth-role";
import { RoutingWrapupcode } from "../../.gen/providers/genesyscloud/routing-wrapupcode";
import type { PermissionPolicy } from "./service-client";

/** The audit topic (template) that carries the wrap-up code canary's event. */
export const AUDIT_TOPIC = "v2.audits.entitytype.{id}.entityid.{id}";
/** The presence topic (template) that carries the user-presence canary's event. */
export const PRESENCE_TOPIC = "v2.users.{id}.presence";

/**
 * What the smoke tests' canary changes to provoke an event:
 * - `wrapup-code` (default): the description of a wrap-up code the stack creates for it, in the canary division.
 *   Genesys audits wrap-up code changes (audit entity type `WrapupCode`, service Routing) and publishes audits on
 *   `v2.audits.entitytype.{id}.entityid.{id}`.
 * - `user-presence`: the Genesys presence of a dedicated, licensed user (not created here: a user needs a licence),
 *   toggled between two presence definitions; published on `v2.users.{id}.presence`.
 */
export type CanaryTriggerConfig =
  | { readonly type: "wrapup-code" }
  | { readonly type: "user-presence"; readonly userId: string; readonly presenceDefinitionIds: readonly string[] };

/** Topic and least-privilege permissions of each trigger type (granted in the canary division only). */
export const CANARY_TRIGGER_SPECS: Readonly<Record<CanaryTriggerConfig["type"], { topic: string; permissionPolicies: PermissionPolicy[] }>> = {
  "wrapup-code": {
    topic: AUDIT_TOPIC,
    // Wrap-up codes are division-aware: granted in the canary division, these reach only the canary's own code.
    permissionPolicies: [{ domain: "routing", entityName: "wrapupCode", actionSet: ["view", "edit"] }],
  },
  "user-presence": {
    topic: PRESENCE_TOPIC,
    // Setting another user's presence needs presence:userPresence:edit (PresenceApi docs: PUT /api/v2/users/presences/bulk
    // "Requires ANY permissions: presence:userPresence:edit"); reading a presence needs none. Division scoping unverified.
    permissionPolicies: [{ domain: "presence", entityName: "userPresence", actionSet: ["edit"] }],
  },
};

/** The description Terraform gives the canary wrap-up code; the canary's restore falls back to it (see WrapupCodeTrigger). */
export const CANARY_WRAPUP_CODE_DESCRIPTION = "Smoke-test canary: its description is changed and restored by scripts/smoke.ts --canary.";

export interface GenesysCanaryProps {
  /** e.g. `dev`; names the division, the role and the canary object. */
  readonly environment: string;
  readonly trigger: CanaryTriggerConfig;
  readonly preventDestroy?: boolean;
}

/** A role grant in one division, as `genesyscloud_oauth_client` `roles` takes it. */
export interface DivisionRoleGrant {
  readonly roleId: string;
  readonly divisionId: string;
}

/** What the smoke tests need to know about the canary (stack output `canary`, besides rule and target). */
export interface CanaryOutputs {
  readonly trigger: CanaryTriggerConfig["type"];
  readonly division_id: string;
  readonly role_id: string;
  /** The object the canary changes: the wrap-up code id, or the dedicated user's id. */
  readonly entity_id: string;
}

/**
 * The least-privilege end-to-end canary's Genesys side: a dedicated division, a role holding only the trigger's
 * permissions, and (for `wrapup-code`) the wrap-up code the canary edits, created in that division. Give
 * `roleGrant` to the smoke-tests service's OAuth clients: the grant names the canary division, so the role's
 * division-aware permissions reach nothing outside it (never `*`, never the home division).
 */
export class GenesysCanary extends Construct {
  readonly divisionId: string;
  readonly roleId: string;
  readonly entityId: string;
  readonly roleGrant: DivisionRoleGrant;
  readonly trigger: CanaryTriggerConfig;

  constructor(scope: Construct, id: string, props: GenesysCanaryProps) {
    super(scope, id);
    if (!/^[a-z][a-z0-9-]{0,30}[a-z0-9]$/.test(props.environment)) {
      throw new Error(`GenesysCanary: environment "${props.environment}" must be 2-32 characters of a-z, 0-9 and '-'`);
    }
    const trigger = props.trigger;
    if (trigger.type === "user-presence") {
      const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
      if (!uuid.test(trigger.userId)) throw new Error(`GenesysCanary: userId "${trigger.userId}" must be a Genesys user id (a UUID)`);
      if (trigger.presenceDefinitionIds.length !== 2 || trigger.presenceDefinitionIds[0] === trigger.presenceDefinitionIds[1]) {
        throw new Error("GenesysCanary: presenceDefinitionIds must name two different presence definitions to toggle between");
      }
    }
    this.trigger = trigger;
    const protect = { preventDestroy: props.preventDestroy ?? false };
    const name = `eventbridge-${props.environment}-canary`;

    const division = new AuthDivision(this, "division", {
      name,
      description: `Holds only the objects the smoke tests' canary may change (${props.environment}); managed by genesys-eventbridge-infra.`,
      lifecycle: protect,
    });
    this.divisionId = division.id;

    const role = new AuthRole(this, "role", {
      name,
      description: `Smoke-test canary (${props.environment}): granted in division ${name} only.`,
      permissionPolicies: CANARY_TRIGGER_SPECS[trigger.type].permissionPolicies.map((p) => ({ ...p, actionSet: [...p.actionSet] })),
    });
    this.roleId = role.id;
    this.roleGrant = { roleId: role.id, divisionId: division.id };

    if (trigger.type === "wrapup-code") {
      const code = new RoutingWrapupcode(this, "wrapup-code", {
        name,
        divisionId: division.id,
        description: CANARY_WRAPUP_CODE_DESCRIPTION,
        lifecycle: protect,
      });
      this.entityId = code.id;
    } else {
      this.entityId = trigger.userId;
    }
  }

  outputs(): CanaryOutputs {
    return { trigger: this.trigger.type, division_id: this.divisionId, role_id: this.roleId, entity_id: this.entityId };
  }
}
