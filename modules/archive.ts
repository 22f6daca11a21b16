import { Construct } from "constructs";
import { CloudwatchEventArchive } from "@cdktf/provider-aws/lib/cloudwatch-event-archive";
import { EventPattern } from "./event-pattern";

export interface EventArchiveProps {
  /** 1-48 characters of letters, digits, '.', '-', '_'. */
  readonly archiveName: string;
  readonly sourceBusArn: string;
  /** Days to keep events; 0 keeps them forever. */
  readonly retentionDays: number;
  /** Only archive matching events; default: every event on the bus. */
  readonly eventPattern?: EventPattern;
  readonly preventDestroy?: boolean;
}

/** An archive of the bus, so events can be replayed after a consumer failure. */
export class EventArchive extends Construct {
  readonly archiveName: string;
  readonly archiveArn: string;

  constructor(scope: Construct, id: string, props: EventArchiveProps) {
    super(scope, id);
    if (!/^[.\-_A-Za-z0-9]{1,48}$/.test(props.archiveName)) {
      throw new Error(`EventArchive: archiveName "${props.archiveName}" must be 1-48 characters of letters, digits, '.', '-' and '_'`);
    }
    if (!Number.isInteger(props.retentionDays) || props.retentionDays < 0) {
      throw new Error(`EventArchive: retentionDays ${props.retentionDays} must be a whole number of days, 0 (forever) or more`);
    }
    const archive = new CloudwatchEventArchive(this, "archive", {
      name: props.archiveName,
      description: "Genesys Cloud events, kept for replay",
      eventSourceArn: props.sourceBusArn,
      retentionDays: props.retentionDays,
      eventPattern: props.eventPattern ? JSON.stringify(props.eventPattern) : undefined,
      lifecycle: { preventDestroy: props.preventDestroy ?? false },
    });
    this.archiveName = archive.name;
    this.archiveArn = archive.arn;
  }
}
