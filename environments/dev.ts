import { CANARY, exampleRules, SERVICES, TOPIC_FILTERS } from "./common";
import type { EnvironmentConfigInput } from "./schema";

/** The dev environment. Example values: replace the account id, bucket and e-mail with your own. */
const ACCOUNT_ID = "111111111111";
const REGION = "us-east-1";

export const config: EnvironmentConfigInput = {
  name: "dev",
  aws: { accountId: ACCOUNT_ID, region: REGION },
  genesys: { region: "us-east-1" },
  integration: {
    name: "Amazon EventBridge Source (dev)",
    eventSourceSuffix: "genesys-eventbridge-dev",
    topicFilters: TOPIC_FILTERS,
  },
  rules: exampleRules(ACCOUNT_ID, REGION),
  archive: { retentionDays: 7 },
  alarms: { emails: ["platform-oncall@example.com"] },
  services: SERVICES,
  canary: CANARY,
  stateBackend: { bucket: `genesys-eventbridge-tfstate-${ACCOUNT_ID}`, region: REGION },
  tags: { team: "contact-center-platform", "cost-center": "cc-1234" },
  protectFromDestroy: false,
};
