/**
 * Genesys region names (as the genesyscloud Terraform provider's `aws_region` accepts them) mapped to the
 * environment domain the JS SDK expects in `ApiClient.setEnvironment`.
 *
 * The domains come from the SDK's own `PureCloudRegionHosts` (key `eu_west_1` for region `eu-west-1`), so they
 * follow the installed SDK; `dca` and `tca` are Genesys-internal environments the SDK has no key for.
 */
import * as platformClient from "purecloud-platform-client-v2";
import { GENESYS_REGION_NAMES, GenesysRegion } from "../../../environments/regions";

/** The 20 region names accepted by the provider (v1.84.1 `getRegionMap()`), lower case: one list, in environments/. */
export const GENESYS_CLIENT_REGIONS: readonly GenesysRegion[] = GENESYS_REGION_NAMES;

/** A region name accepted by `regionEnvironment`. */
export type GenesysClientRegion = GenesysRegion;

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
