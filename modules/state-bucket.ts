import { Construct } from "constructs";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { policyDocument, PolicyStatement } from "./policy";

export interface StateBucketProps {
  /** Globally unique bucket name. */
  readonly bucketName: string;
  /**
   * KMS key ARN for SSE-KMS. @default SSE-S3 (AES256), which every role with object access can read
   * without extra KMS grants.
   */
  readonly kmsKeyArn?: string;
  /** Days a superseded state version is kept. @default 365 */
  readonly noncurrentVersionDays?: number;
  /**
   * A DynamoDB lock table to create, only for backends that still lock with `dynamodb_table`.
   * The environment stacks use S3-native locking (`use_lockfile`), which needs no table.
   * @default no table
   */
  readonly lockTableName?: string;
}

const BUCKET_NAME = /^(?!xn--)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * The S3 bucket holding Terraform state: versioned, encrypted, private (public access block, owner-enforced),
 * TLS-only, and protected from `terraform destroy`.
 */
export class StateBucket extends Construct {
  readonly bucketName: string;
  readonly bucketArn: string;
  readonly lockTableName?: string;
  readonly lockTableArn?: string;

  constructor(scope: Construct, id: string, props: StateBucketProps) {
    super(scope, id);
    if (!BUCKET_NAME.test(props.bucketName)) {
      throw new Error(`StateBucket: "${props.bucketName}" is not a valid S3 bucket name (3-63 lowercase letters, digits, '.' and '-')`);
    }
    const noncurrentDays = props.noncurrentVersionDays ?? 365;
    if (!Number.isInteger(noncurrentDays) || noncurrentDays < 1) {
      throw new Error(`StateBucket: noncurrentVersionDays must be a positive integer, got ${noncurrentDays}`);
    }
    if (props.kmsKeyArn !== undefined && !/^arn:aws[\w-]*:kms:/.test(props.kmsKeyArn)) {
      throw new Error(`StateBucket: kmsKeyArn must be a KMS key ARN, got "${props.kmsKeyArn}"`);
    }

    const bucket = new S3Bucket(this, "bucket", {
      bucket: props.bucketName,
      forceDestroy: false,
      lifecycle: { preventDestroy: true },
    });
    this.bucketName = bucket.bucket;
    this.bucketArn = bucket.arn;

    new S3BucketVersioningA(this, "versioning", {
      bucket: bucket.id,
      versioningConfiguration: { status: "Enabled" },
    });

    new S3BucketServerSideEncryptionConfigurationA(this, "encryption", {
      bucket: bucket.id,
      rule: [
        {
          applyServerSideEncryptionByDefault: props.kmsKeyArn
            ? { sseAlgorithm: "aws:kms", kmsMasterKeyId: props.kmsKeyArn }
            : { sseAlgorithm: "AES256" },
          bucketKeyEnabled: props.kmsKeyArn !== undefined,
        },
      ],
    });

    const publicAccess = new S3BucketPublicAccessBlock(this, "public-access", {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });

    new S3BucketOwnershipControls(this, "ownership", {
      bucket: bucket.id,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    });

    new S3BucketLifecycleConfiguration(this, "lifecycle", {
      bucket: bucket.id,
      rule: [
        {
          id: "expire-old-state-versions",
          status: "Enabled",
          filter: [{ prefix: "" }],
          noncurrentVersionExpiration: [{ noncurrentDays }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
      ],
    });

    const denyInsecureTransport: PolicyStatement = {
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: [bucket.arn, `${bucket.arn}/*`],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    };
    new S3BucketPolicy(this, "policy", {
      bucket: bucket.id,
      policy: policyDocument(denyInsecureTransport),
      // The public access block must exist first, or S3 may judge the policy against the old settings.
      dependsOn: [publicAccess],
    });

    if (props.lockTableName !== undefined) {
      if (!/^[A-Za-z0-9_.-]{3,255}$/.test(props.lockTableName)) {
        throw new Error(`StateBucket: "${props.lockTableName}" is not a valid DynamoDB table name`);
      }
      const table = new DynamodbTable(this, "lock-table", {
        name: props.lockTableName,
        billingMode: "PAY_PER_REQUEST",
        hashKey: "LockID",
        attribute: [{ name: "LockID", type: "S" }],
        pointInTimeRecovery: { enabled: true },
        serverSideEncryption: { enabled: true },
        deletionProtectionEnabled: true,
      });
      this.lockTableName = table.name;
      this.lockTableArn = table.arn;
    }
  }
}
