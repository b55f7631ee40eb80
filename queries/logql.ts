// LogQL built from the catalog's log events: a stream selector on the service, then filters
// on structured metadata keys that some event of that service declares.
import { ALL_LOG_EVENTS, LOG_RECORD_FIELDS, LOG_TYPE_ATTRIBUTE, SERVICE_OF, type LogEventDecl } from "../catalog/index.ts";
import { QueryBuildError } from "./promql.ts";

/** Structured metadata key Loki gives an OTLP attribute (dots become underscores). */
export const metadataKey = (attribute: string) => attribute.replace(/[^a-zA-Z0-9_]/g, "_");

export function logFieldsOf(service: string): Set<string> {
  const fields = new Set<string>([LOG_TYPE_ATTRIBUTE, ...LOG_RECORD_FIELDS, "detected_level"]);
  for (const e of eventsOf(service)) for (const a of e.attributes) fields.add(metadataKey(a.key));
  return fields;
}

export function eventsOf(service: string): LogEventDecl[] {
  return ALL_LOG_EVENTS.filter((e) => e.emittedBy.some((em) => SERVICE_OF[em] === service));
}

export interface LogFilter {
  readonly field: string;
  readonly op?: "=" | "!=" | "=~" | "!~";
  readonly value: string;
}

/** `{service_name="svc"} | log_type="error" | area=~"$area"` */
export function logStream(service: string, opts: { type?: LogEventDecl; filters?: readonly LogFilter[]; line?: string } = {}): string {
  const fields = logFieldsOf(service);
  if (opts.type && !eventsOf(service).includes(opts.type)) {
    throw new QueryBuildError(`service ${service} emits no ${opts.type.type} log events`);
  }
  let q = `{service_name="${service}"}`;
  if (opts.line !== undefined) q += ` |= \`${opts.line}\``;
  if (opts.type) q += ` | ${LOG_TYPE_ATTRIBUTE}="${opts.type.type}"`;
  for (const f of opts.filters ?? []) {
    if (!fields.has(f.field)) throw new QueryBuildError(`no log event of ${service} has a field ${f.field}`);
    q += ` | ${f.field}${f.op ?? "="}"${f.value}"`;
  }
  return q;
}

/** Grafana's interval for Loki metric queries: it picks the step from the range and resolution. */
export const LOKI_INTERVAL = "$__auto";

/** `count_over_time(<stream> [window])`: log lines per window, a LogQL metric query. */
export function countOverTime(stream: string, window = LOKI_INTERVAL): string {
  return `count_over_time(${stream} [${window}])`;
}

/**
 * Records of several services at once (`{service_name=~"a|b"}`), e.g. every log line of one
 * trace; each filter field must be one that some event of those services declares.
 */
export function logStreamOfServices(services: readonly string[], filters: readonly LogFilter[] = []): string {
  if (services.length === 0) throw new QueryBuildError("logStreamOfServices needs at least one service");
  const fields = new Set(services.flatMap((s) => [...logFieldsOf(s)]));
  let q = `{service_name=~"${services.join("|")}"}`;
  for (const f of filters) {
    if (!fields.has(f.field)) throw new QueryBuildError(`no log event of ${services.join(", ")} has a field ${f.field}`);
    q += ` | ${f.field}${f.op ?? "="}"${f.value}"`;
  }
  return q;
}
