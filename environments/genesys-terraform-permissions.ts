/**
 * The Genesys Cloud permissions the OAuth client Terraform runs as (GENESYSCLOUD_OAUTHCLIENT_ID) needs, per
 * resource and data source type this project's stacks declare. The one place they are listed: `npm run preflight`
 * checks the client against the types a stack actually declares, and test/preflight.test.ts fails when a stack
 * declares a `genesyscloud_*` type that is missing here.
 *
 * Sources: the provider's documentation, "Permissions and Scopes" of each page (terraform-provider-genesyscloud
 * v1.84, docs/resources/<type>.md, docs/data-sources/<type>.md), summarized with links in
 * /work/shared/research/genesys-provider.md §2:
 *   https://registry.terraform.io/providers/MyPureCloud/genesyscloud/latest/docs/resources/integration
 *   https://registry.terraform.io/providers/MyPureCloud/genesyscloud/latest/docs/resources/oauth_client
 *   https://registry.terraform.io/providers/MyPureCloud/genesyscloud/latest/docs/resources/auth_role
 *   https://registry.terraform.io/providers/MyPureCloud/genesyscloud/latest/docs/data-sources/organizations_me
 * The OAuth client page also requires `integrations:integration:*` (it can create an integration credential)
 * and `authorization:grant:*` (it grants roles), and says: "The roles must also already be assigned to the OAuth
 * Client used by Terraform" — the service roles this stack creates (see README "First deploy").
 */
export interface PermissionRequirement {
  /** `resource genesyscloud_x` or `data genesyscloud_x`. */
  readonly declaredAs: string;
  /** Genesys permissions, `domain:entity:action`. */
  readonly permissions: readonly string[];
  readonly source: string;
}

const DOCS = "https://registry.terraform.io/providers/MyPureCloud/genesyscloud/latest/docs";
const crud = (domain: string, entity: string) => ["add", "delete", "edit", "view"].map((action) => `${domain}:${entity}:${action}`);

export const GENESYS_TERRAFORM_PERMISSIONS: readonly PermissionRequirement[] = [
  { declaredAs: "resource genesyscloud_integration", permissions: crud("integrations", "integration"), source: `${DOCS}/resources/integration` },
  {
    declaredAs: "resource genesyscloud_oauth_client",
    permissions: ["authorization:grant:add", "authorization:grant:view", ...crud("integrations", "integration"), ...crud("oauth", "client")],
    source: `${DOCS}/resources/oauth_client`,
  },
  { declaredAs: "resource genesyscloud_auth_role", permissions: crud("authorization", "role"), source: `${DOCS}/resources/auth_role` },
  // Its docs page lists no permissions; the Platform API's: POST /api/v2/authorization/divisions needs
  // authorization:division:add and authorization:grant:add (AuthorizationApi postAuthorizationDivisions), PUT, DELETE
  // and GET of /api/v2/authorization/divisions/{id} the division's edit, delete and view.
  {
    declaredAs: "resource genesyscloud_auth_division",
    permissions: [...crud("authorization", "division"), "authorization:grant:add"],
    source: `${DOCS}/resources/auth_division`,
  },
  { declaredAs: "resource genesyscloud_routing_wrapupcode", permissions: crud("routing", "wrapupCode"), source: `${DOCS}/resources/routing_wrapupcode` },
  // Only OAuth scopes (organization, organization:readonly), no permission.
  { declaredAs: "data genesyscloud_organizations_me", permissions: [], source: `${DOCS}/data-sources/organizations_me` },
];

/** The requirements of the given declared types; throws on a `genesyscloud_*` type that is not listed above. */
export function requiredPermissions(declared: Iterable<string>): Map<string, string[]> {
  const needed = new Map<string, string[]>();
  for (const type of [...new Set(declared)].filter((t) => / genesyscloud_/.test(t)).sort()) {
    const requirement = GENESYS_TERRAFORM_PERMISSIONS.find((r) => r.declaredAs === type);
    if (!requirement) {
      throw new Error(`${type} is declared by the stack but its Genesys permissions are not listed in environments/genesys-terraform-permissions.ts: add them from the provider's docs page`);
    }
    for (const permission of requirement.permissions) needed.set(permission, [...(needed.get(permission) ?? []), type]);
  }
  return needed;
}
