import { BenchInputError, parseRuns } from "../scripts/bench-synth";

describe("npm run bench: BENCH_RUNS", () => {
  it("defaults to 7 and takes whole numbers >= 1", () => {
    expect(parseRuns(undefined)).toBe(7);
    expect(parseRuns("")).toBe(7);
    expect(parseRuns("1")).toBe(1);
    expect(parseRuns(" 12 ")).toBe(12);
  });

  it.each(["0", "abc", "1.5", "-3", "1e3", "7x"])("refuses %p as bad input, saying what it expects", (value) => {
    expect(() => parseRuns(value)).toThrow(BenchInputError);
    expect(() => parseRuns(value)).toThrow(`BENCH_RUNS must be a whole number of samples >= 1, got "${value}"`);
  });
});
