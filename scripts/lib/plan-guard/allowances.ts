/**
 * `--allow-destroy` patterns: which addresses may be deleted, replaced, forgotten or have a protected attribute
 * changed in this run. See docs/plan-guard.md for the rules and examples.
 */
import { Address, AddressPattern, AddressSyntaxError, addressMatches, namesNothing, parseAddress, parseAddressPattern } from "./address";
import { PlanInputError } from "./errors";

export interface Allowance {
  /** As the operator wrote it. */
  readonly text: string;
  readonly pattern: AddressPattern;
}

const EXAMPLE = "e.g. 'module.bus.aws_sqs_queue.dlq', 'aws_sqs_queue.dlq[\"orders\"]' or 'aws_cloudwatch_log_group.target_*'";

/**
 * Splits `--allow-destroy` values on commas and whitespace, dropping empties (a blank dispatch input allows
 * nothing). Separators inside a key (`aws_sqs_queue.q["a, b"]`) are part of the address, not separators.
 */
export function normalizeAllowances(values: readonly string[]): string[] {
  const out: string[] = [];
  for (const value of values) {
    let current = "";
    let inKey = false;
    let inQuote = false;
    for (let i = 0; i < value.length; i++) {
      const c = value[i];
      if (inQuote) {
        current += c;
        if (c === "\\" && i + 1 < value.length) current += value[++i];
        else if (c === '"') inQuote = false;
        continue;
      }
      if (c === '"' && inKey) inQuote = true;
      else if (c === "[") inKey = true;
      else if (c === "]") inKey = false;
      if (!inKey && (c === "," || /\s/.test(c))) {
        if (current !== "" && !out.includes(current)) out.push(current);
        current = "";
      } else {
        current += c;
      }
    }
    if (current !== "" && !out.includes(current)) out.push(current);
  }
  return out;
}

/**
 * Parses one pattern. A bare `*`, or any pattern that names no module, type or resource literally (`*.*`,
 * `module.*`), is refused: allowing everything is what the guard exists to prevent.
 */
export function parseAllowance(text: string): Allowance {
  const fail = (problem: string): never => {
    throw new PlanInputError("--allow-destroy", `${JSON.stringify(text)} ${problem}`);
  };
  if (/^\*+$/.test(text)) {
    fail(`would allow every address; name the resources to let go (${EXAMPLE})`);
  }
  let pattern: AddressPattern;
  try {
    pattern = parseAddressPattern(text);
  } catch (err) {
    if (!(err instanceof AddressSyntaxError)) throw err;
    return fail(`is not a resource or module address (${err.message}); write a Terraform address, ${EXAMPLE}`);
  }
  if (namesNothing(pattern)) {
    fail(`matches every address in its scope; name at least one module, resource type or resource (${EXAMPLE})`);
  }
  if (pattern.resource?.type.includes("*")) {
    // `*_*.*` or `aws_*.*` names something literally but still covers keys, secrets and the bus at once.
    fail(`has a wildcard in the resource type; write the type in full, a wildcard may stand only in names (${EXAMPLE})`);
  }
  return { text, pattern };
}

/** Normalizes and parses every `--allow-destroy` value; throws {@link PlanInputError} on the first bad one. */
export function parseAllowances(values: readonly string[]): Allowance[] {
  return normalizeAllowances(values).map(parseAllowance);
}

/** The first allowance that covers `address`, if any. */
export function findAllowance(allowances: readonly Allowance[], address: Address): Allowance | undefined {
  return allowances.find((a) => addressMatches(a.pattern, address));
}

/** Convenience for tests and one-off checks: does the pattern text cover the address text? */
export function matchesAllowance(addressText: string, patternText: string): boolean {
  return addressMatches(parseAllowance(patternText).pattern, parseAddress(addressText));
}
