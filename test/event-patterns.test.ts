import * as fs from "fs";
import * as path from "path";
import { ENVIRONMENT_NAMES } from "../environments";
import { matchesEventPattern as matchesPattern } from "../environments/event-pattern";
import { resources, synthEnvironment } from "./support/synth";

type Event = Record<string, never>;
const FIXTURES = path.join(__dirname, "fixtures", "events");
const events: Record<string, Event> = Object.fromEntries(
  fs
    .readdirSync(FIXTURES)
    .filter((f) => f.endsWith(".json"))
    .map((f) => [f.replace(/\.json$/, ""), JSON.parse(fs.readFileSync(path.join(FIXTURES, f), "utf8")) as Event]),
);

/** Which fixtures each example rule is for. */
const INTENDED: Record<string, string[]> = {
  "audit-log": ["audit-oauth-client-delete", "audit-user-presence"],
  conversations: ["conversation-customer-end", "conversation-customer-start"],
  presence: ["user-presence"],
  transcripts: ["conversation-transcription"],
  "oauth-client-deleted": ["audit-oauth-client-delete"],
};

describe("the event-pattern matcher used here (the one synth validates with)", () => {
  it("follows EventBridge semantics on the cases the rules rely on", () => {
    const event = events["audit-oauth-client-delete"];
    expect(matchesPattern({ source: [{ prefix: "aws.partner/genesys.com" }] }, event)).toBe(true);
    expect(matchesPattern({ source: [{ prefix: "aws.partner/other.com" }] }, event)).toBe(false);
    expect(matchesPattern({ "detail-type": ["v2.users.{id}.presence", "v2.audits.entitytype.{id}.entityid.{id}"] }, event)).toBe(true);
    expect(matchesPattern({ detail: { eventBody: { entityType: ["OAuthClient"] } } }, event)).toBe(true);
    expect(matchesPattern({ detail: { eventBody: { entityType: ["UserPresence"] } } }, event)).toBe(false);
    expect(matchesPattern({ detail: { eventBody: { missing: [{ exists: false }] } } }, event)).toBe(true);
    expect(matchesPattern({ detail: { eventBody: { action: [{ "anything-but": "Delete" }] } } }, event)).toBe(false);
  });
});

describe.each(ENVIRONMENT_NAMES)("%s rules match the Genesys events they are for, and no others", (env) => {
  const s = synthEnvironment(env);
  const rules = Object.values(resources(s, "aws_cloudwatch_event_rule"));

  it("has the example rules", () => {
    expect(rules.map((r) => String(r.name).replace(`genesys-${env}-`, "")).sort()).toEqual(Object.keys(INTENDED).sort());
  });

  it.each(Object.keys(INTENDED))("%s", (ruleName) => {
    const rule = rules.find((r) => r.name === `genesys-${env}-${ruleName}`);
    expect(rule).toBeDefined();
    const pattern = JSON.parse(String(rule?.event_pattern)) as Record<string, never>;
    const matched = Object.keys(events).filter((name) => matchesPattern(pattern, events[name])).sort();
    expect(matched).toEqual(INTENDED[ruleName]);
  });
});
