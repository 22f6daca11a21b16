/**
 * Settings of the CI/CD setup shared by every environment. Replace with your repository: the bootstrap stacks'
 * OIDC roles trust only this repository's workflows (and, for apply roles, only its GitHub environments).
 */
export const GITHUB_REPOSITORY = "example-org/genesys-eventbridge-infra";
