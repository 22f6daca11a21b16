import { Construct } from "constructs";
import { LocalBackend, TerraformOutput, TerraformStack } from "cdktf";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { GITHUB_OIDC_AUDIENCE, GITHUB_OIDC_HOST, GithubOidcRole } from "../modules/github-oidc-role";
import { EVENTS_PRINCIPAL, PolicyStatement } from "../modules/policy";
import { PARTNER_SOURCE_PREFIX } from "../modules/event-bus";
import { secretPrefix } from "../modules/genesys/service-client";
import { StateBucket } from "../modules/state-bucket";
import { LOG_GROUP_PATH } from "../modules/targets/log-group";
import { defaultStateKey, PROJECT, PROVIDER_PINS, resourcePrefix } from "./environment-stack";
import { useReadableLogicalIds } from "./logical-ids";

const BOOTSTRAP_PROJECT = PROJECT;

export interface BootstrapEnvironment {
  /** Environment name, as in environments/<name>.ts and the GitHub environment. */
  readonly name: string;
  /** State object key. @default `defaultStateKey(name)`, the environment stacks' default */
  readonly stateKey?: string;
  /** @default `genesys-eventbridge-<name>-plan` */
  readonly planRoleName?: string;
  /** @default `genesys-eventbridge-<name>-apply` */
  readonly applyRoleName?: string;
  /**
   * Name prefix of the AWS resources the environment stack creates: queues, topics, streams, rules, the archive,
   * alarms and log groups under `/aws/events/genesys/`. The apply role may only manage resources under it, so
   * environments that share an account cannot touch each other's. @default `genesys-<name>-`
   */
  readonly resourcePrefix?: string;
  /**
   * The environment's `integration.eventSourceSuffix`: the apply role may only manage the partner bus of that
   * suffix and the rules on it. @default any Genesys partner bus of the account and region
   */
  readonly eventSourceSuffix?: string;
  /**
   * Name prefix of the IAM roles the environment stack creates (EventBridge delivery roles), which the
   * apply role may manage and pass to EventBridge. @default resourcePrefix
   */
  readonly iamRolePrefix?: string;
  /** Name prefix of the environment's Secrets Manager secrets. @default `genesys/<name>/` */
  readonly secretPrefix?: string;
  /** Region of the environment's resources (the apply role is scoped to it). @default the stack's region */
  readonly region?: string;
}

export interface BootstrapStackProps {
  readonly accountId: string;
  /** Region of the state bucket, and default region of the environments. */
  readonly region: string;
  /** Name of the state bucket (the environments' `stateBackend.bucket`). */
  readonly stateBucket: string;
  /** GitHub repository allowed to assume the roles, `owner/name`. */
  readonly repository: string;
  /**
   * The repository part of the OIDC `sub` claim, when it differs from `repository` (repositories that
   * opted in to ids: `owner@<org id>/name@<repo id>`). @default repository
   */
  readonly oidcSubjectRepository?: string;
  readonly environments: readonly BootstrapEnvironment[];
  /** Create the account's GitHub OIDC provider; false when it already exists (one per account). @default true */
  readonly createOidcProvider?: boolean;
  /** KMS key ARN for state encryption. @default SSE-S3 */
  readonly stateKmsKeyArn?: string;
  /** Also create a DynamoDB lock table (only for `dynamodb_table` locking; the env stacks use `use_lockfile`). */
  readonly lockTableName?: string;
  /** @default {} */
  readonly tags?: Readonly<Record<string, string>>;
}

/** Read-only actions over what the environment stacks manage. No secret values, no log data. */
const PLAN_READ_ACTIONS = [
  "events:Describe*",
  "events:List*",
  "sqs:GetQueueAttributes",
  "sqs:GetQueueUrl",
  "sqs:ListQueues",
  "sqs:ListQueueTags",
  "sqs:ListDeadLetterSourceQueues",
  "sns:GetTopicAttributes",
  "sns:GetSubscriptionAttributes",
  "sns:ListSubscriptionsByTopic",
  "sns:ListTagsForResource",
  "sns:ListTopics",
  "logs:DescribeLogGroups",
  "logs:DescribeResourcePolicies",
  "logs:DescribeSubscriptionFilters",
  "logs:ListTagsForResource",
  "logs:ListTagsLogGroup",
  "kinesis:DescribeStream",
  "kinesis:DescribeStreamSummary",
  "kinesis:ListStreams",
  "kinesis:ListTagsForStream",
  "kinesis:ListTagsForResource",
  "firehose:DescribeDeliveryStream",
  "firehose:ListDeliveryStreams",
  "firehose:ListTagsForDeliveryStream",
  "lambda:GetFunction",
  "lambda:GetFunctionConfiguration",
  "lambda:GetPolicy",
  "kms:DescribeKey",
  "kms:GetKeyPolicy",
  "kms:GetKeyRotationStatus",
  "kms:ListAliases",
  "kms:ListResourceTags",
  "secretsmanager:DescribeSecret",
  "secretsmanager:GetResourcePolicy",
  "secretsmanager:ListSecrets",
  "cloudwatch:DescribeAlarms",
  "cloudwatch:ListTagsForResource",
  "iam:GetRole",
  "iam:GetRolePolicy",
  "iam:ListRolePolicies",
  "iam:ListAttachedRolePolicies",
  "iam:ListRoleTags",
  "sts:GetCallerIdentity",
];

const IAM_ROLE_MANAGEMENT = [
  "iam:CreateRole",
  "iam:DeleteRole",
  "iam:GetRole",
  "iam:UpdateRole",
  "iam:UpdateRoleDescription",
  "iam:UpdateAssumeRolePolicy",
  "iam:TagRole",
  "iam:UntagRole",
  "iam:ListRoleTags",
  "iam:PutRolePolicy",
  "iam:GetRolePolicy",
  "iam:DeleteRolePolicy",
  "iam:ListRolePolicies",
  "iam:ListAttachedRolePolicies",
  "iam:ListInstanceProfilesForRole",
];

/**
 * What Terraform needs before the environment stacks can run, for one AWS account: the state bucket
 * (and optionally a lock table), the GitHub OIDC provider, and per environment a read-only plan role and an
 * apply role that only that environment's GitHub deployments can assume. State is local (this stack
 * creates the bucket the others use); keep `terraform.<stack>.tfstate` safe, or migrate it afterwards.
 */
export class BootstrapStack extends TerraformStack {
  readonly stateBucketName: string;
  readonly oidcProviderArn: string;
  readonly planRoleArns: Readonly<Record<string, string>>;
  readonly applyRoleArns: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: BootstrapStackProps) {
    super(scope, id);
    useReadableLogicalIds(this); // addresses from configured names, no hash (stacks/logical-ids.ts)
    validate(props);
    const { accountId, region } = props;
    const subjectRepository = props.oidcSubjectRepository ?? props.repository;

    new LocalBackend(this, { path: `terraform.${id}.tfstate` });
    new AwsProvider(this, "aws", {
      region,
      allowedAccountIds: [accountId],
      defaultTags: [{ tags: { ...props.tags, project: BOOTSTRAP_PROJECT, component: "bootstrap", "managed-by": "cdktf" } }],
    });
    // Same AWS provider constraint as the environment stacks.
    this.addOverride("terraform.required_providers.aws", PROVIDER_PINS.aws);

    const state = new StateBucket(this, "state", {
      bucketName: props.stateBucket,
      kmsKeyArn: props.stateKmsKeyArn,
      lockTableName: props.lockTableName,
    });
    this.stateBucketName = state.bucketName;

    const providerArn = `arn:aws:iam::${accountId}:oidc-provider/${GITHUB_OIDC_HOST}`;
    if (props.createOidcProvider ?? true) {
      const provider = new IamOpenidConnectProvider(this, "github-oidc", {
        url: `https://${GITHUB_OIDC_HOST}`,
        clientIdList: [GITHUB_OIDC_AUDIENCE],
      });
      this.oidcProviderArn = provider.arn;
    } else {
      this.oidcProviderArn = providerArn;
    }

    const bucketArn = `arn:aws:s3:::${props.stateBucket}`;
    const planRoleArns: Record<string, string> = {};
    const applyRoleArns: Record<string, string> = {};

    for (const env of props.environments) {
      const key = env.stateKey ?? defaultStateKey(env.name);
      const prefix = env.resourcePrefix ?? `${resourcePrefix(env.name)}-`;
      const iamPrefix = env.iamRolePrefix ?? prefix;
      const partnerBus = `${PARTNER_SOURCE_PREFIX}/*/${env.eventSourceSuffix ?? "*"}`;
      const secrets = env.secretPrefix ?? secretPrefix(env.name);
      const stateAccess = (write: boolean): PolicyStatement[] => {
        const statements: PolicyStatement[] = [
          { Sid: "StateList", Effect: "Allow", Action: "s3:ListBucket", Resource: bucketArn },
          {
            Sid: write ? "StateReadWrite" : "StateRead",
            Effect: "Allow",
            Action: write ? ["s3:GetObject", "s3:PutObject"] : "s3:GetObject",
            Resource: `${bucketArn}/${key}`,
          },
          // S3-native lock (use_lockfile): `<key>.tflock`, written and deleted by plan and apply alike.
          { Sid: "StateLock", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], Resource: `${bucketArn}/${key}.tflock` },
        ];
        if (state.lockTableArn !== undefined) {
          statements.push({ Sid: "StateLockTable", Effect: "Allow", Action: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:DescribeTable"], Resource: state.lockTableArn });
        }
        if (props.stateKmsKeyArn !== undefined) {
          statements.push({ Sid: "StateKms", Effect: "Allow", Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"], Resource: props.stateKmsKeyArn });
        }
        return statements;
      };

      const plan = new GithubOidcRole(this, `plan-${env.name}`, {
        roleName: env.planRoleName ?? `${BOOTSTRAP_PROJECT}-${env.name}-plan`,
        description: `Read-only Terraform plan of ${env.name} from ${props.repository} (any ref, pull requests, drift checks)`,
        providerArn: this.oidcProviderArn,
        subjects: [`repo:${subjectRepository}:*`],
        policies: {
          "read-only": [
            { Sid: "ReadManagedServices", Effect: "Allow", Action: PLAN_READ_ACTIONS, Resource: "*" },
            { Sid: "NoSecretValues", Effect: "Deny", Action: "secretsmanager:GetSecretValue", Resource: "*" },
          ],
          state: stateAccess(false),
        },
      });

      const envRegion = env.region ?? region;
      const arn = (service: string, resource: string) => `arn:aws:${service}:${envRegion}:${accountId}:${resource}`;
      const apply = new GithubOidcRole(this, `apply-${env.name}`, {
        roleName: env.applyRoleName ?? `${BOOTSTRAP_PROJECT}-${env.name}-apply`,
        description: `Terraform apply, smoke tests and secret rotation of ${env.name}; only GitHub deployments to environment ${env.name} of ${props.repository}`,
        providerArn: this.oidcProviderArn,
        subjects: [`repo:${subjectRepository}:environment:${env.name}`],
        policies: {
          manage: [
            { Sid: "Read", Effect: "Allow", Action: PLAN_READ_ACTIONS, Resource: "*" },
            {
              Sid: "EventBridge",
              Effect: "Allow",
              Action: "events:*",
              Resource: [
                arn("events", `event-bus/${partnerBus}`),
                arn("events", `rule/${partnerBus}/${prefix}*`),
                arn("events", `archive/${prefix}*`),
                `arn:aws:events:${envRegion}::event-source/${partnerBus}`,
              ],
            },
            { Sid: "Queues", Effect: "Allow", Action: "sqs:*", Resource: arn("sqs", `${prefix}*`) },
            { Sid: "Topics", Effect: "Allow", Action: "sns:*", Resource: arn("sns", `${prefix}*`) },
            { Sid: "Logs", Effect: "Allow", Action: "logs:*", Resource: arn("logs", `log-group:${LOG_GROUP_PATH}${prefix}*`) },
            // Resource policies are account-level objects without an ARN.
            { Sid: "LogResourcePolicies", Effect: "Allow", Action: ["logs:PutResourcePolicy", "logs:DeleteResourcePolicy", "logs:DescribeResourcePolicies"], Resource: "*" },
            { Sid: "Streams", Effect: "Allow", Action: "kinesis:*", Resource: arn("kinesis", `stream/${prefix}*`) },
            // Lambda and Firehose targets are existing functions and delivery streams: the stack only lets EventBridge
            // invoke a function, so the role may grant that to EventBridge and nobody else.
            {
              Sid: "LambdaPermissionsForEventBridge",
              Effect: "Allow",
              Action: "lambda:AddPermission",
              Resource: arn("lambda", "function:*"),
              Condition: { StringEquals: { "lambda:Principal": EVENTS_PRINCIPAL } },
            },
            {
              Sid: "LambdaPermissions",
              Effect: "Allow",
              Action: ["lambda:RemovePermission", "lambda:GetPolicy", "lambda:GetFunction"],
              Resource: arn("lambda", "function:*"),
            },
            { Sid: "Kms", Effect: "Allow", Action: "kms:*", Resource: arn("kms", "*") },
            { Sid: "KmsCreate", Effect: "Allow", Action: ["kms:CreateKey", "kms:ListKeys", "kms:ListAliases"], Resource: "*" },
            { Sid: "Secrets", Effect: "Allow", Action: "secretsmanager:*", Resource: arn("secretsmanager", `secret:${secrets}*`) },
            { Sid: "SecretsAccountLevel", Effect: "Allow", Action: ["secretsmanager:GetRandomPassword", "secretsmanager:ListSecrets"], Resource: "*" },
            {
              Sid: "Alarms",
              Effect: "Allow",
              Action: ["cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms", "cloudwatch:TagResource", "cloudwatch:UntagResource", "cloudwatch:ListTagsForResource"],
              Resource: arn("cloudwatch", `alarm:${prefix}*`),
            },
            { Sid: "TargetRoles", Effect: "Allow", Action: IAM_ROLE_MANAGEMENT, Resource: `arn:aws:iam::${accountId}:role/${iamPrefix}*` },
            {
              Sid: "PassTargetRolesToEventBridge",
              Effect: "Allow",
              Action: "iam:PassRole",
              Resource: `arn:aws:iam::${accountId}:role/${iamPrefix}*`,
              Condition: { StringEquals: { "iam:PassedToService": EVENTS_PRINCIPAL } },
            },
          ],
          state: stateAccess(true),
        },
      });

      planRoleArns[env.name] = plan.roleArn;
      applyRoleArns[env.name] = apply.roleArn;
      new TerraformOutput(this, `${env.name}-roles`, {
        description: `GitHub variables for ${env.name}: AWS_PLAN_ROLE_ARN (environment ${env.name}-plan) and AWS_APPLY_ROLE_ARN (environment ${env.name})`,
        value: { AWS_PLAN_ROLE_ARN: plan.roleArn, AWS_APPLY_ROLE_ARN: apply.roleArn, AWS_REGION: envRegion, state_key: key },
      });
    }
    this.planRoleArns = planRoleArns;
    this.applyRoleArns = applyRoleArns;

    new TerraformOutput(this, "state-bucket", { value: state.bucketName, description: "Terraform state bucket" });
    new TerraformOutput(this, "oidc-provider-arn", { value: this.oidcProviderArn, description: "GitHub Actions OIDC provider" });
  }
}

function validate(props: BootstrapStackProps): void {
  const fail = (message: string): never => {
    throw new Error(`BootstrapStack: ${message}`);
  };
  if (!/^\d{12}$/.test(props.accountId)) fail(`accountId must be a 12-digit AWS account id, got "${props.accountId}"`);
  if (!/^[a-z]{2}(-gov)?-[a-z]+-\d$/.test(props.region)) fail(`region "${props.region}" is not an AWS region name`);
  if (!/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/.test(props.repository)) fail(`repository must be "owner/name", got "${props.repository}"`);
  if (props.oidcSubjectRepository !== undefined && !/^[A-Za-z0-9-]+(@\d+)?\/[A-Za-z0-9._-]+(@\d+)?$/.test(props.oidcSubjectRepository)) {
    fail(`oidcSubjectRepository must look like "owner/name" or "owner@<id>/name@<id>", got "${props.oidcSubjectRepository}"`);
  }
  if (props.environments.length === 0) fail("at least one environment is required");
  const seen = new Set<string>();
  const keys = new Set<string>();
  for (const env of props.environments) {
    if (!/^[a-z][a-z0-9-]{0,30}$/.test(env.name)) fail(`environment name "${env.name}" must be lowercase letters, digits and '-'`);
    if (seen.has(env.name)) fail(`environment "${env.name}" is listed twice`);
    if (env.region !== undefined && !/^[a-z]{2}(-gov)?-[a-z]+-\d$/.test(env.region)) fail(`environment "${env.name}": region "${env.region}" is not an AWS region name`);
    seen.add(env.name);
    const key = env.stateKey ?? defaultStateKey(env.name);
    if (key.includes("*") || key.startsWith("/")) fail(`environment "${env.name}": stateKey "${key}" must be a plain object key`);
    if (keys.has(key)) fail(`environment "${env.name}": stateKey "${key}" is used by another environment`);
    keys.add(key);
    if (env.resourcePrefix !== undefined && env.resourcePrefix.length < 3) fail(`environment "${env.name}": resourcePrefix "${env.resourcePrefix}" is too broad`);
    if (env.eventSourceSuffix !== undefined && !/^[A-Za-z0-9._-]{1,64}$/.test(env.eventSourceSuffix)) {
      fail(`environment "${env.name}": eventSourceSuffix "${env.eventSourceSuffix}" must be 1-64 of [A-Za-z0-9._-]`);
    }
    if (env.iamRolePrefix !== undefined && env.iamRolePrefix.length < 3) fail(`environment "${env.name}": iamRolePrefix "${env.iamRolePrefix}" is too broad`);
    if (env.secretPrefix !== undefined && env.secretPrefix.length < 3) fail(`environment "${env.name}": secretPrefix "${env.secretPrefix}" is too broad`);
  }
}
