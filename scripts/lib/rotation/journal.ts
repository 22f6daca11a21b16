/**
 * What a service's rotation says about itself: each step's audit line and log line (with the Genesys requests and
 * AWS calls it made), the boundaries where tests may pause or "crash" the run, and the ServiceResult.
 */
import { safeErrorMessage } from "../genesys/client";
import {
  AuditEntry,
  Interrupted,
  RotationContext,
  RotationStep,
  ServiceResult,
  ServiceStatus,
  ServiceTarget,
  StepFailure,
} from "./types";

export function letter(target: ServiceTarget, clientId: string): "a" | "b" | undefined {
  const i = target.clientIds.indexOf(clientId);
  return i === 0 ? "a" : i === 1 ? "b" : undefined;
}

/** One service's audit, log and result. */
export class ServiceJournal {
  readonly warnings: string[] = [];
  /** This run reset (or may have reset) a secret of the service. */
  regenerated = false;
  /** This run wrote a credential version or moved a credential label. */
  storeChanged = false;
  private readonly startRequests: number;
  private readonly startAws: number;

  constructor(
    private readonly ctx: RotationContext,
    private readonly target: ServiceTarget,
  ) {
    this.startRequests = ctx.meter.total;
    this.startAws = ctx.awsCalls();
  }

  /** Runs one step: audit line and log line on success or failure, then the boundary (pause, afterStep). */
  async step<T>(step: RotationStep, clientId: string | undefined, body: () => Promise<{ value: T; message: string; versionId?: string }>): Promise<T> {
    const mark = this.mark();
    let out: { value: T; message: string; versionId?: string };
    try {
      out = await body();
    } catch (err) {
      const text = err instanceof StepFailure ? err.message : safeErrorMessage(err, this.ctx.redactor);
      this.audit(step, "failed", mark, clientId, undefined, text);
      throw err instanceof StepFailure ? err : new StepFailure(`${step} failed: ${text}`);
    }
    this.audit(step, "ok", mark, clientId, out.versionId, out.message);
    this.ctx.log(`${this.target.name}: ${step}: ${out.message}`);
    await this.boundary(step);
    return out.value;
  }

  /** A protocol boundary: the harness may pause here; a throwing afterStep is a crash here. */
  async boundary(point: RotationStep | "start"): Promise<void> {
    if (point !== "start" && this.ctx.afterStep) {
      try {
        await this.ctx.afterStep(point, this.target.name);
      } catch (err) {
        throw new Interrupted(`interrupted after ${point}: ${safeErrorMessage(err, this.ctx.redactor)}`);
      }
    }
    await this.ctx.pause?.(point, this.target.name);
  }

  audit(step: RotationStep, result: AuditEntry["result"], mark: Mark | undefined, clientId?: string, versionId?: string, message?: string): void {
    const [durationMs, genesysRequests, awsCalls] = mark ? this.since(mark) : [0, 0, 0];
    this.ctx.audit({
      time: this.ctx.now().toISOString(),
      environment: this.ctx.environment,
      service: this.target.name,
      clientId,
      step,
      result,
      durationMs,
      genesysRequests,
      awsCalls,
      versionId,
      message,
    });
  }

  warn(text: string): void {
    this.warnings.push(text);
    this.ctx.log(`WARNING: ${text}`);
  }

  skipped(message: string, clientId: string | undefined, versionId: string | undefined): ServiceResult {
    this.audit("skip", "skipped", undefined, clientId, versionId, message);
    this.ctx.log(`${this.target.name}: ${message}.`);
    return this.result("skipped", { message, clientId, versionId });
  }

  planned(clientId: string, message: string): ServiceResult {
    this.audit("plan", "planned", undefined, clientId, undefined, message);
    this.ctx.log(`${this.target.name}: dry run: ${message}.`);
    return this.result("planned", { clientId, message });
  }

  result(status: ServiceStatus, extra: { clientId?: string; versionId?: string; message?: string; recovery?: string[] }): ServiceResult {
    const clientId = extra.clientId;
    return {
      service: this.target.name,
      status,
      client: clientId ? letter(this.target, clientId) : undefined,
      clientId,
      versionId: extra.versionId,
      genesysRequests: this.ctx.meter.total - this.startRequests,
      awsCalls: this.ctx.awsCalls() - this.startAws,
      regenerated: this.regenerated,
      storeChanged: this.storeChanged,
      message: extra.message,
      warnings: [...this.warnings],
      recovery: extra.recovery ?? [],
    };
  }

  /** `result` with the request and call counts as they are now (after the unlock). */
  recount(result: ServiceResult): ServiceResult {
    return { ...result, genesysRequests: this.ctx.meter.total - this.startRequests, awsCalls: this.ctx.awsCalls() - this.startAws };
  }

  mark(): Mark {
    return { t: performance.now(), requests: this.ctx.meter.total, aws: this.ctx.awsCalls() };
  }

  private since(mark: Mark): [number, number, number] {
    return [Math.round(performance.now() - mark.t), this.ctx.meter.total - mark.requests, this.ctx.awsCalls() - mark.aws];
  }
}

export interface Mark {
  readonly t: number;
  readonly requests: number;
  readonly aws: number;
}
