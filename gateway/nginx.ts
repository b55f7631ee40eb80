// nginx in front of the gateway replicas: the per-client limit the collector does not offer at
// v0.161.0 (limit_req, keyed by client address + gateway key, so one flooding install is
// throttled with 429 + Retry-After while the others pass), and the load balancer that sends a
// request whose replica went away to another one. No hand-written limiter.
// Rendered for the tests (testkit/gateway.ts) and for production, where Kubernetes' Service
// balances instead and nginx runs as a sidecar per replica: generated/gateway/nginx-tls.conf
// terminates TLS (installs send their gateway key, a bearer token, over the internet);
// generated/gateway/nginx.conf is plain HTTP, for docker-compose on loopback and for a cluster
// whose operator terminates TLS at their own load balancer (infra only deploys it when told so).

export interface NginxOptions {
  /** nginx's -p prefix: temp files and the pid file go there. */
  prefix: string;
  clientListen: string;
  serverListen: string;
  clientUpstreams: readonly string[];
  serverUpstreams: readonly string[];
  /** Sustained requests per second per client (address + key); an install flushes every 10 s. */
  ratePerSecond: number;
  /** Requests a client may send above the rate before 429s (an offline journal's replay). */
  burst: number;
  /** Tests run nginx as a child process; production as the container's main process. */
  foreground: boolean;
  /** Both listeners speak TLS only, with this certificate; unset, both speak plain HTTP. */
  tls?: NginxTls;
}

export interface NginxTls {
  /** PEM certificate chain, leaf first. */
  certificate: string;
  /** PEM private key of the leaf. */
  key: string;
}

/** Where the Kubernetes pod mounts its kubernetes.io/tls Secret (keys tls.crt, tls.key). */
export const PRODUCTION_TLS_DIR = "/etc/beacon-gateway-tls";
export const PRODUCTION_TLS: NginxTls = { certificate: `${PRODUCTION_TLS_DIR}/tls.crt`, key: `${PRODUCTION_TLS_DIR}/tls.key` };

/** Seconds a throttled client waits (the client honours Retry-After: client/telemetry/otlp-sender.ts). */
export const RETRY_AFTER_S = 1;

export function renderNginxConfig(o: NginxOptions): string {
  const upstream = (name: string, servers: readonly string[]) =>
    `  upstream ${name} {\n${servers.map((s) => `    server ${s} max_fails=1 fail_timeout=2s;`).join("\n")}\n    keepalive 32;\n  }\n`;
  const proxy = `      proxy_pass http://$upstream_name;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      # A replica that is gone or refuses (shutting down): the same request goes to another one.
      # OTLP export requests may be retried (the client retries them too).
      proxy_next_upstream error timeout http_502 http_503 non_idempotent;
      proxy_next_upstream_tries 3;
      client_max_body_size 4m;
      client_body_buffer_size 4m;`;
  const listen = (address: string) => `    listen ${address}${o.tls ? " ssl" : ""};`;
  // Installs flush every 10 s over a kept-alive connection; when it drops, resuming the session
  // (cache, 1 h) spares a full handshake. TLS 1.2 and 1.3: the protocols of Mozilla's
  // "intermediate" profile (https://ssl-config.mozilla.org/).
  const tls = o.tls
    ? `  ssl_certificate ${o.tls.certificate};
  ssl_certificate_key ${o.tls.key};
  ssl_protocols TLSv1.2 TLSv1.3;
  ssl_prefer_server_ciphers off;
  ssl_session_cache shared:tls:10m;
  ssl_session_timeout 1h;
`
    : "";
  return `# nginx in front of the Beacon gateway (gateway/nginx.ts). Per-client limit + load balancing${o.tls ? " + TLS" : ""}.
${o.foreground ? "daemon off;\n" : ""}worker_processes 1;
pid ${o.prefix}/nginx.pid;
events {
  worker_connections 1024;
}
http {
  access_log off;
  client_body_temp_path ${o.prefix}/client_body;
  proxy_temp_path ${o.prefix}/proxy;
  fastcgi_temp_path ${o.prefix}/fastcgi;
  uwsgi_temp_path ${o.prefix}/uwsgi;
  scgi_temp_path ${o.prefix}/scgi;
  # One bucket per install: its address and its gateway key (per-release keys are shared).
  limit_req_zone "$binary_remote_addr$http_authorization" zone=per_client:16m rate=${o.ratePerSecond}r/s;
  limit_req_status 429;
  limit_req_log_level warn;
${tls}${upstream("gateway_clients", o.clientUpstreams)}${upstream("gateway_server", o.serverUpstreams)}
  server {
${listen(o.clientListen)}
    set $upstream_name gateway_clients;
    location = /nginx-health {
      return 200 "ok\\n";
    }
    location / {
      limit_req zone=per_client burst=${o.burst} nodelay;
${proxy}
    }
    error_page 429 = @throttled;
    location @throttled {
      add_header Retry-After ${RETRY_AFTER_S} always;
      return 429 "throttled\\n";
    }
  }
  server {
${listen(o.serverListen)}
    set $upstream_name gateway_server;
    location / {
${proxy}
    }
  }
}
`;
}
