import { AwsPartition, dnsSuffixOf, partitionOf } from "../../environments/regions";

/** Tag keys (and the project value) the environment stacks put on every resource through the provider's default_tags. */
export const ENVIRONMENT_TAG = "environment";
export const PROJECT_TAG = "project";

/** Name of an environment's permissions boundary policy: `<project>-<env>-boundary`. */
export function permissionsBoundaryName(project: string, environment: string): string {
  return `${project}-${environment}-boundary`;
}

/** ARN of an environment's permissions boundary (what the environment stack must set on every role it creates). */
export function permissionsBoundaryArn(partition: AwsPartition, accountId: string, project: string, environment: string): string {
  return `arn:${partition}:iam::${accountId}:policy/${permissionsBoundaryName(project, environment)}`;
}

/** Where an environment's Terraform state lives, as the roles see it. */
export interface StateLocation {
  readonly bucketArn: string;
  readonly key: string;
  /** SSE-KMS key of the bucket, if any. */
  readonly kmsKeyArn?: string;
  /** DynamoDB lock table, if the bucket's backends still lock with `dynamodb_table`. */
  readonly lockTableArn?: string;
}

/** Everything the IAM policies of one environment are scoped by. All ARNs are built here, from the partition. */
export interface EnvironmentNamesProps {
  readonly project: string;
  readonly environment: string;
  readonly accountId: string;
  /** Region of the environment's resources. */
  readonly region: string;
  /** Prefix of queues, topics, streams, rules, archive, alarms and log-group names (`genesys-<env>-`). */
  readonly resourcePrefix: string;
  /** Prefix of the IAM roles the environment stack creates. */
  readonly iamRolePrefix: string;
  /** Partner event bus / event source name pattern (`aws.partner/genesys.com/cloud/<org>/<suffix>`). */
  readonly partnerBus: string;
  /** Prefix of the environment's secrets (`genesys/<env>/`). */
  readonly secretPrefix: string;
  /** Alias of the environment's KMS key without `alias/` (`<project>-<env>`). */
  readonly keyAlias: string;
  /** Log group path of log-group targets (`/aws/events/genesys/`). */
  readonly logGroupPath: string;
  /** Existing resources outside the environment's names that its rules deliver to. */
  readonly lambdaFunctionArns: readonly string[];
  readonly firehoseStreamArns: readonly string[];
  readonly kinesisStreamArns: readonly string[];
  readonly state: StateLocation;
}

export class EnvironmentNames {
  readonly partition: AwsPartition;
  readonly boundaryArn: string;

  constructor(readonly props: EnvironmentNamesProps) {
    this.partition = partitionOf(props.region);
    this.boundaryArn = permissionsBoundaryArn(this.partition, props.accountId, props.project, props.environment);
  }

  get environment(): string {
    return this.props.environment;
  }

  /** `arn:<partition>:<service>:<region>:<account>:<resource>` */
  arn(service: string, resource: string): string {
    return `arn:${this.partition}:${service}:${this.props.region}:${this.props.accountId}:${resource}`;
  }

  /** `arn:<partition>:iam::<account>:<resource>` (IAM is global: no region). */
  iamArn(resource: string): string {
    return `arn:${this.partition}:iam::${this.props.accountId}:${resource}`;
  }

  roleArnPattern(): string {
    return this.iamArn(`role/${this.props.iamRolePrefix}*`);
  }

  /** Every KMS key of the account and region (narrowed by tag conditions wherever it is used). */
  keysArn(): string {
    return this.arn("kms", "key/*");
  }

  keyAliasArn(): string {
    return this.arn("kms", `alias/${this.props.keyAlias}`);
  }

  /** The Secrets Manager endpoint as `kms:ViaService` names it: `secretsmanager.<region>.amazonaws.com`. */
  secretsManagerViaService(): string {
    return `secretsmanager.${this.props.region}.${dnsSuffixOf(this.partition)}`;
  }

  /** Tag conditions that select the environment's own resources (keys) by the stacks' default tags. */
  resourceTagCondition(): Record<string, string> {
    return { [`aws:ResourceTag/${ENVIRONMENT_TAG}`]: this.props.environment, [`aws:ResourceTag/${PROJECT_TAG}`]: this.props.project };
  }

  requestTagCondition(): Record<string, string> {
    return { [`aws:RequestTag/${ENVIRONMENT_TAG}`]: this.props.environment, [`aws:RequestTag/${PROJECT_TAG}`]: this.props.project };
  }

  /** ARNs of the environment's resources, per service, as patterns. */
  scope(): {
    events: string[];
    sqs: string[];
    sns: string[];
    logs: string[];
    kinesis: string[];
    alarms: string[];
    secrets: string[];
  } {
    const p = this.props;
    const bus = p.partnerBus;
    return {
      events: [
        this.arn("events", `event-bus/${bus}`),
        this.arn("events", `rule/${bus}/${p.resourcePrefix}*`),
        this.arn("events", `archive/${p.resourcePrefix}*`),
        // Partner event sources have no account in their ARN.
        `arn:${this.partition}:events:${p.region}::event-source/${bus}`,
      ],
      sqs: [this.arn("sqs", `${p.resourcePrefix}*`)],
      sns: [this.arn("sns", `${p.resourcePrefix}*`)],
      logs: [this.arn("logs", `log-group:${p.logGroupPath}${p.resourcePrefix}*`)],
      kinesis: [this.arn("kinesis", `stream/${p.resourcePrefix}*`)],
      alarms: [this.arn("cloudwatch", `alarm:${p.resourcePrefix}*`)],
      secrets: [this.arn("secretsmanager", `secret:${p.secretPrefix}*`)],
    };
  }
}
