import "cdktf/lib/testing/adapters/jest"; // types of the cdktf jest matchers
import { ENVIRONMENT_NAMES } from "../environments";
import { EVENTBRIDGE_INTEGRATION_TYPE } from "../modules/genesys/eventbridge-integration";
import { Block, policyOf, referencedName, resources, Synthesized, synthEnvironment, synthWith } from "./support/synth";

const synthesized: Record<string, Synthesized> = Object.fromEntries(ENVIRONMENT_NAMES.map((env) => [env, synthEnvironment(env)]));

const PROTECTED_TYPES = [
  "aws_cloudwatch_event_bus",
  "aws_cloudwatch_event_archive",
  "genesyscloud_integration",
  "genesyscloud_oauth_client",
  "aws_secretsmanager_secret",
];

describe.each(ENVIRONMENT_NAMES)("%s stack", (env) => {
  const s = synthesized[env];
  const { config } = s;

  it("pins both providers and configures them from the environment, Genesys credentials from env vars only", () => {
    expect(s.parsed.terraform.required_providers).toEqual({
      aws: { source: "hashicorp/aws", version: "~> 6.25" },
      genesyscloud: { source: "mypurecloud/genesyscloud", version: "~> 1.84" },
    });
    expect(s.json).toHaveProviderWithProperties({ tfResourceType: "aws" } as never, {
      region: config.aws.region,
      allowed_account_ids: [config.aws.accountId],
      default_tags: [{ tags: expect.objectContaining({ project: "genesys-eventbridge", environment: env, "managed-by": "cdktf" }) }],
    });
    const [genesys] = s.parsed.provider.genesyscloud;
    expect(genesys).toEqual({ aws_region: config.genesys.region });
    expect(s.json).not.toMatch(/"(oauthclient_id|oauthclient_secret|access_token)"/);
  });

  it("stores state in S3 with encryption and locking under a per-environment key", () => {
    expect(s.parsed.terraform.backend.s3).toEqual(
      expect.objectContaining({
        bucket: config.stateBackend.bucket,
        key: `genesys-eventbridge/${env}.tfstate`,
        encrypt: true,
        use_lockfile: true,
      }),
    );
  });

  it("declares the EventBridge integration with exactly the four config properties", () => {
    const [integration] = Object.values(resources(s, "genesyscloud_integration"));
    expect(integration).toMatchObject({ integration_type: EVENTBRIDGE_INTEGRATION_TYPE, intended_state: "ENABLED" });
    const cfg = integration.config as Block;
    expect(JSON.parse(cfg.properties as string)).toEqual({
      eventSourceSuffix: config.integration.eventSourceSuffix,
      awsAccountId: config.aws.accountId,
      awsAccountRegion: config.aws.region,
      eventFilter: config.integration.topicFilters,
    });
    expect(cfg.name).toBe(config.integration.name);
  });

  it("binds the bus to the full partner event source name, after the integration exists", () => {
    const [[busId, bus]] = Object.entries(resources(s, "aws_cloudwatch_event_bus"));
    const fullName = `aws.partner/genesys.com/cloud/\${data.genesyscloud_organizations_me.organization.id}/${config.integration.eventSourceSuffix}`;
    expect(bus.name).toBe(fullName);
    expect(bus.event_source_name).toBe(fullName);
    const sources = s.parsed.data?.aws_cloudwatch_event_source ?? {};
    const [[sourceId, source]] = Object.entries(sources);
    expect(source.name_prefix).toBe(fullName);
    expect(bus.depends_on).toEqual([`data.aws_cloudwatch_event_source.${sourceId}`]);
    const integrationId = Object.keys(resources(s, "genesyscloud_integration"))[0];
    expect(source.depends_on).toEqual([`genesyscloud_integration.${integrationId}`]);
    expect(JSON.stringify(source.lifecycle)).toContain("self.name ==");
    // Every rule, target and the archive hang off this bus (so Terraform orders them after it).
    for (const rule of Object.values(resources(s, "aws_cloudwatch_event_rule"))) {
      expect(rule.event_bus_name).toBe(`\${aws_cloudwatch_event_bus.${busId}.name}`);
    }
    const [archive] = Object.values(resources(s, "aws_cloudwatch_event_archive"));
    expect(archive).toMatchObject({ event_source_arn: `\${aws_cloudwatch_event_bus.${busId}.arn}`, retention_days: config.archive.retentionDays });
  });

  it("gives every target a retry policy and its own encrypted dead-letter queue that only its rule can write to", () => {
    const targets = Object.values(resources(s, "aws_cloudwatch_event_target"));
    expect(targets).toHaveLength(config.rules.reduce((n, r) => n + r.targets.length, 0));
    const queues = resources(s, "aws_sqs_queue");
    const queuePolicies = Object.values(resources(s, "aws_sqs_queue_policy"));
    const dlqs = new Set<string>();
    for (const target of targets) {
      expect(target.retry_policy).toEqual({ maximum_retry_attempts: 185, maximum_event_age_in_seconds: 86400 });
      const dlqName = referencedName((target.dead_letter_config as Block).arn, "aws_sqs_queue");
      expect(dlqName).toBeDefined();
      dlqs.add(dlqName as string);
      // Encrypted with the environment's KMS key (issue #12 item 8), not an SQS-managed key.
      expect(queues[dlqName as string].kms_master_key_id).toMatch(/^\$\{aws_kms_key\.[^.]+\.arn\}$/);
      expect(queues[dlqName as string].sqs_managed_sse_enabled).toBeUndefined();
      const ruleName = referencedName(target.rule, "aws_cloudwatch_event_rule");
      const policy = queuePolicies.find((p) => referencedName(p.queue_url, "aws_sqs_queue") === dlqName);
      expect(policy).toBeDefined();
      expect(policyOf(policy as Block).Statement).toEqual([
        expect.objectContaining({
          Principal: { Service: "events.amazonaws.com" },
          Action: "sqs:SendMessage",
          Condition: { ArnEquals: { "aws:SourceArn": `\${aws_cloudwatch_event_rule.${ruleName}.arn}` } },
        }),
      ]);
    }
    expect(dlqs.size).toBe(targets.length);
  });

  it("scopes every delivery permission to the rule it serves", () => {
    const ruleOfTarget = new Map(
      Object.values(resources(s, "aws_cloudwatch_event_target")).map((t) => [t.arn as string, referencedName(t.rule, "aws_cloudwatch_event_rule")]),
    );
    const expectScoped = (condition: unknown, targetArn: string) => {
      expect(JSON.stringify(condition)).toContain(`\${aws_cloudwatch_event_rule.${ruleOfTarget.get(targetArn)}.arn}`);
    };
    // Log groups: no Logs resource policy here (the bootstrap stack's covers the environment's rules and groups,
    // test/bootstrap-iam.test.ts); the former one is forgotten, never destroyed.
    expect(Object.keys(resources(s, "aws_cloudwatch_log_group")).length).toBeGreaterThan(0);
    expect(resources(s, "aws_cloudwatch_log_resource_policy")).toEqual({});
    expect((s.parsed as unknown as { removed: unknown }).removed).toEqual([{ from: "aws_cloudwatch_log_resource_policy.log_delivery", lifecycle: { destroy: false } }]);
    for (const permission of Object.values(resources(s, "aws_lambda_permission"))) {
      expect(permission).toMatchObject({ action: "lambda:InvokeFunction", principal: "events.amazonaws.com" });
      expect(permission.source_arn).toBe(`\${aws_cloudwatch_event_rule.${ruleOfTarget.get(permission.function_name as string)}.arn}`);
    }
    for (const role of Object.values(resources(s, "aws_iam_role"))) {
      const [trust] = policyOf(role, "assume_role_policy").Statement;
      expect(trust.Principal).toEqual({ Service: "events.amazonaws.com" });
      const [inline] = role.inline_policy as Block[];
      const [allow] = policyOf(inline).Statement;
      expect(allow.Action).not.toContain("*");
      expectScoped(trust.Condition, allow.Resource as string);
    }
    for (const policy of Object.values(resources(s, "aws_sns_topic_policy"))) {
      const [statement] = policyOf(policy).Statement;
      if ((statement.Principal as Block).Service === "events.amazonaws.com") {
        expectScoped(statement.Condition, statement.Resource as string);
      }
    }
    // Target queues (not only DLQs) admit only their rule.
    for (const policy of Object.values(resources(s, "aws_sqs_queue_policy"))) {
      expect(JSON.stringify(policyOf(policy).Statement[0].Condition)).toMatch(/^\{"ArnEquals":\{"aws:SourceArn":"\$\{aws_cloudwatch_event_rule\.[^.]+\.arn\}"\}\}$/);
    }
  });

  it("alarms on every dead-letter queue and every rule's failed invocations, to the alarm topic", () => {
    const alarms = Object.values(resources(s, "aws_cloudwatch_metric_alarm"));
    const [topicName] = Object.keys(resources(s, "aws_sns_topic")).filter((n) => n.startsWith("alarms"));
    const dlqAlarms = alarms.filter((a) => a.metric_name === "ApproximateNumberOfMessagesVisible");
    const ruleAlarms = alarms.filter((a) => a.metric_name === "FailedInvocations");
    expect(dlqAlarms).toHaveLength(Object.keys(resources(s, "aws_cloudwatch_event_target")).length);
    expect(ruleAlarms).toHaveLength(config.rules.length);
    for (const alarm of alarms) {
      expect(alarm.alarm_actions).toEqual([`\${aws_sns_topic.${topicName}.arn}`]);
    }
    expect(new Set(dlqAlarms.map((a) => JSON.stringify(a.dimensions))).size).toBe(dlqAlarms.length);
  });

  it("creates per service a least-privilege role, a/b client-credentials clients and an empty KMS-encrypted secret", () => {
    // The smoke canary's own role (test/smoke-canary.test.ts) is not a service role.
    const roles = Object.values(resources(s, "genesyscloud_auth_role")).filter((r) => r.name !== `eventbridge-${env}-canary`);
    const clients = Object.values(resources(s, "genesyscloud_oauth_client"));
    const secrets = Object.values(resources(s, "aws_secretsmanager_secret"));
    expect(roles).toHaveLength(config.services.length);
    expect(clients).toHaveLength(config.services.length * 2);
    expect(secrets).toHaveLength(config.services.length);
    for (const service of config.services) {
      const roleEntry = Object.entries(resources(s, "genesyscloud_auth_role")).find(([, r]) => r.name === `eventbridge-${env}-${service.name}`);
      expect(roleEntry).toBeDefined();
      const [roleId, role] = roleEntry as [string, Block];
      expect(role.permission_policies).toEqual(
        service.permissionPolicies.map((p) => ({ domain: p.domain, entity_name: p.entityName, action_set: p.actionSet })),
      );
      for (const suffix of ["a", "b"]) {
        const client = clients.find((c) => c.name === `eventbridge-${env}-${service.name}-${suffix}`);
        expect(client).toMatchObject({
          authorized_grant_type: "CLIENT-CREDENTIALS",
          expose_client_secret: false,
        });
        expect((client?.roles as Block[])[0]).toEqual({ role_id: `\${genesyscloud_auth_role.${roleId}.id}` });
        expect(client?.roles).toHaveLength(config.canary?.service === service.name ? 2 : 1);
        expect(client).not.toHaveProperty("client_secret");
      }
      const secret = secrets.find((x) => x.name === `genesys/${env}/${service.name}`);
      expect(secret?.kms_key_id).toMatch(/^\$\{aws_kms_key\.[^.]+\.arn\}$/);
    }
    expect(resources(s, "aws_secretsmanager_secret_version")).toEqual({});
  });

  it(`${env === "prod" ? "protects" : "does not protect"} the bus, archive, integration, OAuth clients and secrets from destroy`, () => {
    for (const type of PROTECTED_TYPES) {
      const blocks = Object.values(resources(s, type));
      expect(blocks.length).toBeGreaterThan(0);
      for (const block of blocks) {
        expect((block.lifecycle as Block | undefined)?.prevent_destroy ?? false).toBe(config.protectFromDestroy);
      }
    }
  });

  it("exports what the scripts need, and no secret value", () => {
    const outputs = s.parsed.output;
    for (const name of [
      "integration_id",
      "partner_event_source_name",
      "event_bus_name",
      "event_bus_arn",
      "archive_name",
      "alarm_topic_arn",
      "rules",
      "services",
      "canary",
      "genesys_region",
      "aws_region",
    ]) {
      expect(outputs).toHaveProperty(name);
    }
    const services = outputs.services.value as Record<string, Block>;
    expect(Object.keys(services)).toEqual(config.services.map((x) => x.name));
    for (const service of Object.values(services)) {
      expect(Object.keys(service).sort()).toEqual(["client_ids", "role_id", "secret_arn", "secret_name"]);
      expect(service.client_ids).toHaveLength(2);
    }
    const rules = outputs.rules.value as Record<string, { targets: Record<string, Block> }>;
    for (const rule of config.rules) {
      for (const target of rule.targets) {
        expect(rules[rule.name].targets[target.name]).toEqual(
          expect.objectContaining({ type: target.type, dead_letter_queue_arn: expect.any(String), dead_letter_queue_url: expect.any(String) }),
        );
      }
    }
    expect(JSON.stringify(outputs)).not.toMatch(/secret_string|client_secret|\.secret\b/);
  });
});

describe("across environments", () => {
  it("uses a distinct state key, bus and resource names per environment", () => {
    const keys = ENVIRONMENT_NAMES.map((env) => synthesized[env].parsed.terraform.backend.s3.key);
    expect(new Set(keys).size).toBe(keys.length);
    const ruleNames = ENVIRONMENT_NAMES.flatMap((env) => Object.values(resources(synthesized[env], "aws_cloudwatch_event_rule")).map((r) => r.name));
    expect(new Set(ruleNames).size).toBe(ruleNames.length);
  });

  it("only prod is protected from destroy in the committed configuration", () => {
    expect(ENVIRONMENT_NAMES.filter((env) => synthesized[env].config.protectFromDestroy)).toEqual(["prod"]);
  });
});

describe("variants", () => {
  it("uses a pinned organization id literally in the bus name", () => {
    const orgId = "0b1e6c9e-5d0a-4c44-9a57-7f3e2d1c0b9a";
    const s = synthWith("dev", (c) => ({ ...c, genesys: { ...c.genesys, organizationId: orgId } }));
    const [bus] = Object.values(resources(s, "aws_cloudwatch_event_bus"));
    expect(bus.name).toBe(`aws.partner/genesys.com/cloud/${orgId}/genesys-eventbridge-dev`);
    expect(s.parsed.data?.genesyscloud_organizations_me).toBeUndefined();
  });

  it("creates one client for a single-client service, and applies a per-target retry override", () => {
    const s = synthWith("dev", (c) => ({
      ...c,
      services: [{ ...c.services![0], clients: 1 }],
      canary: undefined,
      rules: c.rules.map((r) =>
        r.name === "conversations" ? { ...r, targets: r.targets.map((t) => ({ ...t, retry: { maximumRetryAttempts: 3 } })) } : r,
      ),
    }));
    expect(Object.values(resources(s, "genesyscloud_oauth_client")).map((c) => c.name)).toEqual(["eventbridge-dev-rotation-a"]);
    const sqsTarget = Object.values(resources(s, "aws_cloudwatch_event_target")).find((t) => t.target_id === "crm-sync");
    expect(sqsTarget?.retry_policy).toEqual({ maximum_retry_attempts: 3, maximum_event_age_in_seconds: 86400 });
  });

  it("uses an existing Kinesis stream and Firehose delivery stream without creating them", () => {
    const streamArn = "arn:aws:kinesis:us-east-1:111111111111:stream/existing";
    const firehoseArn = "arn:aws:firehose:us-east-1:111111111111:deliverystream/lake";
    const s = synthWith("dev", (c) => ({
      ...c,
      rules: c.rules.map((r) =>
        r.name === "transcripts"
          ? { ...r, targets: [{ type: "kinesis", name: "transcripts", streamArn }, { type: "firehose", name: "lake", deliveryStreamArn: firehoseArn }] }
          : r,
      ),
    }));
    expect(resources(s, "aws_kinesis_stream")).toEqual({});
    const arns = Object.values(resources(s, "aws_cloudwatch_event_target")).map((t) => t.arn);
    expect(arns).toEqual(expect.arrayContaining([streamArn, firehoseArn]));
  });
});
