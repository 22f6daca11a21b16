import { REDACTED, Redactor } from "../scripts/lib/redact";

const ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:genesys/prod/smoke-tests-AbCdEf";

describe("redaction of secret values and names", () => {
  test("ARNs and names are printed intact; credential-shaped key/value text is still masked", () => {
    const r = new Redactor();
    const text = `GetSecretValue on ${ARN} failed; aws secretsmanager update-secret-version-stage --secret-id ${ARN} --version-stage AWSCURRENT`;
    expect(r.redact(text)).toBe(text);
    expect(r.redact("genesys/secret:x and arn:aws-us-gov:secretsmanager:us-gov-west-1:1:secret:a/b")).toBe("genesys/secret:x and arn:aws-us-gov:secretsmanager:us-gov-west-1:1:secret:a/b");
    expect(r.redact('secret: hunter22 clientSecret="abc123" {"secret":"q1w2e3"} password=xyz789')).toBe(
      `secret: ${REDACTED} clientSecret="${REDACTED}" {"secret":"${REDACTED}"} password=${REDACTED}`,
    );
  });

  test("every string field of a secret's JSON is registered, whatever field holds the secret; proven-public fields stay readable", () => {
    const id = "5f0c2a4e-1b2d-4c3e-8f4a-0123456789ab";
    const secret = "Zq8vW3kL0pX9yT2mN5bC7dF1gH4jK6sAeR0tY9uI8oP";
    const swapped = JSON.stringify({ clientId: secret, clientSecret: id, region: "eu-west-1", note: "extra-private-field" });
    const r = new Redactor();
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    r.addSecretText(swapped, (key, value) => (key === "clientId" || key === "clientSecret") && uuid.test(value));
    const printed = r.redact(`id ${id} secret ${secret} b64 ${Buffer.from(secret).toString("base64")} basic ${Buffer.from(`${id}:${secret}`).toString("base64")} swapped ${Buffer.from(`${secret}:${id}`).toString("base64")} raw ${swapped} extra-private-field`);
    expect(printed).toContain(`id ${id}`);
    for (const form of [secret, Buffer.from(secret).toString("base64"), Buffer.from(`${id}:${secret}`).toString("base64"), Buffer.from(`${secret}:${id}`).toString("base64"), "extra-private-field"]) {
      expect(printed).not.toContain(form);
    }
    // A value that is not JSON is registered whole.
    const r2 = new Redactor();
    r2.addSecretText("not-json-but-secret-0123");
    expect(r2.redact("x not-json-but-secret-0123 y")).toBe(`x ${REDACTED} y`);
  });
});
