/**
 * What the canary changes in Genesys to provoke one event, and how it recognises that event when it arrives.
 * One small interface, two implementations (chosen by the stack output `canary.trigger`):
 *
 * - `wrapup-code`: the description of the wrap-up code the stack created in the canary division
 *   (modules/genesys/canary.ts). Genesys audits the change (audit entity type `WrapupCode`) and publishes it on
 *   `v2.audits.entitytype.WrapupCode.entityid.<code id>` (detail-type `v2.audits.entitytype.{id}.entityid.{id}`).
 * - `user-presence`: the presence of a dedicated user, toggled between two presence definitions; published on
 *   `v2.users.<user id>.presence`.
 *
 * The event is recognised by identity, never by text alone: its concrete topic (`detail.topicName`, which names the
 * entity id), the action, and a time window; the token (the new description) only when the event carries values
 * (audit `propertyChanges[].newValues` are optional: docs/smoke-tests.md, "Evidence").
 */
import { CANARY_WRAPUP_CODE_DESCRIPTION } from "../../../modules/genesys/canary";
import type { GenesysClient } from "../genesys/client";
import { CheckFailed } from "./types";

/** What one `fire` did: enough to recognise its event and to undo it. */
export interface FiredCanary {
  /** The concrete topic the event travels on (`detail.topicName`). */
  readonly topicName: string;
  /** When the change was made (ms since epoch, local clock). */
  readonly firedAt: number;
  /** The value written (description token, or the presence definition id set). */
  readonly value: string;
  /**
   * When the object last changed before this write (its `dateModified` / `modifiedDate`, ms since epoch), or
   * undefined when Genesys did not say. An event of an earlier change can arrive during this run (audits lag
   * minutes), so an event that does not carry this run's value proves this run's change only when no earlier
   * change is that recent (scripts/lib/smoke/canary.ts).
   */
  readonly previousChangeAt?: number;
}

/** The mechanism behind the canary. */
export interface CanaryTrigger {
  /** One line for titles and reasons, e.g. `wrap-up code 1234… (division 5678…)`. */
  describe(): string;
  /** Makes the one change. @throws CheckFailed when the object is not what the stack created (e.g. another division). */
  fire(client: GenesysClient, token: string, now: number): Promise<FiredCanary>;
  /** Undoes the change; resolves with an error text when it could not, undefined when restored. */
  restore(client: GenesysClient): Promise<string | undefined>;
  /** A CloudWatch Logs filter pattern selecting the candidate events by topic only (always present in the envelope). */
  logFilterPattern(fired: FiredCanary): string;
  /**
   * Whether an EventBridge event (parsed JSON) is an event of `fired`'s object, action and time window, received no
   * later than `until`. Alone this does not tell it from an earlier change's delayed event: see `carriesValue`.
   */
  matches(event: unknown, fired: FiredCanary, until: number): boolean;
  /** Whether a matching event carries `fired.value`, a value no earlier change wrote (so it is this run's event). */
  carriesValue(event: unknown, fired: FiredCanary): boolean;
}

/** Every canary token starts with this (scripts/lib/smoke/canary.ts `defaultCanaryToken`). */
export const CANARY_TOKEN_PREFIX = "smoke-canary-";

/** Allowed clock difference between this machine and Genesys when checking the time window. */
export const CLOCK_SKEW_MS = 2_000;

type Json = Record<string, unknown>;

function asObject(value: unknown): Json | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Json) : undefined;
}

/** The envelope's `detail.topicName` and `detail.eventBody`, or undefined when the event is not a Genesys envelope. */
function genesysDetail(event: unknown): { topicName: string; body: Json } | undefined {
  const detail = asObject(asObject(event)?.detail);
  const body = asObject(detail?.eventBody);
  return typeof detail?.topicName === "string" && body ? { topicName: detail.topicName, body } : undefined;
}

/** A timestamp within [firedAt - skew, until]; an absent or unparsable time falls back to the envelope's `time`. */
function inWindow(bodyTime: unknown, event: unknown, fired: FiredCanary, until: number): boolean {
  const text = typeof bodyTime === "string" ? bodyTime : asObject(event)?.time;
  const at = typeof text === "string" ? Date.parse(text) : NaN;
  return Number.isFinite(at) && at >= fired.firedAt - CLOCK_SKEW_MS && at <= until + CLOCK_SKEW_MS;
}

/** A Genesys timestamp (ISO 8601) in ms since epoch, or undefined when absent or unparsable. */
function timestamp(text: unknown): number | undefined {
  const at = typeof text === "string" ? Date.parse(text) : NaN;
  return Number.isFinite(at) ? at : undefined;
}

/** JSON filter pattern on one string field, quoted for CloudWatch Logs. */
function topicFilter(topicName: string): string {
  return `{ $.detail.topicName = ${JSON.stringify(topicName)} }`;
}

/** Edits the description of the canary's own wrap-up code, in the canary division. */
export class WrapupCodeTrigger implements CanaryTrigger {
  private original: { name: string; description?: string } | undefined;

  constructor(
    readonly codeId: string,
    readonly divisionId: string,
  ) {}

  describe(): string {
    return `wrap-up code ${this.codeId} (division ${this.divisionId})`;
  }

  async fire(client: GenesysClient, token: string, now: number): Promise<FiredCanary> {
    const code = await client.getWrapupCode(this.codeId);
    // Fail closed: the canary changes only its own object, in its own division.
    if (code.division?.id !== this.divisionId) {
      throw new CheckFailed(
        `wrap-up code ${this.codeId} is in division ${code.division?.id ?? "(none)"}, not the canary division ${this.divisionId}: the canary changes nothing outside its division (re-apply the stack)`,
      );
    }
    // A token found here was left by a run that died before its restore, or by one running now: restore to the
    // description Terraform sets, never to a token, so two runs at once or a crash leave no token behind.
    const description = code.description?.startsWith(CANARY_TOKEN_PREFIX) ? CANARY_WRAPUP_CODE_DESCRIPTION : code.description;
    // Recorded before the write: a write that timed out but was applied is still undone.
    this.original = { name: code.name, description };
    await client.updateWrapupCode(this.codeId, { name: code.name, description: token, division: { id: this.divisionId } });
    return { topicName: `v2.audits.entitytype.WrapupCode.entityid.${this.codeId}`, firedAt: now, value: token, previousChangeAt: timestamp(code.dateModified) };
  }

  async restore(client: GenesysClient): Promise<string | undefined> {
    if (!this.original) return undefined;
    try {
      await client.updateWrapupCode(this.codeId, { ...this.original, division: { id: this.divisionId } });
      return undefined;
    } catch (err) {
      return `${err instanceof Error ? err.message : String(err)}; set the description of wrap-up code ${this.codeId} back to "${this.original.description ?? ""}"`;
    }
  }

  logFilterPattern(fired: FiredCanary): string {
    return topicFilter(fired.topicName);
  }

  matches(event: unknown, fired: FiredCanary, until: number): boolean {
    const detail = genesysDetail(event);
    if (!detail) return false;
    const { body } = detail;
    const entityId = asObject(body.entity)?.id;
    const sameEntity = detail.topicName === fired.topicName && (entityId === undefined || entityId === this.codeId);
    const action = typeof body.action === "string" ? body.action.toLowerCase() : undefined;
    if (!sameEntity || action !== "update" || !inWindow(body.eventTime, event, fired, until)) return false;
    // The token counts only when the event carries the description's new values.
    const values = descriptionValues(body);
    return values === undefined || values.includes(fired.value);
  }

  carriesValue(event: unknown, fired: FiredCanary): boolean {
    const body = genesysDetail(event)?.body;
    return body !== undefined && (descriptionValues(body)?.includes(fired.value) ?? false);
  }
}

/** The description's `newValues` of an audit body, or undefined when it carries none (they are optional). */
function descriptionValues(body: Json): unknown[] | undefined {
  const changes = Array.isArray(body.propertyChanges) ? body.propertyChanges.map(asObject) : [];
  const description = changes.find((c) => typeof c?.property === "string" && c.property.toLowerCase() === "description");
  const values = description?.newValues;
  return Array.isArray(values) && values.length > 0 ? values : undefined;
}

/** Toggles the presence of a dedicated user between two presence definitions. */
export class UserPresenceTrigger implements CanaryTrigger {
  private originalPresenceId: string | undefined;

  constructor(
    readonly userId: string,
    readonly presenceDefinitionIds: readonly [string, string],
  ) {}

  describe(): string {
    return `presence of user ${this.userId}`;
  }

  async fire(client: GenesysClient, _token: string, now: number): Promise<FiredCanary> {
    const presence = await client.getUserPresence(this.userId);
    const current = presence.presenceDefinition?.id;
    if (typeof current !== "string") throw new CheckFailed(`the presence of user ${this.userId} has no presenceDefinition.id`);
    // Recorded before the write: a write that timed out but was applied is still undone.
    this.originalPresenceId = current;
    const next = current === this.presenceDefinitionIds[0] ? this.presenceDefinitionIds[1] : this.presenceDefinitionIds[0];
    await client.setUserPresence(this.userId, next);
    return { topicName: `v2.users.${this.userId}.presence`, firedAt: now, value: next, previousChangeAt: timestamp(presence.modifiedDate) };
  }

  async restore(client: GenesysClient): Promise<string | undefined> {
    if (!this.originalPresenceId) return undefined;
    try {
      await client.setUserPresence(this.userId, this.originalPresenceId);
      return undefined;
    } catch (err) {
      return `${err instanceof Error ? err.message : String(err)}; set the presence of user ${this.userId} back to ${this.originalPresenceId}`;
    }
  }

  logFilterPattern(fired: FiredCanary): string {
    return topicFilter(fired.topicName);
  }

  matches(event: unknown, fired: FiredCanary, until: number): boolean {
    const detail = genesysDetail(event);
    if (!detail || detail.topicName !== fired.topicName) return false;
    const presenceId = asObject(detail.body.presenceDefinition)?.id;
    return (presenceId === undefined || presenceId === fired.value) && inWindow(detail.body.modifiedDate, event, fired, until);
  }

  /** Never: the presence toggles between two definitions, so an earlier change may have set the same one. */
  carriesValue(): boolean {
    return false;
  }
}
