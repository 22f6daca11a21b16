import "./support/isolated-home";

/**
 * `smoke --help` and usage errors answer without loading the Genesys and AWS SDKs (about half a second of the
 * CLI's start, issue #13): they are loaded only once the command line is valid. Timing is measured by hand
 * (`npm run --silent build && /usr/bin/time -f "%e s" node dist/scripts/smoke.js --help`), not in a test.
 */

const HEAVY = ["@aws-sdk/client-cloudwatch-logs", "@aws-sdk/client-eventbridge", "@aws-sdk/client-secrets-manager", "@aws-sdk/client-sqs", "purecloud-platform-client-v2"];

type Main = (argv: readonly string[], deps?: Record<string, unknown>) => Promise<number>;

/** Loads scripts/smoke.ts in a fresh module registry, recording which of HEAVY get loaded. */
function freshSmoke(): { main: Main; loaded: string[] } {
  const loaded: string[] = [];
  let main: Main | undefined;
  jest.isolateModules(() => {
    for (const name of HEAVY) {
      jest.doMock(name, () => {
        loaded.push(name);
        return jest.requireActual(name);
      });
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    main = (require("../scripts/smoke") as { main: Main }).main;
  });
  return { main: main as Main, loaded };
}

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
