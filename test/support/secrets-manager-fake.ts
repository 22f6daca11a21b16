/**
 * A stateful fake of AWS Secrets Manager on top of aws-sdk-client-mock, for the commands the rotation job uses:
 * DescribeSecret, GetSecretValue, PutSecretValue, UpdateSecretVersionStage and ListSecretVersionIds, modelled on
 * the API reference:
 *  - staging labels as AWS moves them: a label is on one version at a time; AWSPREVIOUS follows AWSCURRENT;
 *    versions without labels are deprecated (out of VersionIdsToStages, still readable by VersionId, listed by
 *    ListSecretVersionIds with IncludeDeprecated);
 *  - the FIRST version of a secret gets AWSCURRENT whatever VersionStages says (API_PutSecretValue);
 *  - UpdateSecretVersionStage is a compare-and-swap: moving a label that is attached elsewhere needs
 *    RemoveFromVersionId naming its holder, and removing needs the holder, else InvalidParameterException;
 *  - RotationEnabled (DescribeSecret), set with `setRotationEnabled`;
 *  - version limits: unlabelled versions are removed when there are more than 100, but never those created less
 *    than 24 hours ago (by `now`); a PutSecretValue beyond `versionQuota` versions fails with LimitExceededException.
 * Faults: `failNext` fails the next matching call, before it is applied or (`applied: true`) after it was
 * applied (a timeout whose request AWS did process); `loseAnswerNext` applies it, loses the answer and sends it
 * again (the SDK's own retry), answering what the retry gets. `casBroken` switches the compare-and-swap off, to prove the
 * tests notice (a fake that cannot fail proves nothing).
 *
 *     const sm = new SecretsManagerFake();            // mocks sm.client only, not every SecretsManagerClient
 *     sm.createSecret("genesys/dev/rotation", arn);   // like Terraform: a secret without a value
 *     sm.failNext("UpdateSecretVersionStage");         // inject a failure of the next such call
 */
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  InternalServiceError,
  InvalidParameterException,
  InvalidRequestException,
  LimitExceededException,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";

interface FakeVersion {
  id: string;
  value: string;
  stages: Set<string>;
  created: Date;
}

interface FakeSecret {
  name: string;
  arn: string;
  versions: Map<string, FakeVersion>;
  rotationEnabled: boolean;
}

export type FakeCommandName = "DescribeSecret" | "GetSecretValue" | "PutSecretValue" | "UpdateSecretVersionStage" | "ListSecretVersionIds";

/** What one call did, for assertions. */
export interface FakeCall {
  command: FakeCommandName;
  input: Record<string, unknown>;
  ok: boolean;
}

const meta = { $metadata: { httpStatusCode: 400 } };

function notFound(message = "Secrets Manager can't find the specified secret."): ResourceNotFoundException {
  return new ResourceNotFoundException({ message, Message: message, ...meta });
}

export class SecretsManagerFake {
  readonly client = new SecretsManagerClient({ region: "eu-west-1", credentials: { accessKeyId: "AKIAFAKE", secretAccessKey: "fake" } });
  readonly mock = mockClient(this.client);
  readonly calls: FakeCall[] = [];
  private readonly secrets = new Map<string, FakeSecret>();
  private readonly failures: Array<{ command: FakeCommandName; error?: Error; when?: (input: Record<string, unknown>) => boolean; applied: boolean }> = [];
  /** The fake's clock (version creation dates, the 24-hour rule). */
  now: () => Date = () => new Date();
  /**
   * Versions a secret may have before PutSecretValue fails with LimitExceededException. The AWS pages read name
   * "the quota for secret versions" but no number; 200 is an assumption (tests that need it set it).
   */
  versionQuota = 200;
  /** When true, UpdateSecretVersionStage ignores RemoveFromVersionId (NOT how AWS behaves: for negative tests). */
  casBroken = false;

  constructor() {
    const handle = (command: FakeCommandName, fn: (input: Record<string, unknown>) => unknown) => (input: Record<string, unknown>) => {
      const index = this.failures.findIndex((f) => f.command === command && (!f.when || f.when(input)));
      if (index >= 0) {
        const [failure] = this.failures.splice(index, 1);
        if (failure.applied) fn(input);
        this.calls.push({ command, input, ok: false });
        if (failure.error) throw failure.error;
        // The answer was lost and the SDK sent the same request again: the retry meets the changed state.
        try {
          const out = fn(input);
          this.calls.push({ command, input, ok: true });
          return out;
        } catch (err) {
          this.calls.push({ command, input, ok: false });
          throw err;
        }
      }
      try {
        const out = fn(input);
        this.calls.push({ command, input, ok: true });
        return out;
      } catch (err) {
        this.calls.push({ command, input, ok: false });
        throw err;
      }
    };
    const routes: Array<[abstract new (...args: never[]) => { input: unknown }, (input: Record<string, unknown>) => unknown]> = [
      [DescribeSecretCommand, handle("DescribeSecret", (i) => this.describe(i))],
      [GetSecretValueCommand, handle("GetSecretValue", (i) => this.getValue(i))],
      [PutSecretValueCommand, handle("PutSecretValue", (i) => this.putValue(i))],
      [UpdateSecretVersionStageCommand, handle("UpdateSecretVersionStage", (i) => this.updateStage(i))],
      [ListSecretVersionIdsCommand, handle("ListSecretVersionIds", (i) => this.listVersions(i))],
    ];
    // One dispatch by command class on the stub's own behaviour, instead of one `mock.on(Command)` per command:
    // sinon matches every call against every `on` (a deep comparison each), which cost about a sixth of the CPU
    // of the rotation interleavings. Same answers as `on(...).callsFake(fn)`: fn's return value, or a rejected
    // promise when fn throws; a command not listed gets undefined, as from an unconfigured mock. The stub still
    // records every call (`mock.commandCalls`).
    const dispatch = (command: unknown): unknown => {
      const route = routes.find(([type]) => command instanceof type);
      if (!route) return undefined;
      try {
        return route[1]((command as { input: Record<string, unknown> }).input);
      } catch (err) {
        return Promise.reject(err);
      }
    };
    // Typed as the SDK's send (a promise); like aws-sdk-client-mock's callsFake, the value is returned as it is.
    this.mock.send.callsFake(dispatch as (command: unknown) => never);
  }

  /** Forgets every secret, call and pending failure (one fake reused by many short scenarios). */
  reset(): void {
    this.secrets.clear();
    this.calls.length = 0;
    this.failures.length = 0;
    this.casBroken = false;
  }

  /** Turns AWS's own rotation (a rotation Lambda) on or off for a secret: DescribeSecret RotationEnabled. */
  setRotationEnabled(secretId: string, enabled: boolean): void {
    this.find(secretId).rotationEnabled = enabled;
  }

  /** Every version of a secret, labelled or not. */
  versionCount(secretId: string): number {
    return this.find(secretId).versions.size;
  }

  /** A secret with no value, as Terraform creates it. */
  createSecret(name: string, arn: string): void {
    this.secrets.set(arn, { name, arn, versions: new Map(), rotationEnabled: false });
  }

  /**
   * The next call of `command` (matching `when`) fails with `error` (default: InternalServiceError); with
   * `applied` the call takes effect first (the caller sees an error, AWS did it).
   */
  failNext(command: FakeCommandName, when?: (input: Record<string, unknown>) => boolean, error?: Error, applied = false): void {
    const message = `Injected failure of ${command}`;
    this.failures.push({ command, when, applied, error: error ?? new InternalServiceError({ message, Message: message, $metadata: { httpStatusCode: 500 } }) });
  }

  /**
   * The next call of `command` (matching `when`) is applied, its answer is lost (a 5xx or timeout after AWS did
   * it), and the request is sent again, as the SDK v3's standard retry strategy does by itself: the caller gets
   * the retry's answer, which meets the changed state (UpdateSecretVersionStage: InvalidParameterException, as
   * its RemoveFromVersionId no longer holds the label).
   */
  loseAnswerNext(command: FakeCommandName, when?: (input: Record<string, unknown>) => boolean): void {
    this.failures.push({ command, when, applied: true });
  }

  /** Calls of write commands (PutSecretValue, UpdateSecretVersionStage). */
  writeCalls(): FakeCall[] {
    return this.calls.filter((c) => c.command === "PutSecretValue" || c.command === "UpdateSecretVersionStage");
  }

  /** Version id → labels (labelled versions only), as DescribeSecret shows them. */
  stages(secretId: string): Record<string, string[]> {
    const secret = this.find(secretId);
    return Object.fromEntries([...secret.versions.values()].filter((v) => v.stages.size > 0).map((v) => [v.id, [...v.stages].sort()]));
  }

  /** The parsed value of the version holding `stage`, or undefined. */
  valueAt(secretId: string, stage: string): Record<string, unknown> | undefined {
    const version = [...this.find(secretId).versions.values()].find((v) => v.stages.has(stage));
    return version ? (JSON.parse(version.value) as Record<string, unknown>) : undefined;
  }

  /** Every value ever stored (raw strings), for leak scans. */
  allValues(): string[] {
    return [...this.secrets.values()].flatMap((s) => [...s.versions.values()].map((v) => v.value));
  }

  /** The raw value of a version. */
  versionValue(secretId: string, versionId: string): string | undefined {
    return this.find(secretId).versions.get(versionId)?.value;
  }

  /** Deep copy of the whole store, to compare before/after. */
  snapshot(): Record<string, Record<string, { value: string; stages: string[] }>> {
    return Object.fromEntries(
      [...this.secrets.values()].map((s) => [
        s.arn,
        Object.fromEntries([...s.versions.values()].map((v) => [v.id, { value: v.value, stages: [...v.stages].sort() }])),
      ]),
    );
  }

  /** Writes a value directly (test setup), with the given labels moved onto it. */
  seedVersion(secretId: string, versionId: string, value: unknown, stages: string[]): void {
    this.putValue({ SecretId: secretId, ClientRequestToken: versionId, SecretString: JSON.stringify(value), VersionStages: stages });
  }

  // ----------------------------------------------------------------------------------------------- handlers

  private find(secretId: unknown): FakeSecret {
    if (typeof secretId !== "string") throw new InvalidParameterException({ message: "SecretId is required.", ...meta });
    const secret = this.secrets.get(secretId) ?? [...this.secrets.values()].find((s) => s.name === secretId);
    if (!secret) throw notFound();
    return secret;
  }

  private describe(input: Record<string, unknown>): unknown {
    const secret = this.find(input.SecretId);
    return { ARN: secret.arn, Name: secret.name, RotationEnabled: secret.rotationEnabled, VersionIdsToStages: this.stages(secret.arn), $metadata: {} };
  }

  private getValue(input: Record<string, unknown>): unknown {
    const secret = this.find(input.SecretId);
    const versionId = input.VersionId as string | undefined;
    const stage = (input.VersionStage as string | undefined) ?? (versionId ? undefined : "AWSCURRENT");
    let version: FakeVersion | undefined;
    if (versionId) {
      version = secret.versions.get(versionId);
      if (!version) throw notFound(`Secrets Manager can't find the specified secret value for VersionId: ${versionId}`);
      if (stage && !version.stages.has(stage)) {
        throw new InvalidRequestException({ message: `You provided a VersionStage that is not associated to the provided VersionId.`, ...meta });
      }
    } else {
      version = [...secret.versions.values()].find((v) => v.stages.has(stage as string));
      if (!version) throw notFound(`Secrets Manager can't find the specified secret value for staging label: ${stage}`);
    }
    return {
      ARN: secret.arn,
      Name: secret.name,
      VersionId: version.id,
      SecretString: version.value,
      VersionStages: [...version.stages],
      CreatedDate: version.created,
      $metadata: {},
    };
  }

  private putValue(input: Record<string, unknown>): unknown {
    const secret = this.find(input.SecretId);
    const token = input.ClientRequestToken as string | undefined;
    const value = input.SecretString as string | undefined;
    if (!token || token.length < 32 || token.length > 64) {
      throw new InvalidParameterException({ message: "ClientRequestToken must be 32 to 64 characters.", ...meta });
    }
    if (value === undefined) throw new InvalidParameterException({ message: "You must provide either SecretString or SecretBinary.", ...meta });
    const stages = (input.VersionStages as string[] | undefined) ?? ["AWSCURRENT"];
    const existing = secret.versions.get(token);
    if (existing) {
      if (existing.value !== value) {
        throw new ResourceExistsException({ message: "You can't modify an existing version, you can only create a new version.", ...meta });
      }
      return { ARN: secret.arn, Name: secret.name, VersionId: token, VersionStages: [...existing.stages], $metadata: {} };
    }
    this.removeOutdated(secret);
    if (secret.versions.size >= this.versionQuota) {
      throw new LimitExceededException({ message: `You have exceeded the maximum number of versions (${this.versionQuota}) for secret ${secret.name}.`, ...meta });
    }
    const first = secret.versions.size === 0;
    const version: FakeVersion = { id: token, value, stages: new Set(), created: this.now() };
    secret.versions.set(token, version);
    for (const stage of stages) this.attach(secret, stage, version);
    if (first) this.attach(secret, "AWSCURRENT", version); // "If this operation creates the first version ... AWSCURRENT"
    return { ARN: secret.arn, Name: secret.name, VersionId: token, VersionStages: [...version.stages], $metadata: {} };
  }

  private updateStage(input: Record<string, unknown>): unknown {
    const secret = this.find(input.SecretId);
    const stage = input.VersionStage as string;
    const moveTo = input.MoveToVersionId as string | undefined;
    const removeFrom = input.RemoveFromVersionId as string | undefined;
    const holder = [...secret.versions.values()].find((v) => v.stages.has(stage));
    if (moveTo && !secret.versions.has(moveTo)) throw notFound(`Secrets Manager can't find the specified secret value for VersionId: ${moveTo}`);
    if (this.casBroken) {
      if (moveTo) this.attach(secret, stage, secret.versions.get(moveTo) as FakeVersion);
      else holder?.stages.delete(stage);
      return { ARN: secret.arn, Name: secret.name, $metadata: {} };
    }
    if (removeFrom && (!holder || holder.id !== removeFrom)) {
      throw new InvalidParameterException({ message: `The staging label ${stage} is not attached to version ${removeFrom}.`, ...meta });
    }
    if (moveTo && holder && holder.id !== moveTo && removeFrom !== holder.id) {
      throw new InvalidParameterException({
        message: `The parameter RemoveFromVersionId can't be empty. Staging label ${stage} is currently attached to version ${holder.id}, so you must explicitly reference that version in RemoveFromVersionId.`,
        ...meta,
      });
    }
    if (moveTo) this.attach(secret, stage, secret.versions.get(moveTo) as FakeVersion);
    else if (holder) holder.stages.delete(stage);
    return { ARN: secret.arn, Name: secret.name, $metadata: {} };
  }

  private listVersions(input: Record<string, unknown>): unknown {
    const secret = this.find(input.SecretId);
    const all = [...secret.versions.values()].filter((v) => input.IncludeDeprecated === true || v.stages.size > 0);
    return {
      ARN: secret.arn,
      Name: secret.name,
      Versions: all.map((v) => ({ VersionId: v.id, VersionStages: [...v.stages], CreatedDate: v.created })),
      $metadata: {},
    };
  }

  /** "Secrets Manager removes unlabeled versions when there are more than 100, but it does not remove versions created less than 24 hours ago." */
  private removeOutdated(secret: FakeSecret): void {
    if (secret.versions.size <= 100) return;
    const dayAgo = this.now().getTime() - 24 * 3600 * 1000;
    for (const v of [...secret.versions.values()]) {
      if (secret.versions.size <= 100) break;
      if (v.stages.size === 0 && v.created.getTime() < dayAgo) secret.versions.delete(v.id);
    }
  }

  /** Puts `stage` on `version`, taking it off any other; moving AWSCURRENT moves AWSPREVIOUS to the old holder. */
  private attach(secret: FakeSecret, stage: string, version: FakeVersion): void {
    const holder = [...secret.versions.values()].find((v) => v.stages.has(stage));
    if (holder === version) return;
    holder?.stages.delete(stage);
    version.stages.add(stage);
    if (stage === "AWSCURRENT" && holder) {
      for (const v of secret.versions.values()) v.stages.delete("AWSPREVIOUS");
      holder.stages.add("AWSPREVIOUS");
    }
  }
}
