// The gateway-capacity run against a test collector (testkit/collector.ts) instead of the stack's
// gateway: for the integration test and for measuring the collector on this machine without the
// stack. The test collector has no internal metrics endpoint (several may run at once), so its
// counts come from what it answered and wrote: everything it wrote to its file exporters was
// accepted and exported (the file exporter writes in the pipeline, no queue), items of requests
// it answered with an error were refused, and requests still open are queued.
import type { Signal } from "../lib/gateway-plan.ts";
import type { TestCollector } from "../../testkit/collector.ts";
import type { CollectorCounts, GatewayUnderTest } from "./gateway.ts";

/** `itemsPerExport`: items of one export per signal (the plan's payloads). */
export function testCollectorGateway(collector: TestCollector, itemsPerExport: Readonly<Record<Signal, number>>): GatewayUnderTest {
  return {
    otlpHttp: collector.otlpHttpEndpoint,
    async counts(): Promise<CollectorCounts> {
      const [spans, points, records, requests] = await Promise.all([collector.spans(), collector.metrics(), collector.logs(), collector.requests()]);
      const written = spans.length + points.length + records.length;
      let refused = 0;
      let open = 0;
      for (const r of requests) {
        if (r.signal === "other") continue;
        if (r.status === 0) open++;
        else if (r.status !== 200) refused += itemsPerExport[r.signal];
      }
      return { accepted: written, refused, sent: written, failed: 0, queued: open };
    },
    // Each step reads only its own output: re-reading earlier steps' files gets slow at high rates.
    beforeStep: () => collector.reset(),
  };
}
