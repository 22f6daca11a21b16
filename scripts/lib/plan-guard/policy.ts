/**
 * What the guard lets through without an allowance. Deny by default: a delete, replace or forget of any type not
 * listed in SAFE_TO_REMOVE is blocked, including types this project does not use yet and types nobody has heard
 * of. A type is listed only when destroying its object loses no data and opens no access; each entry says why.
 */

/** Resource types whose objects hold nothing: destroying, replacing or forgetting one loses nothing. */
export const SAFE_TO_REMOVE: Readonly<Record<string, string>> = Object.freeze({
  aws_cloudwatch_metric_alarm:
    "holds only its definition, which the configuration recreates; the metric data it watches stays in CloudWatch (only the alarm's own state-change history goes)",
  aws_s3_bucket_lifecycle_configuration: "holds only expiry rules; without them objects are kept longer, never removed",
  terraform_data: "exists only in Terraform state; no remote object",
  null_resource: "exists only in Terraform state; no remote object",
});

/**
 * Safe types that are safe to replace (the plan creates them again) or forget (the object stays), but not to
 * delete outright: deleting a metric alarm (e.g. `delete_because_no_resource_config`) silently removes monitoring.
 */
export const SAFE_EXCEPT_OUTRIGHT_DELETE: ReadonlySet<string> = new Set(["aws_cloudwatch_metric_alarm"]);

/** Why a removal of this kind loses nothing, or undefined when it must be allowed explicitly. */
export function safeRemovalReason(type: string, kind: string): string | undefined {
  if (!isSafeToRemove(type)) return undefined;
  if (SAFE_EXCEPT_OUTRIGHT_DELETE.has(type) && kind === "delete") return undefined;
  return SAFE_TO_REMOVE[type];
}

export interface ProtectedAttribute {
  readonly attribute: string;
  readonly reason: string;
}

function attrs(entries: Record<string, string>): readonly ProtectedAttribute[] {
  return Object.freeze(Object.entries(entries).map(([attribute, reason]) => ({ attribute, reason })));
}

/**
 * Top-level attributes whose in-place update is blocked unless the address is allowed: keys, encryption,
 * retention, the partner event source and who may do what. Attribute names are the providers' schema names
 * (hashicorp/aws as bound by @cdktf/provider-aws 21, mypurecloud/genesyscloud 1.84 in scripts/schema/).
 * Some of them force a replacement today (then the replace is blocked anyway); they are listed so a provider
 * that starts updating them in place cannot slip the change through.
 */
export const PROTECTED_ATTRIBUTES: Readonly<Record<string, readonly ProtectedAttribute[]>> = Object.freeze({
  aws_kms_key: attrs({
    policy: "who may use and administer the key; a wrong policy locks the services out of the secrets, logs and topics it encrypts, or lets others decrypt them",
    is_enabled: "a disabled key makes everything encrypted with it unreadable",
    enable_key_rotation: "automatic rotation of the key material",
    rotation_period_in_days: "how often the key material rotates",
    deletion_window_in_days: "how long a scheduled deletion can still be cancelled",
    bypass_policy_lockout_safety_check: "lets a key policy lock every principal out of the key",
    key_usage: "what the key can do; changing it breaks every user of the key",
    customer_master_key_spec: "the key's algorithm; changing it breaks every user of the key",
  }),
  aws_kms_alias: attrs({
    target_key_id: "moves every user of the alias (and every IAM condition on it) to another key",
    name: "the alias that IAM conditions and users refer to",
  }),
  aws_cloudwatch_event_bus: attrs({
    name: "the partner bus name, fixed by the Genesys event source",
    event_source_name: "the Genesys partner event source the bus receives from",
    kms_key_identifier: "the key that encrypts events on the bus",
  }),
  aws_cloudwatch_event_archive: attrs({
    event_source_arn: "the bus whose events are archived",
    retention_days: "a shorter retention deletes archived events older than the new limit",
    kms_key_identifier: "the key that encrypts archived events",
  }),
  aws_secretsmanager_secret: attrs({
    kms_key_id: "the key the OAuth secret is encrypted with; rotation and smoke may decrypt only with the environment's key",
    name: "the name rotation, smoke and IAM policies look the secret up by",
    policy: "who may read the secret",
    recovery_window_in_days: "0 makes a later deletion immediate and unrecoverable",
  }),
  aws_sqs_queue: attrs({
    kms_master_key_id: "the key that encrypts queued events",
    sqs_managed_sse_enabled: "encryption at rest of queued events",
    message_retention_seconds: "a shorter retention drops queued (dead-lettered) events older than the new limit",
    redrive_policy: "where failed messages go; removing it loses them after their retention",
  }),
  aws_sqs_queue_policy: attrs({
    policy: "who may send to or read the queue; a Principal of * opens it to anyone",
  }),
  aws_sns_topic_policy: attrs({
    policy: "who may publish to or subscribe to the alarm topic",
  }),
  aws_cloudwatch_event_rule: attrs({
    state: "DISABLED stops delivery to every target of the rule",
    event_pattern: "which events the rule delivers; a wrong pattern silently drops them",
    event_bus_name: "the bus the rule listens on",
  }),
  aws_cloudwatch_event_target: attrs({
    arn: "where the rule delivers events; another ARN sends them elsewhere, possibly to another account",
    role_arn: "the role EventBridge delivers with",
    dead_letter_config: "where undeliverable events go; without it they are lost after the retries",
  }),
  aws_cloudwatch_log_resource_policy: attrs({
    policy_document: "who may write to the environment's log groups",
  }),
  aws_iam_role_policy: attrs({
    policy: "what the role may do",
  }),
  aws_kinesis_stream: attrs({
    retention_period: "a shorter retention drops records older than the new limit",
    encryption_type: "encryption at rest of the stream",
    kms_key_id: "the key that encrypts the stream",
  }),
  aws_cloudwatch_log_group: attrs({
    retention_in_days: "a shorter retention deletes log events older than the new limit",
    kms_key_id: "the key that encrypts the log group",
  }),
  aws_sns_topic: attrs({
    kms_master_key_id: "the key that encrypts alarm notifications",
  }),
  aws_iam_role: attrs({
    assume_role_policy: "who may assume the role (the route to privilege escalation of issue #10)",
    permissions_boundary: "the ceiling on everything the role may do",
    inline_policy: "what the role may do",
  }),
  aws_s3_bucket_public_access_block: attrs({
    block_public_acls: "public access to the bucket",
    block_public_policy: "public access to the bucket",
    ignore_public_acls: "public access to the bucket",
    restrict_public_buckets: "public access to the bucket",
  }),
  aws_s3_bucket_server_side_encryption_configuration: attrs({
    rule: "the key that encrypts the state bucket",
  }),
  aws_s3_bucket_versioning: attrs({
    versioning_configuration: "suspending versioning loses the previous state files",
  }),
  genesyscloud_integration: attrs({
    config: "the integration's name, properties and credentials: the AWS account, region and event source suffix of the partner source",
    intended_state: "DISABLED stops the event flow",
    integration_type: "the kind of integration",
  }),
  genesyscloud_oauth_client: attrs({
    roles: "the roles (and divisions) the client acts with in Genesys",
    authorized_grant_type: "how the client logs in",
  }),
  genesyscloud_auth_role: attrs({
    permission_policies: "what every client holding the role may do in Genesys",
    permissions: "what every client holding the role may do in Genesys",
  }),
});

export function isSafeToRemove(type: string): boolean {
  return Object.prototype.hasOwnProperty.call(SAFE_TO_REMOVE, type);
}

export function protectedAttributesOf(type: string): readonly ProtectedAttribute[] {
  return Object.prototype.hasOwnProperty.call(PROTECTED_ATTRIBUTES, type) ? PROTECTED_ATTRIBUTES[type] : [];
}
