/**
 * The IAM policies of one environment's pipeline roles (plan, apply, rotation) and of its permissions boundary.
 * Every statement is scoped to the environment's own names (see EnvironmentNames); docs/iam.md explains each choice.
 */
import { EVENTS_PRINCIPAL } from "../policy";
import { ENVIRONMENT_TAG, EnvironmentNames, PROJECT_TAG } from "./environment-names";
import { IamPolicyStatement } from "./policy-document";

/** What `terraform plan` reads, per resource type of the environment stacks (no data: no messages, records, log events, secret values). */
const READ = {
  events: ["events:DescribeEventBus", "events:DescribeRule", "events:DescribeArchive", "events:DescribeEventSource", "events:ListTargetsByRule", "events:ListTagsForResource"],
  sqs: ["sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ListQueueTags"],
  sns: ["sns:GetTopicAttributes", "sns:GetSubscriptionAttributes", "sns:ListSubscriptionsByTopic", "sns:ListTagsForResource"],
  logs: ["logs:ListTagsForResource", "logs:ListTagsLogGroup"],
  kinesis: ["kinesis:DescribeStreamSummary", "kinesis:DescribeStream", "kinesis:ListTagsForStream", "kinesis:ListTagsForResource"],
  alarms: ["cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource"],
  secrets: ["secretsmanager:DescribeSecret", "secretsmanager:GetResourcePolicy"],
  roles: ["iam:GetRole", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies", "iam:ListRoleTags", "iam:ListInstanceProfilesForRole"],
  keys: ["kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags"],
  // Lambda targets: only the function's resource policy (aws_lambda_permission). Not lambda:GetFunction or
  // GetFunctionConfiguration: they return the function's environment variables (and GetFunction a code URL).
  functions: ["lambda:GetPolicy"],
} as const;

/**
 * Read actions without a resource type in the Service Authorization Reference (so only `"*"` can be granted):
 * events:ListEventSources (the aws_cloudwatch_event_source data source that finds the partner source),
 * kms:ListAliases (the aws_kms_alias read), logs:DescribeLogGroups (aws_cloudwatch_log_group) and
 * logs:DescribeResourcePolicies (the refresh of the aws_cloudwatch_log_resource_policy an environment stack still
 * has in state until its `removed` block is applied, stacks/removed-resources.ts). They list names and settings, no data.
 */
export const ACCOUNT_READ = ["events:ListEventSources", "kms:ListAliases", "logs:DescribeLogGroups", "logs:DescribeResourcePolicies"];

/** KMS actions that use a key without administering it; every other KMS action on a key counts as administration. */
/** What Terraform calls on a key it has just created, before its tags count for authorization (see KmsSetUpNewKey). */
export const KMS_NEW_KEY_ACTIONS = ["kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags", "kms:EnableKeyRotation", "kms:CreateAlias", "kms:UpdateAlias"];

export const KMS_USE_ACTIONS = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*", "kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags"];

/**
 * Role actions that change what a role may do or who may assume it. Each supports the `iam:PermissionsBoundary`
 * condition key (Service Authorization Reference, "Actions, resources, and condition keys for AWS Identity and
 * Access Management": the key is "the permissions boundary set on the role", or for CreateRole and
 * PutRolePermissionsBoundary the one being set). test/bootstrap-iam.test.ts checks this list against that data.
 */
export const BOUNDED_ROLE_ACTIONS = [
  "iam:CreateRole",
  "iam:PutRolePermissionsBoundary",
  "iam:PutRolePolicy",
  "iam:DeleteRolePolicy",
  "iam:AttachRolePolicy",
  "iam:DetachRolePolicy",
  "iam:UpdateAssumeRolePolicy",
  "iam:UpdateRole",
  "iam:UpdateRoleDescription",
  "iam:DeleteRole",
];

export type StateAccess = "plan" | "apply";

/**
 * Terraform state access for one environment's key (S3 backend, "S3 Bucket Permissions",
 * https://developer.hashicorp.com/terraform/language/backend/s3): ListBucket on the bucket, GetObject (and for
 * apply PutObject) on the key, and for S3-native locking (`use_lockfile`) Get/Put/DeleteObject on `<key>.tflock`.
 */
export function stateStatements(n: EnvironmentNames, access: StateAccess): IamPolicyStatement[] {
  const { bucketArn, key, kmsKeyArn, lockTableArn } = n.props.state;
  const statements: IamPolicyStatement[] = [
    { Sid: "StateList", Effect: "Allow", Action: "s3:ListBucket", Resource: bucketArn },
    access === "apply"
      ? { Sid: "StateReadWrite", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: `${bucketArn}/${key}` }
      : { Sid: "StateRead", Effect: "Allow", Action: "s3:GetObject", Resource: `${bucketArn}/${key}` },
  ];
  if (access === "apply") {
    // The lock is `<key>.tflock`: written (If-None-Match) when an apply starts and deleted when it ends. Only the
    // apply role holds it. Every plan runs with -lock=false (ci.yml, drift.yml, deploy.yml): a deploy's plan and
    // apply are serialized by the `deploy-<env>` concurrency group, and applying a saved plan fails when the state
    // changed after planning ("Saved plan is stale"). So the plan role, which any branch can use from <env>-plan,
    // can neither block an apply with a lock of its own nor delete the lock of an apply in progress.
    statements.push({ Sid: "StateLock", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], Resource: `${bucketArn}/${key}.tflock` });
    if (lockTableArn !== undefined) {
      statements.push({ Sid: "StateLockTable", Effect: "Allow", Action: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:DescribeTable"], Resource: lockTableArn });
    }
  }
  if (kmsKeyArn !== undefined) {
    // SSE-KMS: S3 calls Decrypt to read an object and GenerateDataKey to write one (state and lock file).
    statements.push({ Sid: "StateKms", Effect: "Allow", Action: access === "apply" ? ["kms:Decrypt", "kms:GenerateDataKey"] : "kms:Decrypt", Resource: kmsKeyArn });
  }
  return statements;
}

/** Reads of the environment's own resources: what `terraform plan` (refresh) of its stack needs. */
export function readStatements(n: EnvironmentNames): IamPolicyStatement[] {
  const scope = n.scope();
  const functions = n.props.lambdaFunctionArns;
  const statements: IamPolicyStatement[] = [
    { Sid: "ReadEvents", Effect: "Allow", Action: READ.events, Resource: scope.events },
    { Sid: "ReadQueues", Effect: "Allow", Action: READ.sqs, Resource: scope.sqs },
    { Sid: "ReadTopics", Effect: "Allow", Action: READ.sns, Resource: scope.sns },
    { Sid: "ReadLogGroups", Effect: "Allow", Action: READ.logs, Resource: scope.logs },
    { Sid: "ReadStreams", Effect: "Allow", Action: READ.kinesis, Resource: scope.kinesis },
    { Sid: "ReadAlarms", Effect: "Allow", Action: READ.alarms, Resource: scope.alarms },
    { Sid: "ReadSecretMetadata", Effect: "Allow", Action: READ.secrets, Resource: scope.secrets },
    { Sid: "ReadRoles", Effect: "Allow", Action: READ.roles, Resource: n.roleArnPattern() },
    { Sid: "ReadKeys", Effect: "Allow", Action: READ.keys, Resource: n.keysArn(), Condition: { StringEquals: n.resourceTagCondition() } },
    { Sid: "ReadAccountLevel", Effect: "Allow", Action: ACCOUNT_READ, Resource: "*" },
  ];
  if (functions.length > 0) statements.push({ Sid: "ReadFunctionPolicies", Effect: "Allow", Action: READ.functions, Resource: functions });
  return statements;
}

/** What the apply role may change: the environment's own resources, and roles only with the boundary. */
export function manageStatements(n: EnvironmentNames): IamPolicyStatement[] {
  const scope = n.scope();
  const p = n.props;
  const statements: IamPolicyStatement[] = [
    { Sid: "EventBridge", Effect: "Allow", Action: "events:*", Resource: scope.events },
    { Sid: "Queues", Effect: "Allow", Action: "sqs:*", Resource: scope.sqs },
    { Sid: "Topics", Effect: "Allow", Action: "sns:*", Resource: scope.sns },
    { Sid: "LogGroups", Effect: "Allow", Action: "logs:*", Resource: scope.logs },
    // No logs:PutResourcePolicy/DeleteResourcePolicy: they have no resource type and no condition key (Service
    // Authorization Reference, "Actions, resources, and condition keys for Amazon CloudWatch Logs"), so they would
    // reach every Logs resource policy of the region. The environment's policy is the bootstrap stack's.
    { Sid: "Streams", Effect: "Allow", Action: "kinesis:*", Resource: scope.kinesis },
    { Sid: "Secrets", Effect: "Allow", Action: "secretsmanager:*", Resource: scope.secrets },
    {
      Sid: "Alarms",
      Effect: "Allow",
      Action: ["cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms", "cloudwatch:TagResource", "cloudwatch:UntagResource"],
      Resource: scope.alarms,
    },
    // KMS: keys are selected by the tags every environment-stack resource carries (provider default_tags):
    // created only with them, managed only while they are on the key, never removed or changed to another value.
    // TagResource for CreateKey's tags must be granted on all keys ("Controlling access to tags", AWS KMS Developer
    // Guide, https://docs.aws.amazon.com/kms/latest/developerguide/tag-permissions.html), so it is limited by the
    // tags requested; the boundary denies re-tagging a key that belongs to another environment or project.
    { Sid: "KmsCreateTaggedKey", Effect: "Allow", Action: ["kms:CreateKey", "kms:TagResource"], Resource: "*", Condition: { StringEquals: n.requestTagCondition() } },
    // Tags "might take up to five minutes" to affect authorization ("Use tags to control access to KMS keys", AWS
    // KMS Developer Guide, https://docs.aws.amazon.com/kms/latest/developerguide/tag-authorization.html), so the
    // calls Terraform makes right after CreateKey cannot depend on them. These only read a key's metadata, turn
    // rotation on, or point an alias at it (the alias side is scoped to the environment's alias below).
    { Sid: "KmsSetUpNewKey", Effect: "Allow", Action: KMS_NEW_KEY_ACTIONS, Resource: n.keysArn() },
    {
      Sid: "KmsManageEnvironmentKey",
      Effect: "Allow",
      Action: [
        "kms:PutKeyPolicy",
        "kms:DisableKeyRotation",
        "kms:UpdateKeyDescription",
        "kms:ScheduleKeyDeletion",
        "kms:CancelKeyDeletion",
        "kms:DeleteAlias",
        "kms:Encrypt",
        "kms:Decrypt",
        "kms:GenerateDataKey",
        "kms:GenerateDataKey*",
        "kms:ReEncrypt*",
      ],
      Resource: n.keysArn(),
      Condition: { StringEquals: n.resourceTagCondition() },
    },
    {
      Sid: "KmsUntagEnvironmentKey",
      Effect: "Allow",
      Action: "kms:UntagResource",
      Resource: n.keysArn(),
      Condition: { StringEquals: n.resourceTagCondition(), "ForAllValues:StringNotEquals": { "aws:TagKeys": [ENVIRONMENT_TAG, PROJECT_TAG] } },
    },
    // CreateAlias/DeleteAlias/UpdateAlias are authorized on the alias and on the key (both must allow).
    { Sid: "KmsEnvironmentAlias", Effect: "Allow", Action: ["kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias"], Resource: n.keyAliasArn() },
    // Roles: only under the environment's prefix, and only roles that carry (or are being given) the boundary.
    {
      Sid: "RolesWithBoundary",
      Effect: "Allow",
      Action: BOUNDED_ROLE_ACTIONS.filter((a) => a !== "iam:AttachRolePolicy" && a !== "iam:DetachRolePolicy"),
      Resource: n.roleArnPattern(),
      Condition: { StringEquals: { "iam:PermissionsBoundary": n.boundaryArn } },
    },
    // Tags give a role no permissions; TagRole/UntagRole support no iam:PermissionsBoundary key (same reference).
    { Sid: "RoleTags", Effect: "Allow", Action: ["iam:TagRole", "iam:UntagRole"], Resource: n.roleArnPattern() },
    {
      Sid: "PassRolesToEventBridge",
      Effect: "Allow",
      Action: "iam:PassRole",
      Resource: n.roleArnPattern(),
      Condition: { StringEquals: { "iam:PassedToService": EVENTS_PRINCIPAL } },
    },
  ];
  if (p.lambdaFunctionArns.length > 0) {
    // Lambda targets are existing functions: the stack only lets EventBridge invoke them.
    statements.push(
      {
        Sid: "LambdaGrantToEventBridge",
        Effect: "Allow",
        Action: "lambda:AddPermission",
        Resource: p.lambdaFunctionArns,
        Condition: { StringEquals: { "lambda:Principal": EVENTS_PRINCIPAL } },
      },
      { Sid: "LambdaRevoke", Effect: "Allow", Action: "lambda:RemovePermission", Resource: p.lambdaFunctionArns },
    );
  }
  return statements;
}

/** The rotation role: the environment's secrets (values and stages, the rotation lock lives in them) and nothing else. */
export function rotationStatements(n: EnvironmentNames): IamPolicyStatement[] {
  return [
    {
      Sid: "RotateSecrets",
      Effect: "Allow",
      Action: [
        "secretsmanager:GetSecretValue",
        "secretsmanager:DescribeSecret",
        "secretsmanager:PutSecretValue",
        "secretsmanager:UpdateSecretVersionStage",
        "secretsmanager:ListSecretVersionIds",
      ],
      Resource: n.scope().secrets,
    },
    {
      // The environment's key, and only through Secrets Manager ("kms:ViaService", AWS KMS Developer Guide,
      // https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service).
      Sid: "KeyThroughSecretsManager",
      Effect: "Allow",
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: n.keysArn(),
      Condition: { StringEquals: { ...n.resourceTagCondition(), "kms:ViaService": n.secretsManagerViaService() } },
    },
  ];
}
