// The gateway's generated files (written by `npm run build` into generated/gateway/).
import { renderGatewayConfig } from "./config.ts";
import { PRODUCTION_TLS, renderNginxConfig, type NginxOptions } from "./nginx.ts";

export { gatewayConfig, renderGatewayConfig, GATEWAY_ENV, GATEWAY_REQUIRED_ENV, type GatewayTarget } from "./config.ts";
export { PRODUCTION_TLS, PRODUCTION_TLS_DIR, renderNginxConfig, RETRY_AFTER_S, type NginxOptions, type NginxTls } from "./nginx.ts";
export { senderPolicy, SENDERS, type Sender } from "./policy.ts";

/** Path under generated/ → content. */
export function gatewayFiles(): Record<string, string> {
  // Sidecar in each gateway pod: the per-install limit in front of that replica's receivers.
  const sidecar: NginxOptions = {
    prefix: "/tmp/nginx",
    clientListen: "0.0.0.0:8080",
    serverListen: "0.0.0.0:8081",
    clientUpstreams: ["127.0.0.1:4318"],
    serverUpstreams: ["127.0.0.1:4319"],
    ratePerSecond: 2,
    burst: 60,
    foreground: true,
  };
  return {
    "gateway/collector.yaml": renderGatewayConfig("cloud"),
    // Plain HTTP: docker-compose, or Kubernetes behind the operator's TLS load balancer.
    "gateway/nginx.conf": renderNginxConfig(sidecar),
    // Kubernetes' default: TLS with the certificate of the mounted Secret.
    "gateway/nginx-tls.conf": renderNginxConfig({ ...sidecar, tls: PRODUCTION_TLS }),
  };
}
