/**
 * Genesys region names (as the genesyscloud Terraform provider's `aws_region` accepts them) mapped to the
 * environment domain the JS SDK expects in `ApiClient.setEnvironment`.
 *
 * The domains come from the SDK's own `PureCloudRegionHosts` (key `eu_west_1` for region `eu-west-1`), so they
 * follow the installed SDK; `dca` and `tca` are Genesys-internal environments the SDK has no key for.
 */
import * as platformClient from "purecloud-platform-client-v2";

/** The 20 region names accepted by the provider (v1.84.1 `getRegionMap()`), lower case. */
export const GENESYS_CLIENT_REGIONS = [
  "dca",
  "tca",
  "us-east-1",
  "us-east-2",
  "us-west-2",
  "eu-west-1",
  "eu-west-2",
  "ap-southeast-2",
  "ap-northeast-1",
  "eu-central-1",
  "ca-central-1",
  "ap-northeast-2",
  "ap-south-1",
  "sa-east-1",
  "ap-northeast-3",
  "eu-central-2",
  "me-central-1",
  "mx-central-1",
  "ap-southeast-1",
  "eusc-de-east-1",
] as const;

/** A region name accepted by `regionEnvironment`. */
export type GenesysClientRegion = (typeof GENESYS_CLIENT_REGIONS)[number];

const INTERNAL_ENVIRONMENTS: Readonly<Record<string, string>> = { dca: "inindca.com", tca: "inintca.com" };

/**
 * The SDK environment domain for a region name (case-insensitive), e.g. `eu-west-1` → `mypurecloud.ie`.
 * Login then goes to `login.<domain>` and the API to `api.<domain>`.
 * @throws Error naming the region and listing the accepted names when the region is unknown.
 */
export function regionEnvironment(region: string): string {
  const name = region.trim().toLowerCase();
  if (!(GENESYS_CLIENT_REGIONS as readonly string[]).includes(name)) {
    throw new Error(
      `Unknown Genesys region "${region}". Use one of: ${GENESYS_CLIENT_REGIONS.join(", ")} ` +
        "(the names the genesyscloud Terraform provider accepts as aws_region).",
    );
  }
  const internal = INTERNAL_ENVIRONMENTS[name];
  if (internal) return internal;
  const domain = platformClient.PureCloudRegionHosts[name.replace(/-/g, "_")];
  if (!domain) {
    throw new Error(
      `Genesys region "${region}" has no entry in the installed purecloud-platform-client-v2 PureCloudRegionHosts; ` +
        "upgrade the SDK or check the region name.",
    );
  }
  return domain;
}
