import { Construct } from "constructs";
import { ITerraformDependable, Op, TerraformSelf, Token } from "cdktf";
import { CloudwatchEventBus } from "@cdktf/provider-aws/lib/cloudwatch-event-bus";
import { DataAwsCloudwatchEventSource } from "@cdktf/provider-aws/lib/data-aws-cloudwatch-event-source";

export const PARTNER_SOURCE_PREFIX = "aws.partner/genesys.com/cloud";

/** The partner bus name of any Genesys organization (`*`), for a suffix or (unset) any suffix: for ARN patterns. */
export function partnerBusPattern(eventSourceSuffix?: string): string {
  return `${PARTNER_SOURCE_PREFIX}/*/${eventSourceSuffix ?? "*"}`;
}
const SUFFIX = /^[A-Za-z0-9._-]{1,64}$/;
const ORG_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface GenesysPartnerEventBusProps {
  /** Genesys organization id (a UUID, or a token such as `data.genesyscloud_organizations_me.id`). */
  readonly organizationId: string;
  /** The integration's event source suffix: 1-64 of letters, digits, '.', '-', '_'. */
  readonly eventSourceSuffix: string;
  /**
   * What creates the partner event source (the Genesys integration). Genesys creates the source asynchronously
   * once the integration is enabled; the bus is created only after the source is confirmed to exist.
   */
  readonly sourceCreatedBy?: ITerraformDependable[];
  /** Adds prevent_destroy to the bus. */
  readonly preventDestroy?: boolean;
}

/**
 * The event bus bound to the Genesys partner event source, by its full name
 * `aws.partner/genesys.com/cloud/<orgId>/<suffix>` — never by a name prefix, which breaks as soon as a second
 * Genesys integration exists in the account.
 *
 * Ordering: a `data.aws_cloudwatch_event_source` that depends on the integration is read only after the
 * integration exists (at apply time on the first run) and must find exactly this source (postcondition); the bus
 * depends on it. The bus name itself is the literal full name, so it is known at plan time and a change to the
 * integration never plans a replacement of the bus.
 */
export class GenesysPartnerEventBus extends Construct {
  readonly eventSourceName: string;
  /** Characters of the source (and bus) name once resolved: an organization id token becomes a 36-character UUID. */
  readonly eventSourceNameLength: number;
  readonly busName: string;
  readonly busArn: string;

  static partnerEventSourceName(organizationId: string, eventSourceSuffix: string): string {
    return `${PARTNER_SOURCE_PREFIX}/${organizationId}/${eventSourceSuffix}`;
  }

  constructor(scope: Construct, id: string, props: GenesysPartnerEventBusProps) {
    super(scope, id);
    if (!SUFFIX.test(props.eventSourceSuffix)) {
      throw new Error(
        `GenesysPartnerEventBus: eventSourceSuffix "${props.eventSourceSuffix}" must be 1-64 characters of letters, digits, '.', '-' and '_'`,
      );
    }
    if (!Token.isUnresolved(props.organizationId) && !ORG_ID.test(props.organizationId)) {
      throw new Error(`GenesysPartnerEventBus: organizationId "${props.organizationId}" must be a Genesys organization id (a UUID)`);
    }
    const name = GenesysPartnerEventBus.partnerEventSourceName(props.organizationId, props.eventSourceSuffix);

    const source = new DataAwsCloudwatchEventSource(this, "partner-source", {
      namePrefix: name,
      dependsOn: props.sourceCreatedBy,
      lifecycle: {
        postcondition: [
          {
            condition: Op.eq(TerraformSelf.getString("name"), name),
            errorMessage:
              `The Genesys partner event source ${name} was not found (Genesys creates it shortly after the ` +
              `integration is enabled). Check the integration's reported state in Genesys Cloud, then run apply again.`,
          },
        ],
      },
    });

    const bus = new CloudwatchEventBus(this, "bus", {
      name,
      eventSourceName: name,
      dependsOn: [source],
      lifecycle: { preventDestroy: props.preventDestroy ?? false },
    });
    this.eventSourceName = name;
    const orgIdLength = Token.isUnresolved(props.organizationId) ? 36 : props.organizationId.length;
    this.eventSourceNameLength = `${PARTNER_SOURCE_PREFIX}//${props.eventSourceSuffix}`.length + orgIdLength;
    this.busName = bus.name;
    this.busArn = bus.arn;
  }
}
