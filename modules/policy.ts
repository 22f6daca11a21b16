/** Small helpers for IAM policy documents rendered as JSON strings (tokens inside are resolved by Terraform). */

export interface PolicyStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Principal?: { Service?: string | string[]; AWS?: string | string[]; Federated?: string } | "*";
  Action: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string | string[] | boolean>>;
}

export function policyDocument(...statements: PolicyStatement[]): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

/** Condition that limits a service principal to requests made on behalf of one EventBridge rule. */
export function fromRule(ruleArn: string): PolicyStatement["Condition"] {
  return { ArnEquals: { "aws:SourceArn": ruleArn } };
}

export const EVENTS_PRINCIPAL = "events.amazonaws.com";

/** A resource-policy statement letting EventBridge perform `action` on `resource`, only on behalf of one rule. */
export function allowEventBridgeRule(sid: string, action: string, resource: string, ruleArn: string): PolicyStatement {
  return { Sid: sid, Effect: "Allow", Principal: { Service: EVENTS_PRINCIPAL }, Action: action, Resource: resource, Condition: fromRule(ruleArn) };
}
