// The weekly maintenance window: warnings and info are muted while the chat server is
// deployed; pages still go out.
import { MuteTimingBuilder, TimeIntervalBuilder, TimeRangeBuilder, WeekdayRangeBuilder, type MuteTiming } from "@grafana/grafana-foundation-sdk/alerting";

export const MAINTENANCE_WINDOW = "beacon-weekly-maintenance";

const WEEKDAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"] as const;

/** Sunday 02:00–04:00 UTC: the lowest chat traffic of the week. */
export function maintenanceMuteTiming(): MuteTiming {
  return new MuteTimingBuilder()
    .name(MAINTENANCE_WINDOW)
    .timeIntervals([
      new TimeIntervalBuilder()
        .times([new TimeRangeBuilder().from("02:00").to("04:00")])
        .weekdays([new WeekdayRangeBuilder().begin(0).end(0)])
        .location("UTC"),
    ])
    .build();
}

/** Mute timing in Grafana's API shape. */
export interface ApiMuteTiming {
  readonly name: string;
  readonly time_intervals: readonly {
    readonly times?: readonly { readonly start_time: string; readonly end_time: string }[];
    readonly weekdays?: readonly string[];
    readonly location?: string;
  }[];
}

/**
 * The SDK's TimeRange/WeekdayRange (from/to, numeric begin/end) are not what Grafana's
 * provisioning API reads: it takes Alertmanager's time_interval form (start_time/end_time,
 * weekday names with "a:b" ranges; prometheus/alertmanager timeinterval package).
 */
export function toApiMuteTiming(m: MuteTiming): ApiMuteTiming {
  if (m.name === undefined) throw new Error("mute timing has no name");
  const day = (n: number | undefined) => {
    const name = n === undefined ? undefined : WEEKDAYS[n];
    if (name === undefined) throw new Error(`mute timing ${m.name}: weekday ${n} is not 0 (Sunday) … 6 (Saturday)`);
    return name;
  };
  return {
    name: m.name,
    time_intervals: (m.time_intervals ?? []).map((ti) => ({
      ...(ti.times ? { times: ti.times.map((t) => ({ start_time: t.from ?? "00:00", end_time: t.to ?? "24:00" })) } : {}),
      ...(ti.weekdays
        ? { weekdays: ti.weekdays.map((w) => (w.begin === w.end || w.end === undefined ? day(w.begin) : `${day(w.begin)}:${day(w.end)}`)) }
        : {}),
      ...(ti.location ? { location: ti.location } : {}),
    })),
  };
}
