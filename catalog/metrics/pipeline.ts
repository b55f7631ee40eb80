// The client's telemetry layer reporting on itself: what it queued, exported, retried and
// dropped. Telemetry degrades quietly, so these counters are how anyone finds out.
import * as L from "../labels.ts";
import { metric, QUEUE_ITEM_BUCKETS } from "./define.ts";

const MAIN = ["client-main"] as const;

export const PIPELINE_METRICS = {
  telemetryQueued: metric({
    // Was an up-down counter: as deltas, the items an install had queued when it quit were never
    // subtracted once sent by the next run (three quits with 5 queued read 15, journals empty).
    // Now each install observes its journal's size per signal once per flush, 0 included.
    name: "kicktalk_telemetry_queue_items",
    instrument: "histogram",
    unit: "{item}",
    description: "Telemetry items waiting in an install's on-disk journal to be exported, by signal, one observation per install and signal per flush.",
    labels: [L.TELEMETRY_SIGNAL],
    buckets: QUEUE_ITEM_BUCKETS,
    emittedBy: MAIN,
  }),
  telemetryExported: metric({
    name: "kicktalk_telemetry_exported_items",
    instrument: "counter",
    unit: "{item}",
    description: "Telemetry items the gateway accepted.",
    labels: [L.TELEMETRY_SIGNAL],
    emittedBy: MAIN,
  }),
  telemetryDropped: metric({
    name: "kicktalk_telemetry_dropped_items",
    instrument: "counter",
    unit: "{item}",
    description: "Telemetry items given up on, by reason.",
    labels: [L.TELEMETRY_SIGNAL, L.DROP_REASON],
    emittedBy: MAIN,
  }),
  telemetryRetries: metric({
    name: "kicktalk_telemetry_export_retries",
    instrument: "counter",
    unit: "{retry}",
    description: "Export attempts retried after a failure, 429 or 503.",
    labels: [L.TELEMETRY_SIGNAL],
    emittedBy: MAIN,
  }),
  telemetryExportBytes: metric({
    name: "kicktalk_telemetry_export_size",
    instrument: "histogram",
    unit: "By",
    description: "Size of one export request body (seed 003: < 10 KB per flush).",
    labels: [L.TELEMETRY_SIGNAL],
    buckets: [256, 1024, 2048, 4096, 8192, 10240, 16384, 65536, 262144],
    emittedBy: MAIN,
  }),
  ipcRejected: metric({
    name: "kicktalk_ipc_rejected_payloads",
    instrument: "counter",
    unit: "{payload}",
    description: "IPC payloads from the renderer rejected by schema or size validation.",
    labels: [L.IPC_CHANNEL_LABEL],
    emittedBy: MAIN,
  }),
} as const;
