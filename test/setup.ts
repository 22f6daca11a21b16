import { Testing } from "cdktf";
import { setTokenStackTraces } from "../stacks/app";
import { assertNoNetworkViolations } from "./support/network-guard";

Testing.setupJest();

// Token stack traces off, as every real synth has them (createApp, stacks/app.ts): cdktf captures a trace for
// every token it creates, and under jest each capture is mapped through the source maps of the stack's files
// (source-map-support), which cost about 15 s of CPU per `npm test` and changed no synthesized byte
// (test/app.test.ts proves the JSON is identical and sets the switch itself where it tests it).
setTokenStackTraces(false);

// A connection or name lookup beyond loopback during a test fails that test, naming the host (setup-env.ts).
afterEach(() => assertNoNetworkViolations());
afterAll(() => assertNoNetworkViolations());
