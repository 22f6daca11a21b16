/**
 * The IAM evaluator used by the bootstrap tests, checked against examples from the IAM User Guide (page named in
 * each block; https://docs.aws.amazon.com/IAM/latest/UserGuide/<page>). Account ids, names and ARNs are the docs'.
 */
import { arnMatches, evaluate, evaluateForService, evaluatePolicy, IamPolicy, IamRequest, isAllowed } from "./support/iam-evaluator";

const policy = (...Statement: IamPolicy["Statement"][]): IamPolicy => ({ Version: "2012-10-17", Statement: Statement.flat() as IamPolicy["Statement"] });
const decide = (p: IamPolicy, request: IamRequest) => evaluatePolicy(p, request).decision;

describe("IAM evaluator: decisions (reference_policies_evaluation-logic.html, access_policies_boundaries.html)", () => {
  // access_policies_boundaries.html: Shirley's boundary allows only S3, CloudWatch and EC2; her identity policy
  // allows iam:CreateUser, which she still cannot do, because the boundary does not allow it.
  const shirleyBoundary = policy({ Effect: "Allow", Action: ["s3:*", "cloudwatch:*", "ec2:*"], Resource: "*" });
  const createUser = policy({ Effect: "Allow", Action: "iam:CreateUser", Resource: "*" });

  it("a boundary limits an identity policy: allowed only where both allow", () => {
    const request = { action: "iam:CreateUser", resource: "arn:aws:iam::123456789012:user/NewUser" };
    expect(evaluate({ identity: { createUser } }, request).decision).toBe("Allow");
    expect(evaluate({ identity: { createUser }, boundary: shirleyBoundary }, request).decision).toBe("ImplicitDeny");
    const s3 = policy({ Effect: "Allow", Action: "s3:*", Resource: "*" });
    expect(evaluate({ identity: { s3 }, boundary: shirleyBoundary }, { action: "s3:GetObject", resource: "arn:aws:s3:::amzn-s3-demo-bucket/x" }).decision).toBe("Allow");
  });

  it("a boundary grants nothing on its own", () => {
    expect(evaluate({ identity: {}, boundary: shirleyBoundary }, { action: "s3:GetObject", resource: "arn:aws:s3:::b/k" }).decision).toBe("ImplicitDeny");
  });

  it("an explicit deny in any policy overrides every allow, also a deny in the boundary", () => {
    const allowAll = policy({ Effect: "Allow", Action: "*", Resource: "*" });
    // Modelled on the evaluation-logic page's example of an identity policy that allows S3 but denies log buckets.
    const denyLogs = policy({ Sid: "DenyS3Logs", Effect: "Deny", Action: "s3:*", Resource: "arn:aws:s3:::*log*" });
    const request = { action: "s3:GetObject", resource: "arn:aws:s3:::service-logs/2024/01/01" };
    expect(evaluate({ identity: { allowAll, denyLogs } }, request)).toEqual({ decision: "ExplicitDeny", matched: ["allowAll#0", "denyLogs#DenyS3Logs"] });
    expect(evaluate({ identity: { allowAll }, boundary: policy(allowAll.Statement, denyLogs.Statement) }, request).decision).toBe("ExplicitDeny");
    // isAllowed, the short-circuiting form the bootstrap tests use, agrees.
    expect(isAllowed({ identity: { allowAll, denyLogs } }, request)).toBe(false);
    expect(isAllowed({ identity: { allowAll }, boundary: policy(allowAll.Statement, denyLogs.Statement) }, request)).toBe(false);
    expect(isAllowed({ identity: { createUser }, boundary: shirleyBoundary }, { action: "iam:CreateUser", resource: "*" })).toBe(false);
    expect(isAllowed({ identity: { allowAll }, boundary: shirleyBoundary }, { action: "s3:GetObject", resource: "arn:aws:s3:::b/k" })).toBe(true);
    expect(evaluate({ identity: { allowAll, denyLogs } }, { action: "s3:GetObject", resource: "arn:aws:s3:::carlossalazar/photo.jpg" }).decision).toBe("Allow");
  });
});

describe("IAM evaluator: resource-based policies for a service principal (reference_policies_elements_principal.html)", () => {
  // The CloudWatch Logs example of "Using resource-based policies for Amazon EventBridge" (EventBridge User Guide,
  // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html), with its confused-deputy
  // condition on the rule's ARN.
  const logsPolicy = policy({
    Sid: "TrustEventsToStoreLogEvent",
    Effect: "Allow",
    Principal: { Service: ["delivery.logs.amazonaws.com", "events.amazonaws.com"] },
    Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
    Resource: "arn:aws:logs:us-east-1:123456789012:log-group:/aws/events/*:*",
    Condition: { ArnEquals: { "aws:SourceArn": "arn:aws:events:us-east-1:123456789012:rule/rule-name" } },
  });
  const put = (resource: string, sourceArn?: string): IamRequest => ({ action: "logs:PutLogEvents", resource, context: sourceArn ? { "aws:SourceArn": sourceArn } : {} });
  const stream = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/events/my-group:log-stream:abc";
  const rule = "arn:aws:events:us-east-1:123456789012:rule/rule-name";

  it("applies a statement to the service it names, on behalf of the rule it names", () => {
    expect(evaluateForService(logsPolicy, "events.amazonaws.com", put(stream, rule)).decision).toBe("Allow");
    expect(evaluateForService(logsPolicy, "delivery.logs.amazonaws.com", put(stream, rule)).decision).toBe("Allow");
  });

  it("denies another service, another rule, a request without the rule, and a group outside /aws/events/", () => {
    expect(evaluateForService(logsPolicy, "sns.amazonaws.com", put(stream, rule)).decision).toBe("ImplicitDeny");
    expect(evaluateForService(logsPolicy, "events.amazonaws.com", put(stream, `${rule}-2`)).decision).toBe("ImplicitDeny");
    expect(evaluateForService(logsPolicy, "events.amazonaws.com", put(stream)).decision).toBe("ImplicitDeny");
    expect(evaluateForService(logsPolicy, "events.amazonaws.com", put("arn:aws:logs:us-east-1:123456789012:log-group:/app/x:log-stream:abc", rule)).decision).toBe("ImplicitDeny");
  });

  it("throws on Principal forms it does not model (AWS accounts, \"*\")", () => {
    for (const Principal of [{ AWS: "arn:aws:iam::123456789012:root" }, "*", undefined]) {
      const p = policy({ ...(logsPolicy.Statement as object), Principal } as IamPolicy["Statement"]);
      expect(() => evaluateForService(p, "events.amazonaws.com", put(stream, rule))).toThrow(/only \{ "Service": \.\.\. \} is modelled/);
    }
  });
});

describe("IAM evaluator: Action, NotAction, Resource, NotResource", () => {
  it("matches actions case-insensitively with wildcards (reference_policies_elements_action.html)", () => {
    const p = policy({ Effect: "Allow", Action: ["s3:Get*", "iam:*AccessKey*", "ec2:Describe?nstances"], Resource: "*" });
    expect(decide(p, { action: "S3:getobject", resource: "*" })).toBe("Allow");
    expect(decide(p, { action: "iam:CreateAccessKey", resource: "*" })).toBe("Allow");
    expect(decide(p, { action: "ec2:DescribeInstances", resource: "*" })).toBe("Allow");
    expect(decide(p, { action: "s3:PutObject", resource: "*" })).toBe("ImplicitDeny");
  });

  it("NotAction matches every other action (reference_policies_elements_notaction.html: allow all but IAM)", () => {
    const p = policy({ Effect: "Allow", NotAction: "iam:*", Resource: "*" });
    expect(decide(p, { action: "s3:GetObject", resource: "*" })).toBe("Allow");
    expect(decide(p, { action: "iam:CreateRole", resource: "*" })).toBe("ImplicitDeny");
  });

  it("matches ARNs segment by segment; the last pattern segment takes the rest (reference_policies_elements_resource.html)", () => {
    expect(arnMatches("arn:aws:iam::123456789012:user/*", "arn:aws:iam::123456789012:user/Bob")).toBe(true);
    expect(arnMatches("arn:aws:iam::123456789012:user/*", "arn:aws:iam::123456789012:role/Bob")).toBe(false);
    expect(arnMatches("arn:aws:s3:::amzn-s3-demo-bucket/*", "arn:aws:s3:::amzn-s3-demo-bucket/a/b:c")).toBe(true);
    expect(arnMatches("arn:aws:kms:*", "arn:aws:kms:us-east-1:123456789012:key/1234")).toBe(true);
    // `*` in the region segment does not reach into the account segment.
    expect(arnMatches("arn:aws:sqs:*1:123456789012:q", "arn:aws:sqs:us-east-1:999999999999:q")).toBe(false);
    expect(arnMatches("arn:aws:logs:us-east-1:123456789012:log-group:/aws/events/genesys/dev-*", "arn:aws:logs:us-east-1:123456789012:log-group:/aws/events/genesys/dev-a:*")).toBe(true);
    // ARNs are case-sensitive.
    expect(arnMatches("arn:aws:s3:::Bucket/*", "arn:aws:s3:::bucket/x")).toBe(false);
  });

  it("NotResource matches every other resource (reference_policies_elements_notresource.html)", () => {
    const p = policy({ Effect: "Deny", Action: "s3:*", NotResource: ["arn:aws:s3:::HRBucket/Payroll", "arn:aws:s3:::HRBucket/Payroll/*"] });
    expect(decide(p, { action: "s3:GetObject", resource: "arn:aws:s3:::HRBucket/Payroll/jan.csv" })).toBe("ImplicitDeny");
    expect(decide(p, { action: "s3:GetObject", resource: "arn:aws:s3:::HRBucket/Other" })).toBe("ExplicitDeny");
  });
});

describe("IAM evaluator: conditions (reference_policies_elements_condition_operators.html)", () => {
  const tagged = (key: string, value: IamRequest["context"]) => ({ action: "ec2:RunInstances", resource: "*", context: { [key]: value?.[key] } });

  it("StringEquals: values of one key are ORed, keys and operators ANDed, keys case-insensitive", () => {
    const p = policy({
      Effect: "Allow",
      Action: "iam:*AccessKey*",
      Resource: "*",
      Condition: { StringEquals: { "aws:PrincipalTag/job-category": ["iamuser-admin", "security"] }, Bool: { "aws:SecureTransport": true } },
    });
    const request = (tag: string | undefined, tls: string) => ({ action: "iam:CreateAccessKey", resource: "*", context: { "aws:principaltag/job-category": tag, "aws:SecureTransport": tls } });
    expect(decide(p, request("security", "true"))).toBe("Allow");
    expect(decide(p, request("iamuser-admin", "TRUE"))).toBe("Allow");
    expect(decide(p, request("developer", "true"))).toBe("ImplicitDeny");
    expect(decide(p, request("security", "false"))).toBe("ImplicitDeny");
    // A missing key does not match a positive operator.
    expect(decide(p, request(undefined, "true"))).toBe("ImplicitDeny");
  });

  it("negated operators: true when the value matches none of the values, and when the key is missing", () => {
    const p = policy({ Effect: "Deny", Action: "*", Resource: "*", Condition: { StringNotEquals: { "aws:RequestedRegion": ["eu-central-1", "eu-west-1"] } } });
    expect(decide(p, { action: "ec2:RunInstances", resource: "*", context: { "aws:RequestedRegion": "us-east-1" } })).toBe("ExplicitDeny");
    expect(decide(p, { action: "ec2:RunInstances", resource: "*", context: { "aws:RequestedRegion": "eu-west-1" } })).toBe("ImplicitDeny");
    expect(decide(p, { action: "ec2:RunInstances", resource: "*" })).toBe("ExplicitDeny");
  });

  it("StringLike with wildcards and a policy variable (the s3:prefix home-folder example)", () => {
    const p = policy({ Effect: "Allow", Action: "s3:ListBucket", Resource: "arn:aws:s3:::amzn-s3-demo-bucket", Condition: { StringLike: { "s3:prefix": ["", "home/", "home/${aws:username}/*"] } } });
    const list = (prefix: string, username?: string) => ({ action: "s3:ListBucket", resource: "arn:aws:s3:::amzn-s3-demo-bucket", context: { "s3:prefix": prefix, "aws:username": username } });
    expect(decide(p, list("home/", "Bob"))).toBe("Allow");
    expect(decide(p, list("home/Bob/photos", "Bob"))).toBe("Allow");
    expect(decide(p, list("home/Alice/photos", "Bob"))).toBe("ImplicitDeny");
    // Without aws:username the variable entry matches nothing; the literal entries still do.
    expect(decide(p, list("home/Bob/photos"))).toBe("ImplicitDeny");
    expect(decide(p, list(""))).toBe("Allow");
  });

  it("policy variables in Resource (reference_policies_variables.html), and ${*} is a literal asterisk", () => {
    const p = policy({ Effect: "Allow", Action: "s3:*", Resource: ["arn:aws:s3:::amzn-s3-demo-bucket/${aws:username}/*", "arn:aws:s3:::b/${*}"] });
    expect(decide(p, { action: "s3:GetObject", resource: "arn:aws:s3:::amzn-s3-demo-bucket/Bob/x", context: { "aws:username": "Bob" } })).toBe("Allow");
    expect(decide(p, { action: "s3:GetObject", resource: "arn:aws:s3:::amzn-s3-demo-bucket/Alice/x", context: { "aws:username": "Bob" } })).toBe("ImplicitDeny");
    expect(decide(p, { action: "s3:GetObject", resource: "arn:aws:s3:::b/*" })).toBe("Allow");
    expect(decide(p, { action: "s3:GetObject", resource: "arn:aws:s3:::b/anything" })).toBe("ImplicitDeny");
  });

  it("ArnLike / ArnEquals compare ARNs segment by segment with wildcards (the SQS aws:SourceArn example)", () => {
    const p = policy({ Effect: "Allow", Action: "sqs:SendMessage", Resource: "*", Condition: { ArnLike: { "aws:SourceArn": "arn:aws:sns:*:123456789012:TOPIC-*" } } });
    const send = (source: string) => ({ action: "sqs:SendMessage", resource: "arn:aws:sqs:us-east-1:123456789012:q", context: { "aws:SourceArn": source } });
    expect(decide(p, send("arn:aws:sns:us-east-2:123456789012:TOPIC-ID"))).toBe("Allow");
    expect(decide(p, send("arn:aws:sns:us-east-2:999999999999:TOPIC-ID"))).toBe("ImplicitDeny");
    const exact = policy({ Effect: "Deny", Action: "*", Resource: "*", Condition: { ArnNotEquals: { "aws:PrincipalArn": "arn:aws:iam::123456789012:role/Admin" } } });
    expect(decide(exact, { action: "s3:GetObject", resource: "*", context: { "aws:PrincipalArn": "arn:aws:iam::123456789012:role/Admin" } })).toBe("ImplicitDeny");
    expect(decide(exact, { action: "s3:GetObject", resource: "*", context: { "aws:PrincipalArn": "arn:aws:iam::123456789012:role/Other" } })).toBe("ExplicitDeny");
  });

  it("...IfExists is true when the key is missing (the ec2:InstanceType example)", () => {
    const p = policy({ Effect: "Allow", Action: "ec2:*", Resource: "*", Condition: { StringLikeIfExists: { "ec2:InstanceType": ["t1.*", "t2.*", "m3.*"] } } });
    expect(decide(p, tagged("ec2:InstanceType", { "ec2:InstanceType": "t2.micro" }))).toBe("Allow");
    expect(decide(p, tagged("ec2:InstanceType", { "ec2:InstanceType": "c5.large" }))).toBe("ImplicitDeny");
    expect(decide(p, tagged("ec2:InstanceType", {}))).toBe("Allow");
  });

  it("Null tests whether a key is present (the aws:TokenIssueTime example)", () => {
    const p = policy({ Effect: "Allow", Action: "ec2:*", Resource: "*", Condition: { Null: { "aws:TokenIssueTime": "false" } } });
    expect(decide(p, { action: "ec2:RunInstances", resource: "*", context: { "aws:TokenIssueTime": "2024-01-01T00:00:00Z" } })).toBe("Allow");
    expect(decide(p, { action: "ec2:RunInstances", resource: "*" })).toBe("ImplicitDeny");
  });
});

describe("IAM evaluator: multivalued keys (reference_policies_condition-single-vs-multi-valued-context-keys.html)", () => {
  const p = (operator: string) => policy({ Effect: "Allow", Action: "ec2:CreateTags", Resource: "*", Condition: { [operator]: { "aws:TagKeys": ["environment", "cost-center"] } } });
  const tags = (...keys: string[]) => ({ action: "ec2:CreateTags", resource: "*", context: keys.length ? { "aws:TagKeys": keys } : {} });

  it("ForAllValues: every request value is in the set; true when the key is missing", () => {
    expect(decide(p("ForAllValues:StringEquals"), tags("environment"))).toBe("Allow");
    expect(decide(p("ForAllValues:StringEquals"), tags("environment", "cost-center"))).toBe("Allow");
    expect(decide(p("ForAllValues:StringEquals"), tags("environment", "dept"))).toBe("ImplicitDeny");
    expect(decide(p("ForAllValues:StringEquals"), tags())).toBe("Allow");
  });

  it("ForAnyValue: some request value is in the set; false when the key is missing", () => {
    expect(decide(p("ForAnyValue:StringEquals"), tags("environment", "dept"))).toBe("Allow");
    expect(decide(p("ForAnyValue:StringEquals"), tags("dept"))).toBe("ImplicitDeny");
    expect(decide(p("ForAnyValue:StringEquals"), tags())).toBe("ImplicitDeny");
  });

  it("ForAllValues with a negated operator: no request value may be in the set", () => {
    expect(decide(p("ForAllValues:StringNotEquals"), tags("owner", "dept"))).toBe("Allow");
    expect(decide(p("ForAllValues:StringNotEquals"), tags("owner", "environment"))).toBe("ImplicitDeny");
  });
});

describe("IAM evaluator fails closed on what it does not implement", () => {
  const request = { action: "s3:GetObject", resource: "arn:aws:s3:::b/k", context: { "aws:TagKeys": ["a"], "aws:CurrentTime": "x" } };
  it.each([
    ["an unknown operator", policy({ Effect: "Allow", Action: "*", Resource: "*", Condition: { DateGreaterThan: { "aws:CurrentTime": "2020-01-01" } } }), /DateGreaterThan is not implemented/],
    ["a multivalued key without a set operator", policy({ Effect: "Allow", Action: "*", Resource: "*", Condition: { StringEquals: { "aws:TagKeys": "a" } } }), /multivalued/],
    ["a Terraform reference", policy({ Effect: "Allow", Action: "*", Resource: "${aws_s3_bucket.state.arn}/*" }), /unresolved reference/],
    ["a statement without Resource", policy({ Effect: "Allow", Action: "*" }), /neither Resource nor NotResource/],
    ["a statement without Action", policy({ Effect: "Allow", Resource: "*" }), /neither Action nor NotAction/],
  ])("throws on %s", (_what, p, message) => {
    expect(() => evaluatePolicy(p, request)).toThrow(message);
  });
});
