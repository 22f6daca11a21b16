import "./support/isolated-home";
import { loadRecordingHeavy } from "./support/startup-probe";

/**
 * `smoke --help` and usage errors answer without loading the Genesys and AWS SDKs (about half a second of the
 * CLI's start, issue #13): they are loaded only once the command line is valid. Timing is measured by hand
 * (`npm run --silent build && /usr/bin/time -f "%e s" node dist/scripts/smoke.js --help`), not in a test.
 */

const HEAVY = ["@aws-sdk/client-cloudwatch-logs", "@aws-sdk/client-eventbridge", "@aws-sdk/client-secrets-manager", "@aws-sdk/client-sqs", "purecloud-platform-client-v2"];

const freshSmoke = () => loadRecordingHeavy("../../scripts/smoke", HEAVY);

afterEach(() => {
  for (const name of HEAVY) jest.dontMock(name);
});

it.each([
  ["--help", ["--help"], 0],
  ["a usage error", ["--env", "nope"], 2],
])("%s loads neither the AWS nor the Genesys SDK", async (_name, argv, exitCode) => {
  const { main, loaded } = freshSmoke();
  expect(loaded).toEqual([]);
  const out: string[] = [];
  expect(await main(argv, { stdout: (t: string) => out.push(t), stderr: (t: string) => out.push(t) })).toBe(exitCode);
  expect(out.join("")).toMatch(exitCode === 0 ? /--env <dev\|staging\|prod>/ : /Invalid values/);
  expect(loaded).toEqual([]);
});

it("a valid command line loads them (so the test above can fail)", async () => {
  const { main, loaded } = freshSmoke();
  const out: string[] = [];
  // Bad stack outputs: exit 2 after the checks were loaded, before any call.
  expect(await main(["--env", "dev", "--outputs", "/nonexistent/outputs.json"], { stdout: (t: string) => out.push(t), stderr: (t: string) => out.push(t) })).toBe(2);
  expect([...loaded].sort()).toEqual([...HEAVY].sort());
});
