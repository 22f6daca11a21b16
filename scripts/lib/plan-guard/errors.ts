/** Raised for input that is not a readable Terraform JSON plan, or a bad argument. The message names the source and the problem. */
export class PlanInputError extends Error {
  constructor(
    readonly source: string,
    readonly problem: string,
  ) {
    super(`${source}: ${problem}`);
    this.name = "PlanInputError";
  }
}
