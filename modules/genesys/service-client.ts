import { Construct } from "constructs";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { AuthRole } from "../../.gen/providers/genesyscloud/auth-role";
import { OauthClient } from "../../.gen/providers/genesyscloud/oauth-client";

/** Name prefix of an environment's service secrets, `genesys/<env>/` (the bootstrap's apply role is scoped to it). */
export function secretPrefix(environment: string): string {
  return `genesys/${environment}/`;
}

/** The Genesys name of a service's OAuth client: `eventbridge-<env>-<service>-<a|b>`. */
export function serviceClientName(environment: string, serviceName: string, suffix: string): string {
  return `eventbridge-${environment}-${serviceName}-${suffix}`;
}

export interface PermissionPolicy {
  readonly domain: string;
  readonly entityName: string;
  readonly actionSet: string[];
}

export interface GenesysServiceClientProps {
  /** e.g. `rotation`; names the role, the clients and the secret. */
  readonly serviceName: string;
  /** e.g. `dev`. */
  readonly environment: string;
  readonly description?: string;
  readonly permissionPolicies: PermissionPolicy[];
  /** 2 (default): clients "a" and "b" share the role so rotation can swap them. 1: a single client. */
  readonly clients?: 1 | 2;
  readonly accessTokenValiditySeconds?: number;
  /**
   * Further role grants of the clients, each in one named division (e.g. the smoke canary's role in the canary
   * division). The service's own role stays in the home division.
   */
  readonly additionalRoles?: readonly { readonly roleId: string; readonly divisionId: string }[];
  /** The environment's KMS key for the secret. */
  readonly keyArn: string;
  readonly preventDestroy?: boolean;
}

export interface ServiceClientOutputs {
  readonly role_id: string;
  readonly client_ids: string[];
  readonly secret_arn: string;
  readonly secret_name: string;
}

/**
 * One service's Genesys identity: a least-privilege role, one or two client-credentials OAuth clients holding it,
 * and one KMS-encrypted Secrets Manager secret that will hold the active credential.
 *
 * The secret's value is never set by Terraform, and `expose_client_secret` stays false, so no client secret ever
 * reaches Terraform state or plan files: the rotation job writes credentials straight into the secret.
 */
export class GenesysServiceClient extends Construct {
  readonly roleId: string;
  readonly clientIds: string[];
  readonly secretArn: string;
  readonly secretName: string;

  constructor(scope: Construct, id: string, props: GenesysServiceClientProps) {
    super(scope, id);
    if (!/^[a-z][a-z0-9-]{0,30}[a-z0-9]$/.test(props.serviceName)) {
      throw new Error(`GenesysServiceClient: serviceName "${props.serviceName}" must be 2-32 characters of a-z, 0-9 and '-'`);
    }
    if (props.permissionPolicies.length === 0) {
      throw new Error(`GenesysServiceClient "${props.serviceName}": at least one permission policy is required`);
    }
    const wildcard = props.permissionPolicies.find((p) => p.domain === "*" || (p.entityName === "*" && p.actionSet.includes("*")));
    if (wildcard) {
      throw new Error(`GenesysServiceClient "${props.serviceName}": permission policy ${wildcard.domain}:${wildcard.entityName}:${wildcard.actionSet.join(",")} is not least privilege; name the entity and actions`);
    }
    const clients = props.clients ?? 2;
    const protect = { preventDestroy: props.preventDestroy ?? false };
    const baseName = `eventbridge-${props.environment}-${props.serviceName}`;

    const role = new AuthRole(this, "role", {
      name: baseName,
      description: props.description ?? `Least-privilege role of the ${props.serviceName} service (${props.environment})`,
      permissionPolicies: props.permissionPolicies.map((p) => ({ domain: p.domain, entityName: p.entityName, actionSet: [...p.actionSet] })),
    });
    this.roleId = role.id;

    const suffixes = clients === 2 ? ["a", "b"] : ["a"];
    this.clientIds = suffixes.map((suffix) => {
      const client = new OauthClient(this, `client-${suffix}`, {
        name: serviceClientName(props.environment, props.serviceName, suffix),
        description: props.description,
        authorizedGrantType: "CLIENT-CREDENTIALS",
        accessTokenValiditySeconds: props.accessTokenValiditySeconds ?? 86400,
        roles: [{ roleId: role.id }, ...(props.additionalRoles ?? []).map((r) => ({ roleId: r.roleId, divisionId: r.divisionId }))],
        state: "active",
        exposeClientSecret: false,
        lifecycle: protect,
      });
      return client.id;
    });

    const secret = new SecretsmanagerSecret(this, "secret", {
      name: `${secretPrefix(props.environment)}${props.serviceName}`,
      description: `Active Genesys OAuth credential of the ${props.serviceName} service; written only by the rotation job (read label AWSCURRENT)`,
      kmsKeyId: props.keyArn,
      recoveryWindowInDays: 30,
      lifecycle: protect,
    });
    this.secretArn = secret.arn;
    this.secretName = secret.name;
  }

  outputs(): ServiceClientOutputs {
    return { role_id: this.roleId, client_ids: this.clientIds, secret_arn: this.secretArn, secret_name: this.secretName };
  }
}
