import { Testing } from "cdktf";
import { assertNoNetworkViolations } from "./support/network-guard";

Testing.setupJest();

// A connection or name lookup beyond loopback during a test fails that test, naming the host (setup-env.ts).
afterEach(() => assertNoNetworkViolations());
afterAll(() => assertNoNetworkViolations());
