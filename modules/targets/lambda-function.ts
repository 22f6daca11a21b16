import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { EVENTS_PRINCIPAL } from "../policy";
import { RuleTargetConfig, RuleTargetContext, TargetBase, TargetBaseProps } from "./target";

export interface LambdaFunctionTargetProps extends TargetBaseProps {
  /** An existing function (not managed here). */
  readonly functionArn: string;
}

/** Invokes an existing Lambda function; a `aws_lambda_permission` lets only this rule invoke it. */
export class LambdaFunctionTarget extends TargetBase {
  readonly type = "lambda";

  constructor(private readonly props: LambdaFunctionTargetProps) {
    super(props);
    if (!/^arn:aws(-us-gov|-cn)?:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?$/.test(props.functionArn)) {
      throw new Error(`LambdaFunctionTarget "${props.name}": functionArn "${props.functionArn}" must be a Lambda function ARN`);
    }
  }

  bind(ctx: RuleTargetContext): RuleTargetConfig {
    new LambdaPermission(ctx.scope, "invoke-permission", {
      statementId: `eventbridge-${ctx.resourceName}`.slice(0, 100),
      action: "lambda:InvokeFunction",
      functionName: this.props.functionArn,
      principal: EVENTS_PRINCIPAL,
      sourceArn: ctx.ruleArn,
    });
    return { arn: this.props.functionArn, attributes: { function_arn: this.props.functionArn } };
  }
}
