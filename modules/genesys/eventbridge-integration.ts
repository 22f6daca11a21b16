import { Construct } from "constructs";
import { Integration } from "../../.gen/providers/genesyscloud/integration";

export const EVENTBRIDGE_INTEGRATION_TYPE = "amazon-eventbridge-source";

export interface GenesysEventBridgeIntegrationProps {
  /** Name shown in Genesys Cloud Admin > Integrations. */
  readonly name: string;
  readonly eventSourceSuffix: string;
  readonly awsAccountId: string;
  readonly awsRegion: string;
  /** Topic templates Genesys sends (the integration's `eventFilter`). */
  readonly topicFilters: string[];
  readonly preventDestroy?: boolean;
}

/**
 * The Genesys Cloud "Amazon EventBridge Source" integration, enabled. Its config properties carry exactly the four
 * keys Genesys reads: `eventSourceSuffix`, `awsAccountId`, `awsAccountRegion` and `eventFilter`. Once enabled,
 * Genesys creates the partner event source `aws.partner/genesys.com/cloud/<orgId>/<suffix>` in that account.
 */
export class GenesysEventBridgeIntegration extends Construct {
  readonly integrationId: string;
  /** The resource itself, for ordering (the partner event source appears only after it). */
  readonly resource: Integration;

  static properties(props: Pick<GenesysEventBridgeIntegrationProps, "eventSourceSuffix" | "awsAccountId" | "awsRegion" | "topicFilters">): Record<string, unknown> {
    return {
      eventSourceSuffix: props.eventSourceSuffix,
      awsAccountId: props.awsAccountId,
      awsAccountRegion: props.awsRegion,
      eventFilter: [...props.topicFilters],
    };
  }

  constructor(scope: Construct, id: string, props: GenesysEventBridgeIntegrationProps) {
    super(scope, id);
    if (!/^\d{12}$/.test(props.awsAccountId)) {
      throw new Error(`GenesysEventBridgeIntegration: awsAccountId "${props.awsAccountId}" must be 12 digits`);
    }
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(props.eventSourceSuffix)) {
      throw new Error(`GenesysEventBridgeIntegration: eventSourceSuffix "${props.eventSourceSuffix}" must be 1-64 characters of letters, digits, '.', '-' and '_'`);
    }
    if (props.topicFilters.length === 0) {
      throw new Error("GenesysEventBridgeIntegration: topicFilters must name at least one topic");
    }
    this.resource = new Integration(this, "integration", {
      integrationType: EVENTBRIDGE_INTEGRATION_TYPE,
      intendedState: "ENABLED",
      config: {
        name: props.name,
        notes: "Managed by genesys-eventbridge-infra (cdktf). Changes made in the UI are reverted on the next apply.",
        properties: JSON.stringify(GenesysEventBridgeIntegration.properties(props)),
        advanced: JSON.stringify({}),
      },
      lifecycle: { preventDestroy: props.preventDestroy ?? false },
    });
    this.integrationId = this.resource.id;
  }
}
