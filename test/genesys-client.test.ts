// HOME must point at an empty directory before the SDK is loaded (its config-file trap): keep this import first.
import { ISOLATED_HOME } from "./support/isolated-home";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import {
  GenesysApiError,
  GenesysClient,
  GenesysClientEvent,
  GenesysClientOptions,
  Redactor,
  createGenesysClient,
  gatewayFromEnv,
  safeErrorMessage,
} from "../scripts/lib/genesys/client";
import { REDACTED } from "../scripts/lib/redact";
import { FakeGenesysServer } from "./support/fake-genesys-server";
import { GENESYS_REGIONS } from "../environments/regions";
import { regionEnvironment } from "../scripts/lib/genesys/regions";

const ROTATOR_ID = "3c9b1f4e-rotator";
const ROTATOR_SECRET = "rotator-secret-Zq8vW3kL0pX9yT2mN5bC7dF1gH4jK6sA";
const TARGET_ID = "7d2e8a1b-target";
const TARGET_SECRET = "target-secret-Pm4nB8vC2xZ6lK0jH3gF5dS9aQ1wE7rT";
const ORG_ID = "f00dfeed-0000-4000-8000-000000000001";

let server: FakeGenesysServer;

function seededServer(): FakeGenesysServer {
  return new FakeGenesysServer({
    organization: { id: ORG_ID, name: "Test Org" },
    oauthClients: [
      { id: ROTATOR_ID, name: "rotator", secret: ROTATOR_SECRET, roleDivisions: [{ roleId: "role-rotate", divisionId: "home" }] },
      { id: TARGET_ID, name: "eventbridge-smoke", description: "smoke target", secret: TARGET_SECRET },
    ],
    integrations: [
      {
        id: "integ-1",
        config: {
          current: {
            properties: { awsAccountId: "123456789012", awsAccountRegion: "eu-west-1", eventSourceSuffix: "dev", eventFilter: ["v2.users.{id}.presence"] },
          },
        },
      },
    ],
    roles: [
      {
        id: "role-rotate",
        name: "Secret rotator",
        permissionPolicies: [{ domain: "oauth", entityName: "client", actionSet: ["view", "edit"] }],
      },
    ],
  });
}

interface Harness {
  client: GenesysClient;
  sleeps: number[];
  logs: string[];
  events: GenesysClientEvent[];
  redactor: Redactor;
}

function harness(overrides: Partial<GenesysClientOptions> = {}): Harness {
  const sleeps: number[] = [];
  const logs: string[] = [];
  const events: GenesysClientEvent[] = [];
  const redactor = overrides.redactor ?? new Redactor();
  const client = new GenesysClient({
    region: "eu-west-1",
    clientId: ROTATOR_ID,
    clientSecret: ROTATOR_SECRET,
    gateway: server.gateway(),
    timeoutMs: 2000,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    redactor,
    log: (line) => logs.push(line),
    onEvent: (event) => events.push(event),
    ...overrides,
  });
  return { client, sleeps, logs, events, redactor };
}

async function failure(promise: Promise<unknown>): Promise<GenesysApiError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof GenesysApiError) return err;
    throw err; // not a GenesysApiError: let jest show it
  }
  throw new Error("expected the call to fail");
}

beforeEach(async () => {
  server = seededServer();
  await server.start();
});

afterEach(async () => {
  await server.stop();
});

describe("login and reads", () => {
  test("logs in with client credentials and reads tokens/me through the gateway", async () => {
    const { client } = harness();
    await client.login();
    const me = await client.getTokensMe();
    expect(me.organization?.id).toBe(ORG_ID);
    expect(me.OAuthClient?.id).toBe(ROTATOR_ID);
    expect(server.requests.map((r) => `${r.method} ${r.path} ${r.status} ${r.clientId}`)).toEqual([
      `POST /oauth/token 200 ${ROTATOR_ID}`,
      `GET /api/v2/tokens/me 200 ${ROTATOR_ID}`,
    ]);
    expect(client.requestCount).toBe(2);
  });

  test("logs in by itself before the first API call", async () => {
    const { client } = harness();
    const org = await client.getOrganizationsMe();
    expect(org).toMatchObject({ id: ORG_ID, name: "Test Org" });
    expect(server.countRequests({ path: "/oauth/token" })).toBe(1);
  });

  test("reads an OAuth client (without secret), an integration, its config and a role", async () => {
    const { client } = harness();
    const oauthClient = await client.getOAuthClient(TARGET_ID);
    expect(oauthClient).toMatchObject({ id: TARGET_ID, name: "eventbridge-smoke", state: "active", authorizedGrantType: "CLIENT-CREDENTIALS" });
    expect(oauthClient.secret).toBeUndefined();
    const integration = await client.getIntegration("integ-1");
    expect(integration).toMatchObject({ intendedState: "ENABLED", integrationType: { id: "amazon-eventbridge-source" }, reportedState: { code: "ACTIVE" } });
    const config = await client.getIntegrationConfigCurrent("integ-1");
    expect(config.properties).toMatchObject({ awsAccountId: "123456789012", eventSourceSuffix: "dev" });
    const role = await client.getAuthorizationRole("role-rotate");
    expect(role.permissionPolicies).toEqual([{ domain: "oauth", entityName: "client", actionSet: ["view", "edit"] }]);
    expect(server.findRequests({ path: "/api/v2/authorization/roles/:id" })[0].query).toEqual({ userCount: "false" });
  });

  test("updates an OAuth client description and restores it (smoke canary); writes are listed", async () => {
    const { client } = harness();
    const before = await client.getOAuthClient(TARGET_ID);
    const body = { name: before.name, authorizedGrantType: before.authorizedGrantType, roleDivisions: before.roleDivisions, state: before.state };
    const changed = await client.updateOAuthClient(TARGET_ID, { ...body, description: "canary 42" });
    expect(changed.description).toBe("canary 42");
    await client.updateOAuthClient(TARGET_ID, { ...body, description: before.description });
    expect((await client.getOAuthClient(TARGET_ID)).description).toBe("smoke target");
    expect(server.writeRequests().map((r) => `${r.method} ${r.path}`)).toEqual([
      `PUT /api/v2/oauth/clients/${TARGET_ID}`,
      `PUT /api/v2/oauth/clients/${TARGET_ID}`,
    ]);
  });

  test("createGenesysClient builds a client from an environment config", async () => {
    const client = createGenesysClient(
      { genesys: { region: "eu-west-1" } },
      { clientId: ROTATOR_ID, clientSecret: ROTATOR_SECRET },
      { gateway: server.gateway() },
    );
    expect(client.region).toBe("eu-west-1");
    expect((await client.getTokensMe()).OAuthClient?.id).toBe(ROTATOR_ID);
  });
});

describe("regions and gateway", () => {
  test("maps provider region names to SDK hosts and rejects unknown ones", () => {
    const base = (region: string): string =>
      new GenesysClient({ region, clientId: "x", clientSecret: "y-secret", gateway: null }).baseUrl;
    expect(base("eu-west-1")).toBe("https://api.mypurecloud.ie");
    expect(base("us-east-1")).toBe("https://api.mypurecloud.com");
    expect(base("EUSC-DE-EAST-1")).toBe("https://api.edee1.eusc-pure.cloud");
    expect(base("dca")).toBe("https://api.inindca.com");
    expect(() => base("eu-west-9")).toThrow(/Unknown Genesys region "eu-west-9".*eu-west-1/);
  });

  test("honours GENESYSCLOUD_GATEWAY_* from process.env by default", async () => {
    const saved = { ...process.env };
    Object.assign(process.env, server.gatewayEnv());
    try {
      const client = new GenesysClient({ region: "us-east-1", clientId: ROTATOR_ID, clientSecret: ROTATOR_SECRET });
      expect(client.baseUrl).toBe(server.baseUrl);
      expect((await client.getTokensMe()).organization?.id).toBe(ORG_ID);
      expect(server.countRequests({ clientId: ROTATOR_ID })).toBe(2);
    } finally {
      for (const key of Object.keys(server.gatewayEnv())) {
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
    }
  });

  test("validates gateway variables", () => {
    expect(gatewayFromEnv({})).toBeUndefined();
    expect(gatewayFromEnv({ GENESYSCLOUD_GATEWAY_HOST: "gw.example", GENESYSCLOUD_GATEWAY_PORT: "8443" })).toEqual({
      host: "gw.example",
      port: 8443,
      protocol: "https",
    });
    expect(() => gatewayFromEnv({ GENESYSCLOUD_GATEWAY_HOST: "h", GENESYSCLOUD_GATEWAY_PORT: "eighty" })).toThrow(/PORT/);
    expect(() => gatewayFromEnv({ GENESYSCLOUD_GATEWAY_HOST: "h", GENESYSCLOUD_GATEWAY_PROTOCOL: "ftp" })).toThrow(/PROTOCOL/);
  });

  test("a ~/.genesyscloudjavascript/config with another gateway and logging does not redirect or log", async () => {
    const home = mkdtempSync(join(tmpdir(), "genesys-home-cfg-"));
    mkdirSync(join(home, ".genesyscloudjavascript"));
    writeFileSync(
      join(home, ".genesyscloudjavascript", "config"),
      "[general]\nhost = mypurecloud.jp\nlive_reload_config = true\n[gateway]\nhost = 127.0.0.2\nport = 9\nprotocol = http\n" +
        "[logging]\nlog_level = trace\nlog_to_console = true\nlog_request_body = true\nlog_response_body = true\n",
    );
    const consoleLog = jest.spyOn(console, "log").mockImplementation(() => undefined);
    const stdout = jest.spyOn(process.stdout, "write");
    process.env.HOME = home;
    try {
      const { client } = harness();
      expect(client.baseUrl).toBe(server.baseUrl);
      await client.getTokensMe();
      const direct = new GenesysClient({ region: "eu-west-1", clientId: "x", clientSecret: "y-secret", gateway: null });
      expect(direct.baseUrl).toBe("https://api.mypurecloud.ie");
      const written = stdout.mock.calls.map((c) => String(c[0])).join("");
      expect(written).not.toContain("/oauth/token");
      expect(consoleLog).not.toHaveBeenCalled();
    } finally {
      process.env.HOME = ISOLATED_HOME;
      consoleLog.mockRestore();
      stdout.mockRestore();
    }
  });
});

describe("retry policy", () => {
  test("429 waits exactly what Retry-After says, then succeeds", async () => {
    const { client, sleeps, events } = harness();
    await client.login();
    server.inject({ method: "GET", path: "/api/v2/tokens/me", status: 429, retryAfterSeconds: 7 });
    const me = await client.getTokensMe();
    expect(me.OAuthClient?.id).toBe(ROTATOR_ID);
    expect(sleeps).toEqual([7000]);
    expect(server.findRequests({ path: "/api/v2/tokens/me" }).map((r) => r.status)).toEqual([429, 200]);
    expect(events.filter((e) => e.type === "retry")).toEqual([
      expect.objectContaining({ operation: "getTokensMe", attempt: 1, delayMs: 7000, reason: "HTTP 429 too.many.requests.retry.after" }),
    ]);
  });

  test("429 without Retry-After uses the backoff", async () => {
    const { client, sleeps } = harness();
    server.inject({ method: "GET", path: "/api/v2/organizations/me", status: 429, body: { message: "slow down", code: "too.many.requests", status: 429 } });
    await client.getOrganizationsMe();
    expect(sleeps).toEqual([3000]);
  });

  test("5xx twice then success waits 3 s then 9 s", async () => {
    const { client, sleeps } = harness();
    server.inject({ method: "GET", path: "/api/v2/integrations/:id", status: 503, times: 1 });
    server.inject({ method: "GET", path: "/api/v2/integrations/:id", status: 502, times: 1 });
    const integration = await client.getIntegration("integ-1");
    expect(integration.id).toBe("integ-1");
    expect(sleeps).toEqual([3000, 9000]);
  });

  test("backoff continues 27 s then 5-minute steps and gives up at maxAttempts", async () => {
    const { client, sleeps } = harness({ retry: { maxAttempts: 6, maxElapsedMs: 60 * 60 * 1000 } });
    await client.login();
    server.inject({ method: "GET", path: "/api/v2/tokens/me", status: 500, times: 10 });
    const err = await failure(client.getTokensMe());
    expect(sleeps).toEqual([3000, 9000, 27000, 300000, 300000]);
    expect(err).toMatchObject({ kind: "http", status: 500, retriable: true, attempts: 6, operation: "getTokensMe" });
    expect(err.message).toMatch(/Gave up after 6 attempt/);
    expect(server.countRequests({ path: "/api/v2/tokens/me" })).toBe(6);
  });

  test("login follows the same 429/5xx policy", async () => {
    const { client, sleeps } = harness();
    server.inject({ path: "/oauth/token", status: 503 });
    server.inject({ path: "/oauth/token", status: 429, retryAfterSeconds: 2 });
    await client.login();
    expect(sleeps).toEqual([3000, 2000]);
    expect(server.findRequests({ path: "/oauth/token" }).map((r) => r.status)).toEqual([503, 429, 200]);
  });

  test("a response slower than the timeout is retried", async () => {
    const { client, sleeps } = harness({ timeoutMs: 150 });
    await client.login();
    server.inject({ method: "GET", path: "/api/v2/tokens/me", delayMs: 1000 });
    const me = await client.getTokensMe();
    expect(me.organization?.id).toBe(ORG_ID);
    expect(sleeps).toEqual([3000]);
  });

  test("a call that keeps timing out ends within its attempt bound", async () => {
    const { client, sleeps } = harness({ timeoutMs: 150, retry: { maxAttempts: 3 } });
    await client.login();
    server.inject({ method: "GET", path: "/api/v2/tokens/me", delayMs: 5000, times: 10 });
    const started = Date.now();
    const err = await failure(client.getTokensMe());
    const elapsed = Date.now() - started;
    expect(err).toMatchObject({ kind: "timeout", retriable: true, attempts: 3 });
    expect(err.status).toBeUndefined();
    expect(err.message).toMatch(/No answer within 150 ms/);
    expect(sleeps).toEqual([3000, 9000]);
    expect(elapsed).toBeLessThan(3 * 150 + 1000);
  });

  test("the total-time bound stops retries and caps the last request's timeout", async () => {
    let slept = 0;
    const now = (): number => Date.now() + slept;
    const sleep = async (ms: number): Promise<void> => {
      slept += ms;
    };
    const { client } = harness({ timeoutMs: 300, now, sleep, retry: { maxAttempts: 10, maxElapsedMs: 700, backoffMs: [200] } });
    await client.login();
    server.inject({ method: "GET", path: "/api/v2/tokens/me", delayMs: 5000, times: 10 });
    const started = Date.now();
    const err = await failure(client.getTokensMe());
    // Attempt 1 times out at 300 ms, waits 200 ms (virtual), attempt 2 gets only the 200 ms left of the budget;
    // no room is left for another wait.
    expect(err).toMatchObject({ kind: "timeout", attempts: 2 });
    expect(slept).toBe(200);
    expect(Date.now() - started + slept).toBeLessThan(700 + 250);
  });

  test("a dropped connection is retried like a network error", async () => {
    const { client, sleeps } = harness();
    await client.login();
    server.inject({ method: "GET", path: "/api/v2/tokens/me", drop: true });
    await client.getTokensMe();
    expect(sleeps).toEqual([3000]);
    expect(server.findRequests({ path: "/api/v2/tokens/me" }).map((r) => r.status)).toEqual([0, 200]);
  });

  test("401 on an API call triggers exactly one re-login, then succeeds", async () => {
    const { client, sleeps, events } = harness();
    await client.login();
    server.inject({ method: "GET", path: "/api/v2/oauth/clients/:id", status: 401 });
    const c = await client.getOAuthClient(TARGET_ID);
    expect(c.id).toBe(TARGET_ID);
    expect(server.countRequests({ path: "/oauth/token" })).toBe(2);
    expect(sleeps).toEqual([]);
    expect(events.filter((e) => e.type === "reauthenticate")).toHaveLength(1);
  });

  test("expired (revoked) tokens are replaced by one re-login", async () => {
    const { client } = harness();
    await client.getTokensMe();
    server.revokeAllTokens();
    await client.getTokensMe();
    expect(server.findRequests().map((r) => `${r.path} ${r.status}`)).toEqual([
      "/oauth/token 200",
      "/api/v2/tokens/me 200",
      "/api/v2/tokens/me 401",
      "/oauth/token 200",
      "/api/v2/tokens/me 200",
    ]);
  });

  test("a second 401 fails", async () => {
    const { client } = harness();
    await client.login();
    server.inject({ method: "GET", path: "/api/v2/tokens/me", status: 401, times: 2 });
    const err = await failure(client.getTokensMe());
    expect(err).toMatchObject({ kind: "http", status: 401, code: "bad.credentials", retriable: false });
    expect(err.message).toMatch(/refused again right after a fresh login/);
    expect(server.countRequests({ path: "/oauth/token" })).toBe(2);
    expect(server.countRequests({ path: "/api/v2/tokens/me" })).toBe(2);
  });

  test("404 fails at once with the API message", async () => {
    const { client, sleeps } = harness();
    const err = await failure(client.getOAuthClient("nope"));
    expect(err).toMatchObject({
      kind: "http",
      status: 404,
      code: "not.found",
      apiMessage: "Unable to find an OAuth client with id nope",
      method: "GET",
      path: "/api/v2/oauth/clients/nope",
      retriable: false,
      attempts: 1,
    });
    expect(err.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(err.message).toContain("getOAuthClient (GET http://127.0.0.1");
    expect(err.message).toContain("Unable to find an OAuth client with id nope");
    expect(err.message).toContain("region eu-west-1");
    expect(sleeps).toEqual([]);
    expect(server.countRequests({ path: "/api/v2/oauth/clients/:id" })).toBe(1);
  });

  test("400 fails at once with the API message", async () => {
    const { client, sleeps } = harness();
    const err = await failure(client.updateOAuthClient(TARGET_ID, { name: "", authorizedGrantType: undefined as unknown as string }));
    expect(err).toMatchObject({ status: 400, code: "bad.request", apiMessage: "name and authorizedGrantType are required" });
    expect(sleeps).toEqual([]);
    expect(server.countRequests({ method: "PUT" })).toBe(1);
  });

  test("403 names the permission needed", async () => {
    const { client } = harness();
    server.inject({ method: "POST", path: "/api/v2/oauth/clients/:id/secret", status: 403, body: { message: "Missing permission", code: "missing.permissions", status: 403 } });
    const err = await failure(client.regenerateOAuthClientSecret(TARGET_ID));
    expect(err.message).toContain("needs oauth:client:edit");
    expect(server.state.oauthClients.get(TARGET_ID)?.secret).toBe(TARGET_SECRET);
  });
});

describe("credentials", () => {
  test("a wrong secret fails at once as bad credentials", async () => {
    const { client, sleeps } = harness({ clientSecret: "wrong-secret-value-123456" });
    const err = await failure(client.login());
    expect(err).toMatchObject({ kind: "bad-credentials", status: 401, code: "invalid_client", apiMessage: "authentication failed", retriable: false });
    expect(err.message).toMatch(/refused the client id or secret in region eu-west-1/);
    expect(err.message).toContain(ROTATOR_ID);
    expect(sleeps).toEqual([]);
    expect(client.requestCount).toBe(1);
  });

  test("an unknown client id fails at once as bad credentials (400)", async () => {
    const { client } = harness({ clientId: "no-such-client" });
    const err = await failure(client.getTokensMe());
    expect(err).toMatchObject({ kind: "bad-credentials", status: 400, apiMessage: "client not found" });
    expect(server.countRequests()).toBe(1);
  });

  test("regenerating a secret: old secret rejected, new one works, both clients in one process", async () => {
    const { client: rotator, redactor } = harness();
    const rotated = await rotator.regenerateOAuthClientSecret(TARGET_ID);
    const newSecret = rotated.secret ?? "";
    expect(newSecret).toHaveLength(43);
    expect(newSecret).not.toBe(TARGET_SECRET);
    expect(redactor.redact(`x ${newSecret} y`)).toBe(`x ${REDACTED} y`);
    expect(server.secretOf(TARGET_ID)).toBe(newSecret);

    const old = harness({ clientId: TARGET_ID, clientSecret: TARGET_SECRET, redactor });
    expect((await failure(old.client.login())).kind).toBe("bad-credentials");

    const fresh = harness({ clientId: TARGET_ID, clientSecret: newSecret, redactor });
    expect((await fresh.client.getTokensMe()).OAuthClient?.id).toBe(TARGET_ID);
    // The rotator's own session is unaffected.
    expect((await rotator.getOAuthClient(TARGET_ID)).secret).toBeUndefined();
    expect(server.writeRequests().map((r) => `${r.method} ${r.path} ${r.clientId}`)).toEqual([
      `POST /api/v2/oauth/clients/${TARGET_ID}/secret ${ROTATOR_ID}`,
    ]);
  });
});

describe("undocumented answers fail the call and say what came back", () => {
  const TOKEN = "leaky-access-token-9f8e7d6c5b4a3210";
  const loginAnswer = (body: unknown, contentType = "application/json") =>
    server.addRoute({ method: "POST", pattern: "/oauth/token", auth: "none", handle: () => ({ status: 200, body, headers: { "Content-Type": contentType } }) });

  test("a login answered with an HTML page fails at once, naming status, content type and first bytes", async () => {
    loginAnswer("<html><body>Proxy login</body></html>", "text/html; charset=utf-8");
    const { client, sleeps } = harness();
    const err = await failure(client.login());
    expect(err).toMatchObject({ kind: "undocumented", status: 200, retriable: false, operation: "login" });
    expect(err.message).toContain("the content type is not JSON");
    expect(err.message).toContain("content type text/html; charset=utf-8");
    expect(err.message).toContain("<html><body>Proxy login");
    expect(sleeps).toEqual([]);
    expect(client.requestCount).toBe(1);
  });

  test.each([
    [{ token_type: "bearer", expires_in: 86400 }, "no non-empty string access_token"],
    [{ access_token: "", token_type: "bearer", expires_in: 86400 }, "no non-empty string access_token"],
    [{ access_token: TOKEN, token_type: "mac", expires_in: 86400 }, 'token_type is not "bearer"'],
    [{ access_token: TOKEN, expires_in: 86400 }, 'token_type is not "bearer"'],
    [{ access_token: TOKEN, token_type: "bearer", expires_in: "86400" }, "expires_in is not a positive number"],
    [[{ access_token: TOKEN }], "the body is not a JSON object"],
  ])("login answer %j is refused (%s), without printing the token", async (body, problem) => {
    loginAnswer(body);
    const { client, logs } = harness();
    const err = await failure(client.login());
    expect(err.kind).toBe("undocumented");
    expect(err.message).toContain(problem);
    expect(err.message).toMatch(/HTTP 200, content type application\/json, \d+ characters, starting /);
    expect(err.message + JSON.stringify(err) + logs.join("\n")).not.toContain(TOKEN);
    // The API is never called with a token that did not come from a documented answer.
    expect(server.countRequests({ path: "/api/v2/tokens/me" })).toBe(0);
  });

  test("the documented login answer (token_type in any case) is accepted", async () => {
    loginAnswer({ access_token: TOKEN, token_type: "Bearer", expires_in: 60 });
    const { client } = harness();
    await expect(client.login()).resolves.toBeUndefined();
  });

  test("an API answer of another shape fails the call (HTTP 200 without the entity id)", async () => {
    server.inject({ method: "GET", path: "/api/v2/oauth/clients/:id", status: 200, body: { entities: [] } });
    const { client } = harness();
    const err = await failure(client.getOAuthClient(TARGET_ID));
    expect(err).toMatchObject({ kind: "undocumented", status: 200, operation: "getOAuthClient", retriable: false });
    expect(err.message).toContain("it has no string id");
    expect(err.message).toContain('starting "{\\"entities\\":[]}"');
  });

  test("a reset answer without the secret fails, saying the secret may have been reset; a secret in a wrong answer is masked", async () => {
    const leaked = "secret-in-a-wrong-answer-0123456789";
    server.inject({ method: "POST", path: "/api/v2/oauth/clients/:id/secret", status: 200, body: { id: "someone-else", secret: leaked } });
    server.inject({ method: "POST", path: "/api/v2/oauth/clients/:id/secret", status: 200, body: { id: TARGET_ID } });
    const { client } = harness();
    const wrongId = await failure(client.regenerateOAuthClientSecret(TARGET_ID));
    expect(wrongId.message).toContain(`its id is "someone-else", not "${TARGET_ID}"`);
    expect(wrongId.message + JSON.stringify(wrongId)).not.toContain(leaked);
    const noSecret = await failure(client.regenerateOAuthClientSecret(TARGET_ID));
    expect(noSecret.message).toContain("it has no secret");
    expect(noSecret.message).toContain("The secret may have been reset: its new value is unknown.");
  });
});

describe("the secret reset is never retried blindly; failures are classified", () => {
  test.each([
    ["503", { status: 503 }],
    ["a dropped connection", { drop: true }],
  ])("a reset answered with %s is not retried: outcome unknown, Genesys unavailable", async (_name, fault) => {
    server.inject({ method: "POST", path: "/api/v2/oauth/clients/:id/secret", ...fault });
    const { client, sleeps } = harness();
    const err = await failure(client.regenerateOAuthClientSecret(TARGET_ID));
    expect(err).toMatchObject({ outcomeUnknown: true, failureClass: "unavailable", operation: "regenerateOAuthClientSecret" });
    expect(err.message).toContain("is not idempotent, so it was not retried");
    expect(server.countRequests({ method: "POST", path: "/api/v2/oauth/clients/:id/secret" })).toBe(1);
    expect(sleeps).toEqual([]);
  });

  test("a reset that times out is not retried, and Genesys may still apply it after the client gave up", async () => {
    server.inject({ method: "POST", path: "/api/v2/oauth/clients/:id/secret", delayMs: 300 });
    const { client } = harness({ timeoutMs: 100 });
    const err = await failure(client.regenerateOAuthClientSecret(TARGET_ID));
    expect(err).toMatchObject({ kind: "timeout", outcomeUnknown: true, failureClass: "unavailable" });
    expect(server.secretOf(TARGET_ID)).toBe(TARGET_SECRET);
    await new Promise((r) => setTimeout(r, 350));
    expect(server.secretOf(TARGET_ID)).not.toBe(TARGET_SECRET); // applied late: why a blind retry would be fatal
    expect(server.countRequests({ method: "POST", path: "/api/v2/oauth/clients/:id/secret" })).toBe(1);
  });

  test("a reset answered 429 was not processed and is retried after Retry-After", async () => {
    server.inject({ method: "POST", path: "/api/v2/oauth/clients/:id/secret", status: 429, retryAfterSeconds: 2 });
    const { client, sleeps } = harness();
    expect((await client.regenerateOAuthClientSecret(TARGET_ID)).secret).toBe(server.secretOf(TARGET_ID));
    expect(sleeps).toEqual([2000]);
  });

  test("reads are still retried on 5xx", async () => {
    server.inject({ method: "GET", path: "/api/v2/oauth/clients/:id", status: 502 });
    const { client } = harness();
    expect((await client.getOAuthClient(TARGET_ID)).id).toBe(TARGET_ID);
  });

  test("credential rejected (401, 400 invalid_client) is told apart from Genesys unavailable and other refusals", async () => {
    expect((await failure(harness({ clientSecret: "wrong-secret-value-123456" }).client.login())).failureClass).toBe("credential-rejected");
    expect((await failure(harness({ clientId: "no-such-client" }).client.login())).failureClass).toBe("credential-rejected");
    server.inject({ method: "POST", path: "/oauth/token", status: 400, body: { error: "unsupported_grant_type", error_description: "grant type not supported" } });
    const other = await failure(harness().client.login());
    expect(other).toMatchObject({ kind: "http", status: 400, failureClass: "refused" });
    server.inject({ method: "POST", path: "/oauth/token", status: 503, times: 6 });
    expect((await failure(harness().client.login())).failureClass).toBe("unavailable");
    server.inject({ method: "GET", path: "/api/v2/oauth/clients/:id", status: 404 });
    expect((await failure(harness().client.getOAuthClient(TARGET_ID))).failureClass).toBe("refused");
  });
});

describe("request counting", () => {
  test("counts logins, calls and retries per client instance", async () => {
    const a = harness();
    const b = harness({ clientId: TARGET_ID, clientSecret: TARGET_SECRET });
    server.inject({ method: "GET", path: "/api/v2/tokens/me", status: 500 });
    await a.client.getTokensMe(); // login + 500 + 200
    await b.client.getTokensMe(); // login + 200
    await b.client.getOrganizationsMe(); // 200
    expect(a.client.requestCount).toBe(3);
    expect(b.client.requestCount).toBe(3);
    expect(server.countRequests({ clientId: ROTATOR_ID })).toBe(3);
    expect(a.events.filter((e) => e.type === "request")).toHaveLength(3);
  });
});

describe("redaction", () => {
  test("no secret or token appears in errors, logs or events on any error path", async () => {
    const redactor = new Redactor();
    const logs: string[] = [];
    const events: GenesysClientEvent[] = [];
    const errors: GenesysApiError[] = [];
    const make = (o: Partial<GenesysClientOptions> = {}): GenesysClient =>
      harness({ redactor, log: (l) => logs.push(l), onEvent: (e) => events.push(e), timeoutMs: 150, retry: { maxAttempts: 2 }, ...o }).client;

    errors.push(await failure(make({ clientSecret: "wrong-secret-value-123456" }).login()));
    errors.push(await failure(make({ clientId: "ghost", clientSecret: "ghost-secret-value-98765" }).login()));
    const client = make();
    errors.push(await failure(client.getOAuthClient("missing")));
    server.inject({ method: "GET", path: "/api/v2/tokens/me", status: 401, times: 2 });
    errors.push(await failure(client.getTokensMe()));
    server.inject({ method: "GET", path: "/api/v2/tokens/me", status: 503, times: 2 });
    errors.push(await failure(client.getTokensMe()));
    server.inject({ method: "GET", path: "/api/v2/tokens/me", delayMs: 2000, times: 2 });
    errors.push(await failure(client.getTokensMe()));
    server.inject({ method: "GET", path: "/api/v2/tokens/me", drop: true, times: 2 });
    errors.push(await failure(client.getTokensMe()));
    // An API error whose message echoes a token and a secret.
    const token = [...server.state.tokens.keys()][0];
    server.inject({ method: "GET", path: "/api/v2/tokens/me", status: 400, body: { message: `bad token ${token} for ${ROTATOR_SECRET}`, code: "bad.request", status: 400 } });
    errors.push(await failure(client.getTokensMe()));
    const rotated = await client.regenerateOAuthClientSecret(TARGET_ID);
    server.inject({ method: "GET", path: "/api/v2/oauth/clients/:id", status: 409, body: { message: `conflict, secret was ${rotated.secret}`, code: "conflict" } });
    errors.push(await failure(client.getOAuthClient(TARGET_ID)));

    expect(errors.map((e) => e.kind)).toEqual(["bad-credentials", "bad-credentials", "http", "http", "http", "timeout", "network", "http", "http"]);
    const tokens = [...server.state.tokens.keys()];
    expect(tokens.length).toBeGreaterThan(0);
    const forbidden = [
      ROTATOR_SECRET,
      TARGET_SECRET,
      "wrong-secret-value-123456",
      "ghost-secret-value-98765",
      rotated.secret ?? "",
      ...tokens,
      token,
      Buffer.from(`${ROTATOR_ID}:${ROTATOR_SECRET}`).toString("base64"),
      Buffer.from(`${ROTATOR_ID}:wrong-secret-value-123456`).toString("base64"),
      "Bearer ",
      "Basic ",
    ];
    const texts = [
      ...errors.flatMap((e) => [e.message, String(e), JSON.stringify(e), inspect(e, { depth: 10 }), e.stack ?? "", safeErrorMessage(e, new Redactor())]),
      ...logs,
      JSON.stringify(events),
    ];
    for (const text of texts) for (const bad of forbidden) expect(text).not.toContain(bad);
    expect(errors[7].message).toContain(`bad token ${REDACTED} for ${REDACTED}`);
    expect(errors.every((e) => !("cause" in e))).toBe(true);
    expect(logs.length).toBeGreaterThan(0);
  });

  test("Redactor masks registered values and credential-shaped text", () => {
    const r = new Redactor(["s3cr3t-value"]);
    r.addCredential("client-1", "other-secret-xyz");
    const basic = Buffer.from("client-1:other-secret-xyz").toString("base64");
    expect(r.redact("a s3cr3t-value b other-secret-xyz c " + basic)).toBe(`a ${REDACTED} b ${REDACTED} c ${REDACTED}`);
    expect(r.redact("Authorization: Bearer abc.def-ghi")).not.toContain("abc.def-ghi");
    expect(r.redact("Basic dXNlcjpwYXNz")).toBe(`Basic ${REDACTED}`);
    expect(r.redact('{"access_token":"tok123","token_type":"bearer","expires_in":86400}')).toBe(
      `{"access_token":"${REDACTED}","token_type":"bearer","expires_in":86400}`,
    );
    expect(r.redact(`{ "secret": "abc", "name": "n" }`)).toBe(`{ "secret": "${REDACTED}", "name": "n" }`);
    expect(r.redact("clientSecret: 'zzz', id: 1")).toBe(`clientSecret: '${REDACTED}', id: 1`);
    expect(r.redact("grant_type=client_credentials&client_secret=qqq")).toBe(`grant_type=client_credentials&client_secret=${REDACTED}`);
    expect(r.add("abc")).toBe(false);
    expect(r.redactValue({ secret: "plain", nested: [{ accessToken: "t" }], note: "has s3cr3t-value" })).toEqual({
      secret: REDACTED,
      nested: [{ accessToken: REDACTED }],
      note: `has ${REDACTED}`,
    });
  });

  test("safeErrorMessage never reads an SDK error's config or response", () => {
    const r = new Redactor();
    const axiosLike = Object.assign(new Error("Request failed with status code 401"), {
      isAxiosError: true,
      config: { headers: { Authorization: "Basic c2VjcmV0OnNlY3JldA==" } },
      response: { status: 401, data: { access_token: "leaky" } },
    });
    const message = safeErrorMessage(axiosLike, r);
    expect(message).toBe("Error: Request failed with status code 401");
    expect(safeErrorMessage({ error: { config: { headers: { Authorization: "Bearer x" } } } }, r)).not.toContain("Bearer");
  });
});

describe("region map", () => {
  it("sends every provider region to the same API host as the Terraform provider does", () => {
    for (const [region, host] of Object.entries(GENESYS_REGIONS)) {
      expect(`${region} → api.${regionEnvironment(region)}`).toBe(`${region} → ${host}`);
    }
    expect(() => regionEnvironment("mars-1")).toThrow(/Unknown Genesys region "mars-1"/);
  });
});
