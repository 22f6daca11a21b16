/**
 * AWS checks (SDK v3, read-only): the partner event source and its bus, every rule with its pattern and
 * targets, every dead-letter queue, the archive, and every service secret.
 */
import {
  DescribeArchiveCommand,
  DescribeEventBusCommand,
  DescribeEventSourceCommand,
  DescribeEventSourceCommandOutput,
  DescribeRuleCommand,
  EventBridgeClient,
  ListTargetsByRuleCommand,
  Target,
} from "@aws-sdk/client-eventbridge";
import { DescribeSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { RuleConfig } from "../../../environments";
import { topicPattern } from "../../../modules/event-pattern";
import { SmokeContext } from "./context";
import { AWS_CREDENTIALS_CASE_ID } from "./preconditions";
import { describePatternDrift, samePattern } from "./event-pattern-compare";
import { CheckFailed, Problems, SmokeCase } from "./types";

/** The AWS clients the checks use (one region: the environment's). */
export interface AwsClients {
  readonly eventBridge: EventBridgeClient;
  readonly sqs: SQSClient;
  readonly secretsManager: SecretsManagerClient;
}

/** The pattern the stack synthesizes for a rule (stacks/environment-stack.ts). */
export function expectedPattern(rule: RuleConfig): Record<string, unknown> {
  return rule.eventPattern ?? topicPattern(rule.topics ?? []);
}

/** AWS error name, or undefined when `err` is not an AWS service error. */
function awsErrorName(err: unknown): string | undefined {
  return err instanceof Error ? err.name : undefined;
}

async function notFoundAs<T>(promise: Promise<T>, message: string): Promise<T> {
  try {
    return await promise;
  } catch (err) {
    if (awsErrorName(err) === "ResourceNotFoundException") throw new CheckFailed(message);
    throw err;
  }
}

export function awsCases(context: SmokeContext, aws: AwsClients): SmokeCase[] {
  const { outputs, environment } = context;
  const bus = outputs.event_bus_name;
  // One DescribeEventSource answer for the source check and the bus binding check.
  let sourceAnswer: Promise<DescribeEventSourceCommandOutput> | undefined;
  const describeSource = (): Promise<DescribeEventSourceCommandOutput> => {
    if (!sourceAnswer) {
      sourceAnswer = notFoundAs(
        aws.eventBridge.send(new DescribeEventSourceCommand({ Name: outputs.partner_event_source_name })),
        `partner event source ${outputs.partner_event_source_name} does not exist in ${environment.aws.accountId} ${environment.aws.region}: Genesys creates it when the integration is enabled (check the integration's eventSourceSuffix, awsAccountId and awsAccountRegion)`,
      );
      sourceAnswer.catch(() => (sourceAnswer = undefined));
    }
    return sourceAnswer;
  };
  const cases: SmokeCase[] = [
    {
      id: "aws.event-source",
      area: "aws",
      title: `partner event source ${outputs.partner_event_source_name} is ACTIVE`,
      run: async () => {
        const source = await describeSource();
        if (source.State !== "ACTIVE") {
          const hint =
            source.State === "PENDING"
              ? ": no event bus is bound to it yet (the bus must be created with event_source_name = the source name)"
              : source.State === "DELETED"
                ? ": Genesys deleted it (integration disabled or deleted?)"
                : "";
          throw new CheckFailed(`partner event source is ${source.State ?? "(no state)"}, expected ACTIVE${hint}`);
        }
        return { reason: `ACTIVE (created by ${source.CreatedBy ?? "?"})` };
      },
    },
    {
      id: "aws.event-bus",
      area: "aws",
      title: `event bus ${bus} exists and is bound to the partner source`,
      // When the source check failed, the binding cannot hold: reported once, there.
      dependsOn: ["aws.event-source"],
      run: async () => {
        const answer = await notFoundAs(
          aws.eventBridge.send(new DescribeEventBusCommand({ Name: bus })),
          `event bus ${bus} does not exist`,
        );
        const problems = new Problems();
        // DescribeEventBus has no source field and echoes the name asked for. A partner bus receives a source's
        // events when it carries the source's name (CreateEventBus EventSourceName), and AWS shows the binding
        // only on the source: State ACTIVE = "you have already created a matching event bus for this event
        // source, and that event bus is active"; PENDING = no matching bus, or it is deactivated
        // (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_EventSource.html).
        problems.check(
          bus === outputs.partner_event_source_name,
          `bus ${bus} is not named after the partner source ${outputs.partner_event_source_name}, so it cannot receive its events`,
        );
        problems.check(answer.Arn === outputs.event_bus_arn, `bus ARN ${answer.Arn ?? "(none)"} differs from the output ${outputs.event_bus_arn}`);
        const source = await describeSource();
        problems.check(
          source.State === "ACTIVE",
          `the partner source is ${source.State ?? "(no state)"}, so AWS does not consider bus ${bus} bound to it (a bound, active bus makes it ACTIVE)`,
        );
        problems.throwIfAny();
        return { reason: `${answer.Arn}, bound (partner source ACTIVE)` };
      },
    },
  ];

  const listed = new Map<string, Promise<Target[]>>();
  const targetsOf = (ruleName: string): Promise<Target[]> => {
    let pending = listed.get(ruleName);
    if (!pending) {
      pending = listAllTargets(aws.eventBridge, ruleName, bus);
      listed.set(ruleName, pending);
      pending.catch(() => listed.delete(ruleName));
    }
    return pending;
  };

  for (const rule of environment.rules) {
    const ruleOutputs = outputs.rules[rule.name];
    const ruleCaseId = `aws.rule.${rule.name}`;
    const wantState = rule.enabled === false ? "DISABLED" : "ENABLED";
    cases.push({
      id: ruleCaseId,
      area: "aws",
      title: `rule ${ruleOutputs?.name ?? rule.name} exists, is ${wantState} and carries the synthesized pattern`,
      run: async () => {
        if (!ruleOutputs) throw new CheckFailed(`rule "${rule.name}" is in environments/${environment.name}.ts but not in the stack outputs (not applied yet?)`);
        const answer = await notFoundAs(
          aws.eventBridge.send(new DescribeRuleCommand({ Name: ruleOutputs.name, EventBusName: bus })),
          `rule ${ruleOutputs.name} does not exist on bus ${bus}`,
        );
        const problems = new Problems();
        problems.check(answer.State === wantState, `rule is ${answer.State ?? "(no state)"}, expected ${wantState}`);
        const expected = expectedPattern(rule);
        let actual: unknown;
        try {
          actual = JSON.parse(answer.EventPattern ?? "null");
        } catch {
          actual = answer.EventPattern;
        }
        if (!samePattern(expected, actual)) {
          const drift =
            actual !== null && typeof actual === "object" && !Array.isArray(actual)
              ? describePatternDrift(expected, actual as Record<string, unknown>)
              : `pattern is ${JSON.stringify(actual)}`;
          problems.add(`event pattern drifted from the synthesized one: ${drift}`);
        }
        problems.throwIfAny({ expectedPattern: expected, actualPattern: actual });
        return { reason: `${wantState}, pattern matches (${rule.topics ? `${rule.topics.length} topic(s)` : "raw eventPattern"})` };
      },
    });

    for (const target of rule.targets) {
      const targetOutputs = ruleOutputs?.targets[target.name];
      const retry = { ...environment.retry, ...target.retry };
      cases.push({
        id: `aws.target.${rule.name}.${target.name}`,
        area: "aws",
        title: `${target.type} target ${target.name} is attached with retry policy and dead-letter queue`,
        run: async () => {
          if (!ruleOutputs || !targetOutputs) throw new CheckFailed(`target "${target.name}" of rule "${rule.name}" is not in the stack outputs (not applied yet?)`);
          const targets = await notFoundAs(targetsOf(ruleOutputs.name), `rule ${ruleOutputs.name} does not exist on bus ${bus}`);
          const attached = targets.find((t) => t.Id === target.name);
          if (!attached) {
            throw new CheckFailed(
              `no target with id "${target.name}" on rule ${ruleOutputs.name} (attached: ${targets.map((t) => t.Id).join(", ") || "none"}): events for it are dropped`,
            );
          }
          const problems = new Problems();
          problems.check(attached.Arn === targetOutputs.arn, `target ARN is ${attached.Arn ?? "(none)"}, expected ${targetOutputs.arn}`);
          const policy = attached.RetryPolicy;
          if (!policy) problems.add("no retry policy");
          else {
            problems.check(
              policy.MaximumRetryAttempts === retry.maximumRetryAttempts,
              `retry policy MaximumRetryAttempts is ${policy.MaximumRetryAttempts ?? "(unset)"}, expected ${retry.maximumRetryAttempts}`,
            );
            problems.check(
              policy.MaximumEventAgeInSeconds === retry.maximumEventAgeSeconds,
              `retry policy MaximumEventAgeInSeconds is ${policy.MaximumEventAgeInSeconds ?? "(unset)"}, expected ${retry.maximumEventAgeSeconds}`,
            );
          }
          const dlq = attached.DeadLetterConfig?.Arn;
          if (!dlq) problems.add("no dead-letter queue: events that fail delivery are lost");
          else problems.check(dlq === targetOutputs.dead_letter_queue_arn, `dead-letter queue is ${dlq}, expected ${targetOutputs.dead_letter_queue_arn}`);
          problems.throwIfAny();
          return { reason: `attached; retries ${retry.maximumRetryAttempts} / ${retry.maximumEventAgeSeconds} s; DLQ ${lastSegment(dlq ?? "")}` };
        },
      });
      cases.push({
        id: `aws.dlq.${rule.name}.${target.name}`,
        area: "aws",
        title: `dead-letter queue of ${rule.name}/${target.name} is empty`,
        run: async () => {
          if (!targetOutputs) throw new CheckFailed(`target "${target.name}" of rule "${rule.name}" is not in the stack outputs (not applied yet?)`);
          const url = targetOutputs.dead_letter_queue_url;
          let attributes: Record<string, string> | undefined;
          try {
            attributes = (
              await aws.sqs.send(
                new GetQueueAttributesCommand({
                  QueueUrl: url,
                  AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"],
                }),
              )
            ).Attributes;
          } catch (err) {
            const name = awsErrorName(err);
            if (name === "QueueDoesNotExist" || name === "AWS.SimpleQueueService.NonExistentQueue") {
              throw new CheckFailed(`dead-letter queue ${url} does not exist`);
            }
            throw err;
          }
          const count = (key: string): number => Number(attributes?.[key] ?? 0) || 0;
          const visible = count("ApproximateNumberOfMessages");
          const inFlight = count("ApproximateNumberOfMessagesNotVisible");
          const delayed = count("ApproximateNumberOfMessagesDelayed");
          const total = visible + inFlight + delayed;
          if (total > 0) {
            throw new CheckFailed(
              `${total} message(s) in ${lastSegment(url)} (${visible} visible, ${inFlight} in flight${delayed ? `, ${delayed} delayed` : ""}): ` +
                `events EventBridge could not deliver to ${target.type} target ${target.name}; inspect them, fix the target, then redrive or purge`,
              { messages: total, visible, inFlight, delayed },
            );
          }
          return { reason: `empty (${lastSegment(url)})`, data: { messages: 0 } };
        },
      });
    }
  }

  cases.push({
    id: "aws.archive",
    area: "aws",
    title: `archive ${outputs.archive_name} exists, is ENABLED and archives the bus`,
    run: async () => {
      const archive = await notFoundAs(
        aws.eventBridge.send(new DescribeArchiveCommand({ ArchiveName: outputs.archive_name })),
        `archive ${outputs.archive_name} does not exist: events cannot be replayed`,
      );
      const problems = new Problems();
      problems.check(archive.State === "ENABLED", `archive is ${archive.State ?? "(no state)"}${archive.StateReason ? ` (${archive.StateReason})` : ""}, expected ENABLED`);
      problems.check(archive.EventSourceArn === outputs.event_bus_arn, `archive source is ${archive.EventSourceArn ?? "(none)"}, expected the bus ${outputs.event_bus_arn}`);
      problems.throwIfAny();
      const retention = archive.RetentionDays ? `${archive.RetentionDays} days` : "forever";
      return { reason: `ENABLED, keeps events ${retention}, ${archive.EventCount ?? 0} event(s)` };
    },
  });

  for (const [name, service] of Object.entries(outputs.services)) {
    cases.push({
      id: `aws.secret.${name}`,
      area: "aws",
      title: `secret ${service.secret_name} has an AWSCURRENT version`,
      run: async () => {
        const secret = await notFoundAs(
          aws.secretsManager.send(new DescribeSecretCommand({ SecretId: service.secret_arn })),
          `secret ${service.secret_name} does not exist`,
        );
        if (secret.DeletedDate) throw new CheckFailed(`secret ${service.secret_name} is scheduled for deletion (${secret.DeletedDate.toISOString()})`);
        const current = Object.entries(secret.VersionIdsToStages ?? {}).find(([, stages]) => stages.includes("AWSCURRENT"));
        if (!current) {
          throw new CheckFailed(
            `secret ${service.secret_name} has no AWSCURRENT version, so ${name} has no credential: run the rotation job (npm run rotate -- --env ${environment.name} --service ${name})`,
          );
        }
        return { reason: `AWSCURRENT is version ${current[0].slice(0, 8)}…${secret.LastChangedDate ? `, changed ${secret.LastChangedDate.toISOString()}` : ""}` };
      },
    });
  }
  // Every AWS read needs credentials: when there are none, one precondition failure blocks them all.
  return cases.map((c) => ({ ...c, dependsOn: [AWS_CREDENTIALS_CASE_ID, ...(c.dependsOn ?? [])] }));
}

async function listAllTargets(client: EventBridgeClient, rule: string, bus: string): Promise<Target[]> {
  const targets: Target[] = [];
  let next: string | undefined;
  do {
    const page = await client.send(new ListTargetsByRuleCommand({ Rule: rule, EventBusName: bus, NextToken: next }));
    targets.push(...(page.Targets ?? []));
    next = page.NextToken;
  } while (next);
  return targets;
}

function lastSegment(arnOrUrl: string): string {
  return arnOrUrl.split(/[/:]/).pop() ?? arnOrUrl;
}
