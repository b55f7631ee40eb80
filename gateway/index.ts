// The gateway's generated files (written by `npm run build` into generated/gateway/).
import { renderGatewayConfig } from "./config.ts";
import { renderNginxConfig } from "./nginx.ts";

export { gatewayConfig, renderGatewayConfig, GATEWAY_ENV, GATEWAY_REQUIRED_ENV, type GatewayTarget } from "./config.ts";
export { renderNginxConfig, RETRY_AFTER_S } from "./nginx.ts";
export { senderPolicy, SENDERS, type Sender } from "./policy.ts";

/** Path under generated/ → content. */
export function gatewayFiles(): Record<string, string> {
  return {
    "gateway/collector.yaml": renderGatewayConfig("cloud"),
    // Sidecar in each gateway pod: the per-install limit in front of that replica's receivers.
    "gateway/nginx.conf": renderNginxConfig({
      prefix: "/tmp/nginx",
      clientListen: "0.0.0.0:8080",
      serverListen: "0.0.0.0:8081",
      clientUpstreams: ["127.0.0.1:4318"],
      serverUpstreams: ["127.0.0.1:4319"],
      ratePerSecond: 2,
      burst: 60,
      foreground: true,
    }),
  };
}
