/**
 * The shared EventBridge pattern validator and matcher, against the examples of the EventBridge User Guide
 * ("Comparison operators for use in event patterns", "Content filtering in Amazon EventBridge event patterns").
 */
import { EVENT_PATTERN_MAX_LENGTH, matchesEventPattern, validateEventPattern } from "../environments/event-pattern";

const event = {
  version: "0",
  id: "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
  "detail-type": "EC2 Instance State-change Notification",
  source: "aws.ec2",
  account: "111122223333",
  time: "2017-12-22T18:43:48Z",
  region: "us-west-1",
  resources: ["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"],
  detail: {
    "instance-id": "i-1234567890abcdef0",
    state: "terminated",
    "c-count": 5,
    "source-ip": "10.0.0.123",
    ipv6: "2001:db8::1",
    FileName: "image.PNG",
    tags: ["a", "b"],
    nested: [{ k: "x" }, { k: "y" }],
    nothing: null,
    glob: "a*bc",
  },
};

describe("matchesEventPattern: documented operators", () => {
  const cases: [string, Record<string, unknown>, boolean][] = [
    ["exact string", { source: ["aws.ec2"] }, true],
    ["exact string, other value", { source: ["aws.s3"] }, false],
    ["alternatives (OR within a list)", { source: ["aws.s3", "aws.ec2"] }, true],
    ["AND across fields", { source: ["aws.ec2"], region: ["us-east-1"] }, false],
    ["nested field", { detail: { state: ["terminated"] } }, true],
    ["exact number", { detail: { "c-count": [5] } }, true],
    ["null value", { detail: { nothing: [null] } }, true],
    ["prefix", { time: [{ prefix: "2017-12-22" }] }, true],
    ["prefix, no match", { time: [{ prefix: "2018" }] }, false],
    ["prefix ignoring case", { source: [{ prefix: { "equals-ignore-case": "AWS." } }] }, true],
    ["suffix", { detail: { FileName: [{ suffix: ".PNG" }] } }, true],
    ["suffix is case-sensitive", { detail: { FileName: [{ suffix: ".png" }] } }, false],
    ["suffix ignoring case", { detail: { FileName: [{ suffix: { "equals-ignore-case": ".png" } }] } }, true],
    ["equals-ignore-case", { detail: { state: [{ "equals-ignore-case": "TERMINATED" }] } }, true],
    ["wildcard", { source: [{ wildcard: "aws.*" }] }, true],
    ["wildcard in the middle", { resources: [{ wildcard: "arn:aws:ec2:*:instance/*" }] }, true],
    ["wildcard, no match", { source: [{ wildcard: "*.s3" }] }, false],
    ["escaped star then wildcard", { detail: { FileName: [{ wildcard: "image\\**" }] } }, false],
    ["escaped star is literal", { detail: { glob: [{ wildcard: "a\\**" }] } }, true],
    ["precise numbers are accepted", { detail: { "c-count": [{ numeric: [">", 4.1234567] }] } }, true],
    ["anything-but string", { detail: { state: [{ "anything-but": "initializing" }] } }, true],
    ["anything-but the value", { detail: { state: [{ "anything-but": "terminated" }] } }, false],
    ["anything-but list", { detail: { state: [{ "anything-but": ["stopped", "terminated"] }] } }, false],
    ["anything-but number", { detail: { "c-count": [{ "anything-but": 123 }] } }, true],
    ["anything-but prefix", { region: [{ "anything-but": { prefix: "us-" } }] }, false],
    ["anything-but suffix", { detail: { FileName: [{ "anything-but": { suffix: ".txt" } }] } }, true],
    ["anything-but ignore case", { detail: { state: [{ "anything-but": { "equals-ignore-case": ["TERMINATED"] } }] } }, false],
    ["anything-but wildcard", { source: [{ "anything-but": { wildcard: "*.ec2" } }] }, false],
    ["anything-but needs the field", { detail: { missing: [{ "anything-but": "x" }] } }, false],
    ["numeric range", { detail: { "c-count": [{ numeric: [">", 0, "<=", 5] }] } }, true],
    ["numeric range, outside", { detail: { "c-count": [{ numeric: [">", 5] }] } }, false],
    ["numeric equals", { detail: { "c-count": [{ numeric: ["=", 5] }] } }, true],
    ["numeric on a string", { detail: { state: [{ numeric: [">", 0] }] } }, false],
    ["cidr IPv4", { detail: { "source-ip": [{ cidr: "10.0.0.0/24" }] } }, true],
    ["cidr IPv4, outside", { detail: { "source-ip": [{ cidr: "10.0.1.0/24" }] } }, false],
    ["cidr IPv6", { detail: { ipv6: [{ cidr: "2001:db8::/32" }] } }, true],
    ["exists true", { detail: { state: [{ exists: true }] } }, true],
    ["exists false, present", { detail: { state: [{ exists: false }] } }, false],
    ["exists false, absent", { detail: { missing: [{ exists: false }] } }, true],
    ["exists works on leaves only", { detail: [{ exists: true }] }, false],
    ["exists false under an absent object", { missing: { deeper: [{ exists: false }] } }, true],
    ["array value: any element", { detail: { tags: ["b"] } }, true],
    ["array of objects: any element", { detail: { nested: { k: ["y"] } } }, true],
    ["$or, one branch matches", { detail: { $or: [{ state: ["running"] }, { "c-count": [{ numeric: [">", 1] }] }] } }, true],
    ["$or, no branch matches", { $or: [{ source: ["aws.s3"] }, { region: ["eu-west-1"] }] }, false],
    ["$or AND another field", { source: ["aws.s3"], $or: [{ region: ["us-west-1"] }, { account: ["1"] }] }, false],
  ];
  it.each(cases)("%s", (_name, pattern, expected) => {
    expect(validateEventPattern(pattern)).toEqual([]);
    expect(matchesEventPattern(pattern, event)).toBe(expected);
  });

  it("refuses to match with a pattern EventBridge would reject", () => {
    expect(() => matchesEventPattern({ source: "aws.ec2" }, event)).toThrow(/source: must be a list/);
  });
});

describe("validateEventPattern: what EventBridge rejects, by path", () => {
  const cases: [string, unknown, RegExp][] = [
    ["not an object", ["aws.ec2"], /^\(pattern\): must be a JSON object/],
    ["empty", {}, /^\(pattern\): must not be empty/],
    ["leaf not a list", { source: "aws.partner/genesys.com" }, /^source: must be a list of values/],
    ["unknown operator", { detail: { x: [{ prefx: "a" }] } }, /^detail\.x\[0\]: unknown operator "prefx"/],
    ["two operators in one object", { x: [{ prefix: "a", suffix: "b" }] }, /^x\[0\]: an operator object has exactly one operator/],
    ["empty list", { x: [] }, /^x: an empty list matches nothing/],
    ["prefix with a number", { x: [{ prefix: 1 }] }, /^x\[0\]\.prefix: must be a string/],
    ["exists with a string", { x: [{ exists: "true" }] }, /^x\[0\]\.exists: must be true or false/],
    ["consecutive wildcards", { x: [{ wildcard: "a**b" }] }, /^x\[0\]\.wildcard: must be a wildcard string \(consecutive \* at position 2\)/],
    ["unknown escape in a wildcard", { x: [{ wildcard: "a\\b*" }] }, /is not an escape/],
    ["anything-but empty prefix", { x: [{ "anything-but": { prefix: "" } }] }, /not supported inside anything-but/],
    ["anything-but number out of range", { x: [{ "anything-but": [1, 6e9] }] }, /between -5\.0e9 and 5\.0e9/],
    ["anything-but bad wildcard", { x: [{ "anything-but": { wildcard: ["ok*", "a**"] } }] }, /anything-but\.wildcard: consecutive \*/],
    ["bad cidr", { x: [{ cidr: "10.0.0.0/33" }] }, /^x\[0\]\.cidr: must be an IPv4 or IPv6 block/],
    ["numeric odd length", { x: [{ numeric: [">", 0, "<"] }] }, /^x\[0\]\.numeric: must be \[op, number\]/],
    ["numeric unknown comparison", { x: [{ numeric: ["!=", 0] }] }, /unknown comparison "!="/],
    ["numeric out of range", { x: [{ numeric: [">", 6e9] }] }, /between -5\.0e9 and 5\.0e9/],
    ["numeric range upside down", { x: [{ numeric: ["<", 5, ">", 0] }] }, /lower bound \(> or >=\) followed by an upper bound/],
    ["numeric empty range", { x: [{ numeric: [">", 5, "<", 5] }] }, /lower bound must be below the upper bound/],
    ["anything-but mixed list", { x: [{ "anything-but": ["a", 1] }] }, /only strings or only numbers/],
    ["anything-but exists", { x: [{ "anything-but": { exists: true } }] }, /not supported inside anything-but/],
    ["$or with one branch", { $or: [{ a: ["b"] }] }, /^\$or: must be a list of at least two patterns/],
    ["$or with one branch still checks it", { $or: [{ a: "b" }] }, /^\$or\[0\]\.a: must be a list/],
    ["$or branch not an object", { $or: [{ a: ["b"] }, ["c"]] }, /^\$or\[1\]: must be a non-empty object/],
    ["nested problem inside $or", { detail: { $or: [{ a: ["b"] }, { c: "d" }] } }, /^detail\.\$or\[1\]\.c: must be a list/],
    ["too long", { source: ["x".repeat(EVENT_PATTERN_MAX_LENGTH)] }, /characters long; EventBridge allows 2048/],
  ];
  it.each(cases)("%s", (_name, pattern, message) => {
    const problems = validateEventPattern(pattern);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.some((p) => message.test(p))).toBe(true);
  });

  it("accepts the project's generated topic pattern", () => {
    const pattern = { source: [{ prefix: "aws.partner/genesys.com" }], "detail-type": ["v2.users.{id}.presence"] };
    expect(validateEventPattern(pattern)).toEqual([]);
    expect(matchesEventPattern(pattern, { source: "aws.partner/genesys.com/cloud/org/dev", "detail-type": "v2.users.{id}.presence" })).toBe(true);
  });

  it("reports every problem, not only the first", () => {
    expect(validateEventPattern({ a: "x", b: [{ nope: 1 }] })).toHaveLength(2);
  });

  it("takes a raised size quota", () => {
    expect(validateEventPattern({ source: ["x".repeat(3000)] }, { maxLength: 4096 })).toEqual([]);
  });
});
