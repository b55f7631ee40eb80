// The two self-hosted Grafanas of docker-compose.yml: `grafana` file-provisions generated/ for an
// instant local view (read-only, allowUiUpdates: false), `grafana-pulumi` is the one
// Pulumi.self-hosted.yaml targets. Read from the committed configs: nothing Pulumi manages is
// also file-provisioned in the Grafana it targets; the same check on `grafana` shows the
// collision it prevents.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { SELF_HOSTED_GRAFANA_URL } from "./config.ts";
import { ofType, plain, runStackFile, type ProgramRun } from "./testing/run-program.ts";

interface ComposeService {
  image?: string;
  profiles?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
}
const compose = parse(readFileSync("docker-compose.yml", "utf8")) as { services: Record<string, ComposeService> };
const stack = parse(readFileSync("Pulumi.self-hosted.yaml", "utf8")) as { config: Record<string, string> };

/** What one Grafana holds, by the keys Grafana keeps unique. */
interface GrafanaObjects {
  datasources: Set<string>;
  folderUids: Set<string>;
  folderTitles: Set<string>;
  dashboards: Set<string>;
  rules: Set<string>;
  contactPoints: Set<string>;
  muteTimings: Set<string>;
  /** The one notification policy tree per organisation. */
  policyTree: Set<string>;
}
const empty = (): GrafanaObjects => ({
  datasources: new Set(),
  folderUids: new Set(),
  folderTitles: new Set(),
  dashboards: new Set(),
  rules: new Set(),
  contactPoints: new Set(),
  muteTimings: new Set(),
  policyTree: new Set(),
});

/** The Grafana services of the compose file: grafana/grafana images. */
const grafanaServices = () => Object.entries(compose.services).filter(([, s]) => s.image?.startsWith("grafana/grafana:"));

/** The service publishing `url`'s port on the host. */
function serviceAt(url: string): string {
  const port = new URL(url).port;
  const found = grafanaServices().filter(([, s]) => (s.ports ?? []).some((p) => p.split(":").slice(-2)[0] === port));
  expect(found.map(([name]) => name), `Grafana services publishing port ${port}`).toHaveLength(1);
  return found[0]![0];
}

/** Bind mounts as [host path, container path]; named volumes as [undefined, container path]. */
function mounts(service: ComposeService): [string | undefined, string][] {
  return (service.volumes ?? []).map((v) => {
    const [src = "", dst = ""] = v.split(":");
    return [src.startsWith(".") || src.startsWith("/") ? path.resolve(src) : undefined, dst];
  });
}

/** The host directory behind a container path, undefined when nothing is mounted there; throws for named volumes. */
function hostPath(service: ComposeService, name: string, containerPath: string): string | undefined {
  const m = mounts(service).filter(([, dst]) => containerPath === dst || containerPath.startsWith(`${dst}/`)).sort((a, b) => b[1].length - a[1].length)[0];
  if (m === undefined) return undefined;
  const [src, dst] = m;
  if (src === undefined) {
    if (containerPath.startsWith("/etc/grafana") || containerPath.startsWith("/var/lib/grafana/dashboards")) throw new Error(`${name}: ${containerPath} is a named volume; what it provisions cannot be read from the repository`);
    return undefined;
  }
  return path.join(src, path.relative(dst, containerPath));
}

const yamlFiles = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).map((f) => parse(readFileSync(path.join(dir, f), "utf8")) as Record<string, unknown>) : []);
const jsonFiles = (dir: string): string[] =>
  existsSync(dir) ? readdirSync(dir).flatMap((f) => (statSync(path.join(dir, f)).isDirectory() ? jsonFiles(path.join(dir, f)) : f.endsWith(".json") ? [path.join(dir, f)] : [])) : [];

/** Everything a compose Grafana service file-provisions at start-up (Grafana's provisioning directory layout). */
function fileProvisioned(name: string): GrafanaObjects {
  const service = compose.services[name]!;
  const out = empty();
  const root = hostPath(service, name, service.environment?.["GF_PATHS_PROVISIONING"] ?? "/etc/grafana/provisioning");
  if (root === undefined) return out; // the image's own provisioning directory holds only samples
  for (const doc of yamlFiles(path.join(root, "datasources"))) for (const d of (doc["datasources"] ?? []) as { uid: string }[]) out.datasources.add(d.uid);
  for (const doc of yamlFiles(path.join(root, "dashboards"))) {
    for (const p of (doc["providers"] ?? []) as { folder?: string; folderUid?: string; options: { path: string } }[]) {
      if (p.folderUid) out.folderUids.add(p.folderUid);
      if (p.folder) out.folderTitles.add(p.folder);
      const dir = hostPath(service, name, p.options.path);
      for (const file of dir ? jsonFiles(dir) : []) out.dashboards.add((JSON.parse(readFileSync(file, "utf8")) as { uid: string }).uid);
    }
  }
  for (const doc of yamlFiles(path.join(root, "alerting"))) {
    for (const g of (doc["groups"] ?? []) as { folder: string; rules: { uid: string }[] }[]) {
      out.folderTitles.add(g.folder);
      for (const r of g.rules) out.rules.add(r.uid);
    }
    for (const c of (doc["contactPoints"] ?? []) as { name: string }[]) out.contactPoints.add(c.name);
    for (const m of (doc["muteTimes"] ?? []) as { name: string }[]) out.muteTimings.add(m.name);
    if (((doc["policies"] ?? []) as unknown[]).length > 0) out.policyTree.add("notification policy tree");
  }
  return out;
}

/** Everything `pulumi up` of the self-hosted stack creates in its Grafana. */
function managedBy(run: ProgramRun): GrafanaObjects {
  const out = empty();
  for (const r of ofType(run, "grafana:oss/dataSource:DataSource")) out.datasources.add(String(r.inputs["uid"]));
  for (const r of ofType(run, "grafana:oss/folder:Folder")) {
    out.folderUids.add(String(r.inputs["uid"]));
    out.folderTitles.add(String(r.inputs["title"]));
  }
  for (const r of ofType(run, "grafana:oss/dashboard:Dashboard")) out.dashboards.add((JSON.parse(String(r.inputs["configJson"])) as { uid: string }).uid);
  for (const r of ofType(run, "grafana:alerting/ruleGroup:RuleGroup")) for (const rule of r.inputs["rules"] as { uid: string }[]) out.rules.add(rule.uid);
  for (const r of ofType(run, "grafana:alerting/contactPoint:ContactPoint")) out.contactPoints.add(String(plain(r.inputs["name"])));
  for (const r of ofType(run, "grafana:alerting/muteTiming:MuteTiming")) out.muteTimings.add(String(r.inputs["name"]));
  if (ofType(run, "grafana:alerting/notificationPolicy:NotificationPolicy").length > 0) out.policyTree.add("notification policy tree");
  return out;
}

function overlap(a: GrafanaObjects, b: GrafanaObjects): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const key of Object.keys(a) as (keyof GrafanaObjects)[]) {
    const both = [...a[key]].filter((x) => b[key].has(x)).sort();
    if (both.length > 0) out[key] = both;
  }
  return out;
}

let managed: GrafanaObjects;
beforeAll(async () => {
  managed = managedBy(await runStackFile("Pulumi.self-hosted.yaml"));
});

describe("the two self-hosted Grafanas", () => {
  it("Pulumi.self-hosted.yaml targets a Grafana service of its own, started by a compose profile", () => {
    expect(stack.config["beacon:grafanaUrl"]).toBe(SELF_HOSTED_GRAFANA_URL);
    const target = serviceAt(stack.config["beacon:grafanaUrl"]!);
    expect(target).toBe("grafana-pulumi");
    expect(compose.services[target]?.profiles).toEqual(["pulumi"]);
    // A shared data volume would make them one Grafana database.
    const dataOf = (name: string) => mounts(compose.services[name]!).find(([, dst]) => dst === "/var/lib/grafana")?.[1] && compose.services[name]!.volumes?.find((v) => v.endsWith(":/var/lib/grafana"));
    expect(dataOf(target)).toBeDefined();
    expect(dataOf(target)).not.toBe(dataOf("grafana"));
  });

  it("nothing Pulumi manages is file-provisioned in the Grafana it targets", () => {
    const target = fileProvisioned(serviceAt(stack.config["beacon:grafanaUrl"]!));
    expect(overlap(managed, target)).toEqual({});
    expect(Object.values(target).every((s: Set<string>) => s.size === 0)).toBe(true);
  });

  it("pointed at the file-provisioned Grafana instead, every kind of object would collide", () => {
    const provisioned = fileProvisioned(serviceAt("http://localhost:3000"));
    const clash = overlap(managed, provisioned);
    expect(Object.keys(clash).sort()).toEqual(["contactPoints", "dashboards", "datasources", "folderTitles", "folderUids", "muteTimings", "policyTree", "rules"]);
    expect(clash["datasources"]).toEqual(["beacon-alertmanager", "beacon-loki", "beacon-prometheus", "beacon-tempo"]);
  });
});
