import { Construct } from "constructs";
import { LocalBackend, TerraformOutput, TerraformStack } from "cdktf";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { AwsPartition, partitionOf } from "../environments/regions";
import { GITHUB_OIDC_AUDIENCE, GITHUB_OIDC_HOST, GithubOidcRole } from "../modules/github-oidc-role";
import { EnvironmentNames, permissionsBoundaryName } from "../modules/iam/environment-names";
import { boundaryStatements } from "../modules/iam/boundary-statements";
import { manageStatements, readStatements, rotationStatements, stateStatements } from "../modules/iam/environment-policies";
import { PermissionsBoundary } from "../modules/iam/permissions-boundary";
import { partnerBusPattern } from "../modules/event-bus";
import { secretPrefix } from "../modules/genesys/service-client";
import { StateBucket } from "../modules/state-bucket";
import { LOG_GROUP_PATH } from "../modules/targets/log-group";
import { environmentLogDeliveryProps, EnvironmentLogDeliveryPolicy } from "../modules/targets/log-delivery-policy";
import { defaultStateKey, PROJECT, PROVIDER_PINS, resourcePrefix } from "./environment-stack";
import { useReadableLogicalIds } from "./logical-ids";

const BOOTSTRAP_PROJECT = PROJECT;

export interface BootstrapEnvironment {
  /** Environment name, as in environments/<name>.ts and the GitHub environment. */
  readonly name: string;
  /** State object key. @default `defaultStateKey(name)`, the environment stacks' default */
  readonly stateKey?: string;
  /** @default `genesys-eventbridge-<name>-plan` */
  readonly planRoleName?: string;
  /** @default `genesys-eventbridge-<name>-apply` */
  readonly applyRoleName?: string;
  /** @default `genesys-eventbridge-<name>-rotation` */
  readonly rotationRoleName?: string;
  /**
   * Name prefix of the AWS resources the environment stack creates: queues, topics, streams, rules, the archive,
   * alarms and log groups under `/aws/events/genesys/`. The apply role may only manage resources under it, so
   * environments that share an account cannot touch each other's. @default `genesys-<name>-`
   */
  readonly resourcePrefix?: string;
  /**
   * The environment's `integration.eventSourceSuffix`: the apply role may only manage the partner bus of that
   * suffix and the rules on it. @default any Genesys partner bus of the account and region
   */
  readonly eventSourceSuffix?: string;
  /**
   * Name prefix of the IAM roles the environment stack creates (EventBridge delivery roles), which the
   * apply role may manage and pass to EventBridge. @default resourcePrefix
   */
  readonly iamRolePrefix?: string;
  /** Name prefix of the environment's Secrets Manager secrets. @default `genesys/<name>/` */
  readonly secretPrefix?: string;
  /** Region of the environment's resources (the apply role is scoped to it). @default the stack's region */
  readonly region?: string;
  /**
   * Existing resources outside the environment's names that its rules deliver to (from its targets): the apply
   * role may add and remove EventBridge's permission on these functions only, and delivery roles may put records
   * on these streams only. Re-apply the bootstrap stack after adding such a target. @default none
   */
  readonly lambdaFunctionArns?: readonly string[];
  readonly firehoseStreamArns?: readonly string[];
  readonly kinesisStreamArns?: readonly string[];
}

export interface BootstrapStackProps {
  readonly accountId: string;
  /** Region of the state bucket, and default region of the environments. */
  readonly region: string;
  /** Name of the state bucket (the environments' `stateBackend.bucket`). */
  readonly stateBucket: string;
  /** GitHub repository allowed to assume the roles, `owner/name`. */
  readonly repository: string;
  /**
   * The repository part of the OIDC `sub` claim, when it differs from `repository` (repositories that
   * opted in to ids: `owner@<org id>/name@<repo id>`). @default repository
   */
  readonly oidcSubjectRepository?: string;
  readonly environments: readonly BootstrapEnvironment[];
  /** Create the account's GitHub OIDC provider; false when it already exists (one per account). @default true */
  readonly createOidcProvider?: boolean;
  /** KMS key ARN for state encryption. @default SSE-S3 */
  readonly stateKmsKeyArn?: string;
  /** Also create a DynamoDB lock table (only for `dynamodb_table` locking; the env stacks use `use_lockfile`). */
  readonly lockTableName?: string;
  /** @default {} */
  readonly tags?: Readonly<Record<string, string>>;
}

/** Per environment, the names of its three pipeline roles. */
function roleNames(env: BootstrapEnvironment): { plan: string; apply: string; rotation: string } {
  return {
    plan: env.planRoleName ?? `${BOOTSTRAP_PROJECT}-${env.name}-plan`,
    apply: env.applyRoleName ?? `${BOOTSTRAP_PROJECT}-${env.name}-apply`,
    rotation: env.rotationRoleName ?? `${BOOTSTRAP_PROJECT}-${env.name}-rotation`,
  };
}

/**
 * What Terraform needs before the environment stacks can run, for one AWS account: the state bucket
 * (and optionally a lock table), the GitHub OIDC provider, and per environment its CloudWatch Logs resource policy
 * (EventBridge → the environment's log groups), a permissions boundary and three roles that only that environment's GitHub jobs can assume: plan (read-only, GitHub environment `<env>-plan`),
 * apply and rotation (GitHub environment `<env>`). docs/iam.md describes what each may do and why. State is local
 * (this stack creates the bucket the others use); keep `terraform.<stack>.tfstate` safe, or migrate it afterwards.
 */
export class BootstrapStack extends TerraformStack {
  readonly stateBucketName: string;
  readonly oidcProviderArn: string;
  readonly partition: AwsPartition;
  readonly planRoleArns: Readonly<Record<string, string>>;
  readonly applyRoleArns: Readonly<Record<string, string>>;
  readonly rotationRoleArns: Readonly<Record<string, string>>;
  /** The boundary policy ARN of each environment (what its roles carry and what the environment stack's roles must carry). */
  readonly boundaryArns: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: BootstrapStackProps) {
    super(scope, id);
    useReadableLogicalIds(this); // addresses from configured names, no hash (stacks/logical-ids.ts)
    validate(props);
    const { accountId, region } = props;
    const partition = partitionOf(region);
    this.partition = partition;
    const subjectRepository = props.oidcSubjectRepository ?? props.repository;

    new LocalBackend(this, { path: `terraform.${id}.tfstate` });
    const providerTags = [{ tags: { ...props.tags, project: BOOTSTRAP_PROJECT, component: "bootstrap", "managed-by": "cdktf" } }];
    new AwsProvider(this, "aws", { region, allowedAccountIds: [accountId], defaultTags: providerTags });
    // Region-bound objects of environments in another region (their Logs resource policy) use an aliased provider.
    const regionalProviders = new Map<string, AwsProvider>();
    const providerIn = (envRegion: string): AwsProvider | undefined => {
      if (envRegion === region) return undefined;
      const existing = regionalProviders.get(envRegion);
      if (existing) return existing;
      const provider = new AwsProvider(this, `aws-${envRegion}`, { alias: envRegion, region: envRegion, allowedAccountIds: [accountId], defaultTags: providerTags });
      regionalProviders.set(envRegion, provider);
      return provider;
    };
    // Same AWS provider constraint as the environment stacks.
    this.addOverride("terraform.required_providers.aws", PROVIDER_PINS.aws);
    this.addOverride("terraform.required_version", ">= 1.10.0"); // = TERRAFORM_REQUIRED_VERSION (environment-stack.ts): use_lockfile needs 1.10

    const state = new StateBucket(this, "state", {
      bucketName: props.stateBucket,
      kmsKeyArn: props.stateKmsKeyArn,
      lockTableName: props.lockTableName,
    });
    this.stateBucketName = state.bucketName;

    const providerArn = `arn:${partition}:iam::${accountId}:oidc-provider/${GITHUB_OIDC_HOST}`;
    if (props.createOidcProvider ?? true) {
      const provider = new IamOpenidConnectProvider(this, "github-oidc", {
        url: `https://${GITHUB_OIDC_HOST}`,
        clientIdList: [GITHUB_OIDC_AUDIENCE],
      });
      this.oidcProviderArn = provider.arn;
    } else {
      this.oidcProviderArn = providerArn;
    }

    const bucketArn = `arn:${partition}:s3:::${props.stateBucket}`;
    // Literal ARNs (not Terraform references), so the policies can be evaluated as synthesized.
    const lockTableArn = props.lockTableName !== undefined ? `arn:${partition}:dynamodb:${region}:${accountId}:table/${props.lockTableName}` : undefined;
    // Every pipeline role of this stack: each environment's boundary forbids IAM changes to all of them.
    const pipelineRoleArns = props.environments.flatMap((env) => Object.values(roleNames(env)).map((name) => `arn:${partition}:iam::${accountId}:role/${name}`));
    const planRoleArns: Record<string, string> = {};
    const applyRoleArns: Record<string, string> = {};
    const rotationRoleArns: Record<string, string> = {};
    const boundaryArns: Record<string, string> = {};

    for (const env of props.environments) {
      const key = env.stateKey ?? defaultStateKey(env.name);
      const prefix = env.resourcePrefix ?? `${resourcePrefix(env.name)}-`;
      const envRegion = env.region ?? region;
      const names = new EnvironmentNames({
        project: BOOTSTRAP_PROJECT,
        environment: env.name,
        accountId,
        region: envRegion,
        resourcePrefix: prefix,
        iamRolePrefix: env.iamRolePrefix ?? prefix,
        partnerBus: partnerBusPattern(env.eventSourceSuffix),
        secretPrefix: env.secretPrefix ?? secretPrefix(env.name),
        keyAlias: `${BOOTSTRAP_PROJECT}-${env.name}`,
        logGroupPath: LOG_GROUP_PATH,
        lambdaFunctionArns: env.lambdaFunctionArns ?? [],
        firehoseStreamArns: env.firehoseStreamArns ?? [],
        kinesisStreamArns: env.kinesisStreamArns ?? [],
        state: { bucketArn, key, kmsKeyArn: props.stateKmsKeyArn, lockTableArn },
      });
      const roles = roleNames(env);

      // EventBridge's access to the environment's log groups: created here, by the admin who applies this stack, so
      // that no pipeline role needs the account-wide Logs resource-policy actions (docs/iam.md). Same name as the
      // policy the environment stacks had, which they now forget (stacks/removed-resources.ts).
      new EnvironmentLogDeliveryPolicy(this, `log-delivery-${env.name}`, {
        ...environmentLogDeliveryProps({ resourcePrefix: prefix, partition, accountId, region: envRegion, eventSourceSuffix: env.eventSourceSuffix }),
        provider: providerIn(envRegion),
      });

      const boundary = new PermissionsBoundary(this, `boundary-${env.name}`, {
        policyName: permissionsBoundaryName(BOOTSTRAP_PROJECT, env.name),
        expectedArn: names.boundaryArn,
        description: `Most that ${env.name}'s pipeline roles, and the roles they create, may do: ${env.name}'s own resources`,
        statements: boundaryStatements(names, pipelineRoleArns),
      });

      const plan = new GithubOidcRole(this, `plan-${env.name}`, {
        roleName: roles.plan,
        description: `Read-only Terraform plan of ${env.name}; only jobs in GitHub environment ${env.name}-plan of ${props.repository}`,
        providerArn: this.oidcProviderArn,
        subjects: [`repo:${subjectRepository}:environment:${env.name}-plan`],
        permissionsBoundaryArn: boundary.arn,
        policies: {
          "read-only": [...readStatements(names), { Sid: "NoSecretValues", Effect: "Deny", Action: "secretsmanager:GetSecretValue", Resource: "*" }],
          state: stateStatements(names, "plan"),
        },
      });

      const apply = new GithubOidcRole(this, `apply-${env.name}`, {
        roleName: roles.apply,
        description: `Terraform apply and smoke tests of ${env.name}; only jobs in GitHub environment ${env.name} of ${props.repository}`,
        providerArn: this.oidcProviderArn,
        subjects: [`repo:${subjectRepository}:environment:${env.name}`],
        permissionsBoundaryArn: boundary.arn,
        policies: {
          read: readStatements(names),
          manage: manageStatements(names),
          state: stateStatements(names, "apply"),
        },
      });

      const rotation = new GithubOidcRole(this, `rotation-${env.name}`, {
        roleName: roles.rotation,
        description: `OAuth secret rotation of ${env.name} (secrets genesys/${env.name}/* only); only jobs in GitHub environment ${env.name} of ${props.repository}`,
        providerArn: this.oidcProviderArn,
        subjects: [`repo:${subjectRepository}:environment:${env.name}`],
        permissionsBoundaryArn: boundary.arn,
        policies: {
          // No state access: rotate-secrets.yml reads the stack outputs in a separate job with the plan role and
          // hands them over as an artifact, so this role reaches the environment's secrets and nothing else.
          rotate: rotationStatements(names),
        },
      });

      planRoleArns[env.name] = plan.roleArn;
      applyRoleArns[env.name] = apply.roleArn;
      rotationRoleArns[env.name] = rotation.roleArn;
      boundaryArns[env.name] = names.boundaryArn;
      new TerraformOutput(this, `${env.name}-roles`, {
        description:
          `GitHub variables for ${env.name}: AWS_PLAN_ROLE_ARN (environment ${env.name}-plan), AWS_APPLY_ROLE_ARN and ` +
          `AWS_ROTATION_ROLE_ARN (environment ${env.name}); permissions_boundary_arn is what every role of the environment stack must carry`,
        value: {
          AWS_PLAN_ROLE_ARN: plan.roleArn,
          AWS_APPLY_ROLE_ARN: apply.roleArn,
          AWS_ROTATION_ROLE_ARN: rotation.roleArn,
          AWS_REGION: envRegion,
          state_key: key,
          permissions_boundary_arn: boundary.arn,
        },
      });
    }
    this.planRoleArns = planRoleArns;
    this.applyRoleArns = applyRoleArns;
    this.rotationRoleArns = rotationRoleArns;
    this.boundaryArns = boundaryArns;

    new TerraformOutput(this, "state-bucket", { value: state.bucketName, description: "Terraform state bucket" });
    new TerraformOutput(this, "oidc-provider-arn", { value: this.oidcProviderArn, description: "GitHub Actions OIDC provider" });
  }
}

function validate(props: BootstrapStackProps): void {
  const fail = (message: string): never => {
    throw new Error(`BootstrapStack: ${message}`);
  };
  if (!/^\d{12}$/.test(props.accountId)) fail(`accountId must be a 12-digit AWS account id, got "${props.accountId}"`);
  if (!/^[a-z]{2}(-gov)?-[a-z]+-\d$/.test(props.region)) fail(`region "${props.region}" is not an AWS region name`);
  if (!/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/.test(props.repository)) fail(`repository must be "owner/name", got "${props.repository}"`);
  if (props.oidcSubjectRepository !== undefined && !/^[A-Za-z0-9-]+(@\d+)?\/[A-Za-z0-9._-]+(@\d+)?$/.test(props.oidcSubjectRepository)) {
    fail(`oidcSubjectRepository must look like "owner/name" or "owner@<id>/name@<id>", got "${props.oidcSubjectRepository}"`);
  }
  if (props.environments.length === 0) fail("at least one environment is required");
  const partition = partitionOf(props.region);
  const pipelineRoles = props.environments.flatMap((env) => Object.values(roleNames(env)));
  // One environment's name patterns (`<prefix>*`) must not cover another's resources in the same account.
  const prefixes = props.environments.map((env) => ({ name: env.name, resources: env.resourcePrefix ?? `${resourcePrefix(env.name)}-`, roles: env.iamRolePrefix ?? env.resourcePrefix ?? `${resourcePrefix(env.name)}-` }));
  for (const a of prefixes) {
    for (const b of prefixes) {
      if (a.name !== b.name && (b.resources.startsWith(a.resources) || b.roles.startsWith(a.roles))) {
        fail(`environment "${a.name}": its name prefix covers environment "${b.name}"'s (${a.resources} / ${b.resources}, roles ${a.roles} / ${b.roles}): give them prefixes where neither starts with the other`);
      }
    }
  }
  const seen = new Set<string>();
  const keys = new Set<string>();
  for (const env of props.environments) {
    if (!/^[a-z][a-z0-9-]{0,30}$/.test(env.name)) fail(`environment name "${env.name}" must be lowercase letters, digits and '-'`);
    if (seen.has(env.name)) fail(`environment "${env.name}" is listed twice`);
    if (env.region !== undefined && !/^[a-z]{2}(-gov)?-[a-z]+-\d$/.test(env.region)) fail(`environment "${env.name}": region "${env.region}" is not an AWS region name`);
    seen.add(env.name);
    const key = env.stateKey ?? defaultStateKey(env.name);
    if (key.includes("*") || key.startsWith("/")) fail(`environment "${env.name}": stateKey "${key}" must be a plain object key`);
    if (keys.has(key)) fail(`environment "${env.name}": stateKey "${key}" is used by another environment`);
    keys.add(key);
    if (env.resourcePrefix !== undefined && env.resourcePrefix.length < 3) fail(`environment "${env.name}": resourcePrefix "${env.resourcePrefix}" is too broad`);
    if (env.eventSourceSuffix !== undefined && !/^[A-Za-z0-9._-]{1,64}$/.test(env.eventSourceSuffix)) {
      fail(`environment "${env.name}": eventSourceSuffix "${env.eventSourceSuffix}" must be 1-64 of [A-Za-z0-9._-]`);
    }
    if (env.iamRolePrefix !== undefined && env.iamRolePrefix.length < 3) fail(`environment "${env.name}": iamRolePrefix "${env.iamRolePrefix}" is too broad`);
    if (env.secretPrefix !== undefined && env.secretPrefix.length < 3) fail(`environment "${env.name}": secretPrefix "${env.secretPrefix}" is too broad`);
    if (env.region !== undefined && partitionOf(env.region) !== partition) {
      fail(`environment "${env.name}": region ${env.region} is in partition ${partitionOf(env.region)}, the state bucket's region ${props.region} in ${partition}: use one bootstrap stack per partition`);
    }
    // The apply role may manage roles under iamRolePrefix: no pipeline role may fall under it, or it could edit itself.
    const iamPrefix = env.iamRolePrefix ?? env.resourcePrefix ?? `${resourcePrefix(env.name)}-`;
    const reachable = pipelineRoles.filter((role) => role.startsWith(iamPrefix));
    if (reachable.length > 0) fail(`environment "${env.name}": its role prefix "${iamPrefix}" covers pipeline role(s) ${reachable.join(", ")}: rename them or choose another iamRolePrefix`);
    const targets: Array<[string, readonly string[] | undefined, string]> = [
      ["lambdaFunctionArns", env.lambdaFunctionArns, "lambda"],
      ["firehoseStreamArns", env.firehoseStreamArns, "firehose"],
      ["kinesisStreamArns", env.kinesisStreamArns, "kinesis"],
    ];
    for (const [field, arns, service] of targets) {
      for (const arn of arns ?? []) {
        if (!arn.startsWith(`arn:${partition}:${service}:`) || arn.includes("*")) fail(`environment "${env.name}": ${field} entry "${arn}" must be a ${service} ARN in partition ${partition}, without wildcards`);
      }
    }
  }
}
