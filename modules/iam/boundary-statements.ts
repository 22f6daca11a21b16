/**
 * The permissions boundary of one environment: the most its pipeline roles, and every role the apply role creates,
 * may do, plus explicit denies that hold whatever an identity policy says. docs/iam.md explains each statement.
 */
import { ENVIRONMENT_TAG, EnvironmentNames, PROJECT_TAG } from "./environment-names";
import { ACCOUNT_READ, BOUNDED_ROLE_ACTIONS, KMS_NEW_KEY_ACTIONS, KMS_USE_ACTIONS } from "./environment-policies";
import { IamPolicyStatement } from "./policy-document";

/**
 * The permissions boundary: the most any role of the environment may do (the apply, plan and rotation roles and
 * every role the apply role creates), plus explicit denies that hold whatever an identity policy says.
 */
/** The changing calls a key may get before its tags count: retagging, enabling rotation, aliasing it. */
const KMS_SETUP_CHANGES = ["kms:TagResource", "kms:EnableKeyRotation", "kms:CreateAlias", "kms:UpdateAlias"];

export function boundaryStatements(n: EnvironmentNames, pipelineRoleArns: readonly string[]): IamPolicyStatement[] {
  const scope = n.scope();
  const p = n.props;
  const { bucketArn, key, kmsKeyArn, lockTableArn } = p.state;
  const external: IamPolicyStatement[] = [];
  if (p.lambdaFunctionArns.length > 0) {
    external.push({ Sid: "LambdaTargets", Effect: "Allow", Action: ["lambda:AddPermission", "lambda:RemovePermission", "lambda:GetPolicy"], Resource: p.lambdaFunctionArns });
  }
  // Delivery roles put records on existing streams outside the environment's names.
  const streams = [...p.firehoseStreamArns, ...p.kinesisStreamArns];
  if (streams.length > 0) {
    external.push({ Sid: "StreamTargets", Effect: "Allow", Action: ["firehose:PutRecord", "firehose:PutRecordBatch", "kinesis:PutRecord", "kinesis:PutRecords"], Resource: streams });
  }
  const allKeys = `arn:${n.partition}:kms:*:*:key/*`;
  return [
    // --- The ceiling ---
    {
      Sid: "EnvironmentResources",
      Effect: "Allow",
      Action: ["events:*", "sqs:*", "sns:*", "logs:*", "kinesis:*", "cloudwatch:*", "secretsmanager:*"],
      Resource: [...scope.events, ...scope.sqs, ...scope.sns, ...scope.logs, ...scope.kinesis, ...scope.alarms, ...scope.secrets],
    },
    { Sid: "EnvironmentRoles", Effect: "Allow", Action: "iam:*", Resource: n.roleArnPattern() },
    { Sid: "EnvironmentKeys", Effect: "Allow", Action: "kms:*", Resource: n.keysArn(), Condition: { StringEquals: n.resourceTagCondition() } },
    { Sid: "NewKeys", Effect: "Allow", Action: KMS_NEW_KEY_ACTIONS, Resource: n.keysArn() },
    { Sid: "EnvironmentKeyAlias", Effect: "Allow", Action: "kms:*", Resource: n.keyAliasArn() },
    { Sid: "CreateEnvironmentKeys", Effect: "Allow", Action: ["kms:CreateKey", "kms:TagResource"], Resource: "*", Condition: { StringEquals: n.requestTagCondition() } },
    { Sid: "AccountLevel", Effect: "Allow", Action: ACCOUNT_READ, Resource: "*", Condition: { StringEquals: { "aws:RequestedRegion": p.region } } },
    ...external,
    { Sid: "StateObjects", Effect: "Allow", Action: ["s3:ListBucket", "s3:GetObject", "s3:PutObject", "s3:DeleteObject"], Resource: [bucketArn, `${bucketArn}/${key}`, `${bucketArn}/${key}.tflock`] },
    ...(lockTableArn !== undefined ? [{ Sid: "StateLockTable", Effect: "Allow" as const, Action: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:DescribeTable"], Resource: lockTableArn }] : []),
    ...(kmsKeyArn !== undefined ? [{ Sid: "StateKey", Effect: "Allow" as const, Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: kmsKeyArn }] : []),
    // --- Denies that no identity policy can lift ---
    // IAM: nothing outside the environment's role names (no policies, users, providers, other roles)...
    { Sid: "DenyIamOutsideEnvironmentRoles", Effect: "Deny", Action: "iam:*", NotResource: n.roleArnPattern() },
    // ...never a role without this boundary, never a boundary removed, never the pipeline roles themselves.
    { Sid: "DenyRolesWithoutBoundary", Effect: "Deny", Action: BOUNDED_ROLE_ACTIONS, Resource: "*", Condition: { StringNotEquals: { "iam:PermissionsBoundary": n.boundaryArn } } },
    // Service-linked roles cannot carry a boundary, and the environment needs none.
    { Sid: "DenyBoundaryRemoval", Effect: "Deny", Action: ["iam:DeleteRolePermissionsBoundary", "iam:CreateServiceLinkedRole", "iam:DeleteServiceLinkedRole"], Resource: "*" },
    { Sid: "DenyPipelineRoles", Effect: "Deny", Action: "iam:*", Resource: pipelineRoleArns },
    // No bounded role assumes another role. Explicit, because a trust policy that names a role *session* can grant
    // it despite an implicit deny in the boundary ("Policy evaluation logic", IAM User Guide: role sessions).
    { Sid: "DenyAssumeRole", Effect: "Deny", Action: "sts:AssumeRole", Resource: "*" },
    // Events stay in the account and region: no rule of the environment may target anything elsewhere (a bus in
    // another account that admits this one, for example). `events:TargetArn` is PutTargets' condition key
    // (Service Authorization Reference, Amazon EventBridge); test/bootstrap-iam.test.ts checks it exists there.
    {
      Sid: "DenyForeignTargets",
      Effect: "Deny",
      Action: "events:PutTargets",
      Resource: "*",
      Condition: { "ForAnyValue:ArnNotLike": { "events:TargetArn": `arn:${n.partition}:*:${p.region}:${p.accountId}:*` } },
    },
    // KMS: no administration of keys that are not the environment's (using them is limited by the ceiling, which
    // also requires the project tag), except what a just-created key needs (KMS_NEW_KEY_ACTIONS: enabling rotation,
    // and the key side of the environment's own alias). TagResource is left to the next statement: CreateKey's tags
    // are authorized as a TagResource on all keys, so only keys already tagged for another environment are protected.
    {
      Sid: "DenyKmsAdminOfOtherKeys",
      Effect: "Deny",
      NotAction: [...new Set([...KMS_USE_ACTIONS, ...KMS_NEW_KEY_ACTIONS, "kms:TagResource"])],
      Resource: allKeys,
      Condition: { StringNotEquals: { [`aws:ResourceTag/${ENVIRONMENT_TAG}`]: p.environment } },
    },
    // A key already tagged for another environment or another project: no retagging it into this one (the ceiling
    // would then allow kms:* on it), and none of the setup calls a just-created key gets (enabling rotation,
    // pointing this environment's alias at it). Administration of another project's key needs no deny of its own:
    // no Allow of this boundary reaches a key whose project tag is not this project's.
    ...[ENVIRONMENT_TAG, PROJECT_TAG].map((tag): IamPolicyStatement => ({
      Sid: `DenyChangingOther${tag === ENVIRONMENT_TAG ? "Environment" : "Project"}Keys`,
      Effect: "Deny",
      Action: KMS_SETUP_CHANGES,
      Resource: allKeys,
      Condition: { Null: { [`aws:ResourceTag/${tag}`]: "false" }, StringNotEquals: { [`aws:ResourceTag/${tag}`]: tag === ENVIRONMENT_TAG ? p.environment : p.project } },
    })),
    { Sid: "DenyUntaggedKeys", Effect: "Deny", Action: "kms:CreateKey", Resource: "*", Condition: { StringNotEquals: { [`aws:RequestTag/${ENVIRONMENT_TAG}`]: p.environment } } },
    // The state key is not the environment's: use it, never administer or tag it.
    ...(kmsKeyArn !== undefined ? [{ Sid: "DenyStateKeyAdmin", Effect: "Deny" as const, NotAction: KMS_USE_ACTIONS, Resource: kmsKeyArn }] : []),
    { Sid: "DenyOtherAliases", Effect: "Deny", Action: ["kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias"], NotResource: [n.keyAliasArn(), allKeys] },
  ];
}
