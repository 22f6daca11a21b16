import * as dns from "node:dns";
import * as http from "node:http";
import * as https from "node:https";
import * as net from "node:net";
import type { AddressInfo } from "node:net";
import { assertNoNetworkViolations, isLoopback, takeNetworkViolations } from "./support/network-guard";

function outcome(socket: net.Socket): Promise<"connected" | Error> {
  return new Promise((resolve) => {
    socket.once("connect", () => resolve("connected"));
    socket.once("error", (err) => resolve(err));
  });
}

describe("network guard (test/setup-env.ts): tests stay on loopback", () => {
  afterEach(() => takeNetworkViolations());

  it("refuses a connection to a non-loopback address and names it in the failure", async () => {
    const result = await outcome(net.connect({ host: "192.0.2.10", port: 443 }));
    expect(result).toBeInstanceOf(Error);
    expect(() => assertNoNetworkViolations()).toThrow(/connect 192\.0\.2\.10:443/);
    // Reported once: the next check is clean.
    expect(() => assertNoNetworkViolations()).not.toThrow();
  });

  it("refuses HTTPS to a named host (the checkpoint call), by connect or by lookup", async () => {
    const error = await new Promise<Error>((resolve) => {
      https.request("https://checkpoint-api.hashicorp.com/v1/telemetry/cdktf", { method: "POST" }).on("error", resolve).end();
    });
    expect(error.message).toMatch(/network guard/);
    const targets = takeNetworkViolations().map((v) => v.target);
    expect(targets.some((t) => t.startsWith("checkpoint-api.hashicorp.com"))).toBe(true);
  });

  it("refuses a name lookup beyond loopback", async () => {
    const error = await new Promise<Error | null>((resolve) => dns.lookup("example.com", (err) => resolve(err)));
    expect(error?.message).toMatch(/lookup to example\.com refused/);
    await expect(dns.promises.lookup("example.org")).rejects.toThrow(/example\.org/);
    expect(takeNetworkViolations().map((v) => v.target)).toEqual(["example.com", "example.org"]);
  });

  it("lets loopback through (the fake servers)", async () => {
    const server = http.createServer((_req, res) => res.end("ok"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const body = await new Promise<string>((resolve, reject) => {
        http.get(`http://localhost:${port}/`, (res) => {
          let text = "";
          res.on("data", (c: Buffer) => (text += c.toString()));
          res.on("end", () => resolve(text));
        }).on("error", reject);
      });
      expect(body).toBe("ok");
      expect(takeNetworkViolations()).toEqual([]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("knows loopback from the rest", () => {
    for (const host of ["localhost", "127.0.0.1", "127.1.2.3", "::1", "[::1]", "::ffff:127.0.0.1"]) expect(isLoopback(host)).toBe(true);
    for (const host of ["10.0.0.1", "192.0.2.1", "::ffff:10.0.0.1", "example.com", "localhost.example.com", "0.0.0.0"]) expect(isLoopback(host)).toBe(false);
  });
});
