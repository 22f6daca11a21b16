import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { App, Lazy, Tokenization } from "cdktf";
import { DISABLE_STACK_TRACE_IN_METADATA } from "cdktf/lib/annotations";
import { loadAllEnvironments } from "../environments";
import { createApp, setTokenStackTraces, SYNTH_DEBUG_ENV } from "../stacks/app";
import { buildEnvironmentStacks } from "../stacks/environment-stack";

/** The creation stack cdktf records on a token made now (a Lazy, like every resource attribute reference). */
function tokenCreationStack(): string[] {
  const token = Tokenization.reverseString(Lazy.stringValue({ produce: () => "x" })).firstToken;
  if (!token) throw new Error("Lazy.stringValue did not encode a token");
  return token.creationStack;
}

const dirs: string[] = [];
function tmp(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "app-test-"));
  dirs.push(dir);
  return dir;
}

function synthEnvironments(app: App): Record<string, string> {
  buildEnvironmentStacks(app, loadAllEnvironments());
  app.synth();
  const stacksDir = path.join(app.outdir, "stacks");
  return Object.fromEntries(
    fs.readdirSync(stacksDir).map((name) => [name, fs.readFileSync(path.join(stacksDir, name, "cdk.tf.json"), "utf8")]),
  );
}

afterAll(() => {
  setTokenStackTraces(true);
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe("createApp", () => {
  it("turns construct and token stack traces off by default", () => {
    setTokenStackTraces(true); // cdktf's default (test/setup.ts turns them off for every other test)
    const app = createApp({ outdir: tmp() }, {});
    expect(app.node.tryGetContext(DISABLE_STACK_TRACE_IN_METADATA)).toBe(true);
    expect(tokenCreationStack()).toEqual([]);
  });

  it(`turns both back on with ${SYNTH_DEBUG_ENV}=1`, () => {
    setTokenStackTraces(false);
    const app = createApp({ outdir: tmp() }, { [SYNTH_DEBUG_ENV]: "1" });
    expect(app.node.tryGetContext(DISABLE_STACK_TRACE_IN_METADATA)).toBeUndefined();
    const trace = tokenCreationStack();
    expect(trace.length).toBeGreaterThan(0);
    expect(trace.join("\n")).toContain("tokenCreationStack");
  });

  it("synthesizes the same Terraform JSON with token stack traces on and off", () => {
    const withoutTraces = synthEnvironments(createApp({ outdir: tmp() }, {}));
    setTokenStackTraces(true);
    const withTraces = synthEnvironments(new App({ outdir: tmp(), stackTraces: false }));
    expect(Object.keys(withoutTraces).sort()).toEqual(["dev", "prod", "staging"]);
    expect(withoutTraces).toEqual(withTraces);
  });
});
