// nginx in front of the gateway replicas: the per-client limit the collector does not offer at
// v0.161.0 (limit_req, keyed by client address + gateway key, so one flooding install is
// throttled with 429 + Retry-After while the others pass), and the load balancer that sends a
// request whose replica went away to another one. No hand-written limiter.
// Rendered for the tests (testkit/gateway.ts) and for production (generated/gateway/nginx.conf,
// where Kubernetes' Service balances instead and nginx runs as a sidecar per replica).

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
}

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
  return `# nginx in front of the Beacon gateway (gateway/nginx.ts). Per-client limit + load balancing.
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
${upstream("gateway_clients", o.clientUpstreams)}${upstream("gateway_server", o.serverUpstreams)}
  server {
    listen ${o.clientListen};
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
    listen ${o.serverListen};
    set $upstream_name gateway_server;
    location / {
${proxy}
    }
  }
}
`;
}
