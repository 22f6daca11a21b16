/**
 * Region names accepted by configuration.
 *
 * GENESYS_REGIONS are the keys of the genesyscloud provider's region map at v1.84.1 (its `aws_region` argument),
 * each with the API host it selects (see shared research: genesys-provider.md, "Accepted aws_region values").
 */
export const GENESYS_REGIONS = {
  dca: "api.inindca.com",
  tca: "api.inintca.com",
  "us-east-1": "api.mypurecloud.com",
  "us-east-2": "api.use2.us-gov-pure.cloud",
  "us-west-2": "api.usw2.pure.cloud",
  "eu-west-1": "api.mypurecloud.ie",
  "eu-west-2": "api.euw2.pure.cloud",
  "ap-southeast-2": "api.mypurecloud.com.au",
  "ap-northeast-1": "api.mypurecloud.jp",
  "eu-central-1": "api.mypurecloud.de",
  "ca-central-1": "api.cac1.pure.cloud",
  "ap-northeast-2": "api.apne2.pure.cloud",
  "ap-south-1": "api.aps1.pure.cloud",
  "sa-east-1": "api.sae1.pure.cloud",
  "ap-northeast-3": "api.apne3.pure.cloud",
  "eu-central-2": "api.euc2.pure.cloud",
  "me-central-1": "api.mec1.pure.cloud",
  "mx-central-1": "api.mxc1.pure.cloud",
  "ap-southeast-1": "api.apse1.pure.cloud",
  "eusc-de-east-1": "api.edee1.eusc-pure.cloud",
} as const;

export type GenesysRegion = keyof typeof GENESYS_REGIONS;
export const GENESYS_REGION_NAMES = Object.keys(GENESYS_REGIONS) as GenesysRegion[];

/** AWS regions where EventBridge partner event sources can be delivered (commercial and GovCloud partitions). */
export const AWS_REGIONS = [
  "us-east-1",
  "us-east-2",
  "us-west-1",
  "us-west-2",
  "af-south-1",
  "ap-east-1",
  "ap-east-2",
  "ap-south-1",
  "ap-south-2",
  "ap-southeast-1",
  "ap-southeast-2",
  "ap-southeast-3",
  "ap-southeast-4",
  "ap-southeast-5",
  "ap-southeast-7",
  "ap-northeast-1",
  "ap-northeast-2",
  "ap-northeast-3",
  "ca-central-1",
  "ca-west-1",
  "eu-central-1",
  "eu-central-2",
  "eu-west-1",
  "eu-west-2",
  "eu-west-3",
  "eu-south-1",
  "eu-south-2",
  "eu-north-1",
  "il-central-1",
  "me-south-1",
  "me-central-1",
  "mx-central-1",
  "sa-east-1",
  "us-gov-east-1",
  "us-gov-west-1",
] as const;

export type AwsRegion = (typeof AWS_REGIONS)[number];

/** AWS partitions this project can deploy to; the first field of every ARN. */
export type AwsPartition = "aws" | "aws-us-gov" | "aws-cn";

/**
 * The partition of an AWS region: GovCloud regions (`us-gov-*`) are `aws-us-gov`, China regions (`cn-*`) are
 * `aws-cn`, every other region is `aws`. See "Amazon Resource Names (ARNs)", IAM User Guide
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html): "partition … aws - AWS Regions,
 * aws-cn - China Regions, aws-us-gov - AWS GovCloud (US) Regions". Build every ARN from this, never `arn:aws:`.
 */
export function partitionOf(region: string): AwsPartition {
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  if (region.startsWith("cn-")) return "aws-cn";
  return "aws";
}

/** The DNS suffix of service endpoints and service principals' hosts in a partition (`amazonaws.com`, …). */
export function dnsSuffixOf(partition: AwsPartition): string {
  return partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
}
