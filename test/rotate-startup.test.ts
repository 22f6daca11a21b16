import "./support/isolated-home";
import { loadRecordingHeavy } from "./support/startup-probe";

/**
 * `rotate --help` and usage errors answer without loading the Genesys and AWS SDKs (issue #13: CLIs that start at
 * once); they are loaded once the command line is valid. Timing is measured by hand (`npm run bench`), not here.
 */

const HEAVY = ["@aws-sdk/client-secrets-manager", "purecloud-platform-client-v2"];

const freshRotate = () => loadRecordingHeavy("../../scripts/rotate", HEAVY);

afterEach(() => {
  for (const name of HEAVY) jest.dontMock(name);
});

const quiet = (out: string[]) => ({ stdout: (t: string) => out.push(t), stderr: (t: string) => out.push(t), env: {} });

it.each([
  ["--help", ["--help"], 0],
  ["a usage error", ["--env", "nope", "--all"], 2],
])("%s loads neither the AWS nor the Genesys SDK", async (_name, argv, exitCode) => {
  const { main, loaded } = freshRotate();
  const out: string[] = [];
  expect(await main(argv, quiet(out))).toBe(exitCode);
  expect(out.join("")).toMatch(exitCode === 0 ? /--env/ : /Invalid values/);
  expect(loaded).toEqual([]);
});

it("a valid command line loads them (so the test above can fail)", async () => {
  const { main, loaded } = freshRotate();
  const out: string[] = [];
  // Missing stack outputs: exit 2 after the SDKs were loaded, before any call.
  expect(await main(["--env", "dev", "--all", "--outputs", "/nonexistent/outputs.json"], quiet(out))).toBe(2);
  expect([...loaded].sort()).toEqual([...HEAVY].sort());
});
