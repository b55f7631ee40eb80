// TLS on the gateway's public address, against Debian's nginx: the config generated/gateway/
// nginx-tls.conf is rendered from (gateway/nginx.ts, with a self-signed certificate made by
// openssl in a temp dir), in front of two stand-in upstreams that record what reaches them. An
// install's key (a bearer token) travels only inside TLS; plain HTTP on the port gets nowhere.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, request as httpRequest, type IncomingMessage, type Server } from "node:http";
import { request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TLSSocket } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureSystemTools } from "../stack/runner/system-packages.ts";
import { NGINX } from "../testkit/gateway.ts";
import { freePort, waitFor } from "../testkit/process.ts";
import { PRODUCTION_TLS, renderNginxConfig } from "./nginx.ts";

const KEY = "ck-1.5.0-aaaaaaaaaaaaaaaa";
const BODY = JSON.stringify({ resourceMetrics: [] });

interface Seen {
  path: string;
  authorization: string | undefined;
  body: string;
}
interface Upstream {
  server: Server;
  port: number;
  seen: Seen[];
}
interface Answer {
  status: number;
  body: string;
  /** TLS only: the negotiated protocol and the SHA-256 fingerprint of the certificate served. */
  protocol?: string | null;
  fingerprint?: string;
}

let dir: string;
let cert: string;
let tlsFiles: { certificate: string; key: string };
let nginx: ChildProcess;
let nginxLog = "";
const ports = { clients: 0, server: 0 };
const upstreams: Record<keyof typeof ports, Upstream> = {} as never;

/** An OTLP receiver stand-in: records each request, answers 200. */
async function startUpstream(): Promise<Upstream> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.on("end", () => {
      seen.push({ path: req.url ?? "", authorization: req.headers.authorization, body });
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address();
  return { server, port: typeof address === "object" && address ? address.port : 0, seen };
}

function read(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = "";
    res.on("data", (d: Buffer) => (body += d.toString()));
    res.on("end", () => resolve(body));
    res.on("error", reject);
  });
}

/** POST (or GET without a body) over HTTPS, trusting only the test certificate. */
function https(port: number, path: string, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      { host: "127.0.0.1", port, path, method: body === undefined ? "GET" : "POST", ca: cert, agent: false, headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" } },
      (res) => {
        const socket = res.socket as TLSSocket;
        const protocol = socket.getProtocol();
        const fingerprint = socket.getPeerX509Certificate()?.fingerprint256;
        read(res).then((text) => resolve({ status: res.statusCode ?? 0, body: text, protocol, fingerprint }), reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** The same request in plain HTTP. */
function plain(port: number, path: string, body: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, path, method: "POST", agent: false, headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" } }, (res) => {
      read(res).then((text) => resolve({ status: res.statusCode ?? 0, body: text }), reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

beforeAll(async () => {
  ensureSystemTools(NGINX);
  dir = mkdtempSync(join(tmpdir(), "beacon-gateway-tls-"));
  mkdirSync(join(dir, "nginx"));
  // A P-256 certificate for 127.0.0.1, valid one day.
  const certificate = join(dir, "tls.crt");
  const key = join(dir, "tls.key");
  const ssl = spawnSync(
    "openssl",
    ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=beacon-gateway-test", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", certificate],
    { encoding: "utf8" },
  );
  if (ssl.status !== 0) throw new Error(`openssl req failed (exit ${ssl.status}):\n${ssl.stderr}`);
  cert = readFileSync(certificate, "utf8");
  tlsFiles = { certificate, key };

  upstreams.clients = await startUpstream();
  upstreams.server = await startUpstream();
  ports.clients = await freePort();
  ports.server = await freePort();
  const conf = join(dir, "nginx", "nginx.conf");
  writeFileSync(
    conf,
    renderNginxConfig({
      prefix: join(dir, "nginx"),
      clientListen: `127.0.0.1:${ports.clients}`,
      serverListen: `127.0.0.1:${ports.server}`,
      clientUpstreams: [`127.0.0.1:${upstreams.clients.port}`],
      serverUpstreams: [`127.0.0.1:${upstreams.server.port}`],
      ratePerSecond: 50,
      burst: 100,
      foreground: true,
      tls: { certificate, key },
    }),
  );
  nginx = spawn(NGINX.binary, ["-p", join(dir, "nginx"), "-c", conf, "-e", join(dir, "nginx", "error.log")], { stdio: ["ignore", "pipe", "pipe"] });
  nginx.stderr?.on("data", (d: Buffer) => (nginxLog += d.toString()));
  await waitFor(
    () => https(ports.clients, "/nginx-health").then((a) => a.status).catch(() => 0),
    (s) => s === 200,
    15_000,
  ).catch((err: Error) => {
    throw new Error(`${err.message}\nnginx: ${nginxLog}`);
  });
}, 120_000);

afterAll(async () => {
  if (nginx !== undefined && nginx.exitCode === null) {
    const exited = new Promise((r) => nginx.once("exit", r));
    nginx.kill("SIGQUIT");
    await exited;
  }
  for (const u of Object.values(upstreams)) await new Promise((r) => u.server.close(r));
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe.each(["clients", "server"] as const)("the %s listener", (listener) => {
  it("forwards an HTTPS export with its key to the gateway, serving the configured certificate", async () => {
    const before = upstreams[listener].seen.length;
    const answer = await https(ports[listener], "/v1/metrics", BODY);
    expect(answer.status).toBe(200);
    expect(["TLSv1.2", "TLSv1.3"]).toContain(answer.protocol);
    expect(answer.fingerprint).toBe(new X509Certificate(cert).fingerprint256);
    expect(upstreams[listener].seen.slice(before)).toEqual([{ path: "/v1/metrics", authorization: `Bearer ${KEY}`, body: BODY }]);
  });

  it("refuses plain HTTP on the TLS port, forwarding nothing", async () => {
    const before = upstreams[listener].seen.length;
    const answer = await plain(ports[listener], "/v1/metrics", BODY);
    // nginx's answer to plain HTTP on an ssl listener.
    expect(answer.status).toBe(400);
    expect(answer.body).toContain("The plain HTTP request was sent to HTTPS port");
    expect(upstreams[listener].seen.length).toBe(before);
  });
});

it("the committed generated/gateway/nginx-tls.conf is valid nginx that loads its certificate", () => {
  // As in the pod, with the Secret's files and nginx's prefix where this test keeps them.
  const committed = readFileSync("generated/gateway/nginx-tls.conf", "utf8");
  expect(committed).toContain(`ssl_certificate ${PRODUCTION_TLS.certificate};`);
  const prefix = join(dir, "committed");
  mkdirSync(prefix, { recursive: true });
  const conf = join(prefix, "nginx.conf");
  writeFileSync(conf, committed.replaceAll(PRODUCTION_TLS.certificate, tlsFiles.certificate).replaceAll(PRODUCTION_TLS.key, tlsFiles.key).replaceAll("/tmp/nginx", prefix));
  const check = spawnSync(NGINX.binary, ["-t", "-p", prefix, "-c", conf, "-e", join(prefix, "error.log")], { encoding: "utf8" });
  expect(check.stderr).toContain("test is successful");
  expect(check.status).toBe(0);
});
