// Debian packages the project needs (promtool, Prometheus, Alertmanager, Chromium), installed
// on first use so a fresh machine works from the README alone. Runs apt-get only when a
// binary is missing; as root on these machines, through sudo elsewhere.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

export interface SystemTool {
  readonly binary: string;
  readonly debianPackage: string;
}

export const SYSTEM_TOOLS = {
  promtool: { binary: "/usr/bin/promtool", debianPackage: "prometheus" },
  prometheus: { binary: "/usr/bin/prometheus", debianPackage: "prometheus" },
  alertmanager: { binary: "/usr/bin/prometheus-alertmanager", debianPackage: "prometheus-alertmanager" },
  chromium: { binary: "/usr/bin/chromium", debianPackage: "chromium" },
} as const satisfies Record<string, SystemTool>;

let aptUpdated = false;

function asRoot(args: string[]): string[] {
  return process.getuid?.() === 0 ? args : ["sudo", ...args];
}

/** Installs whichever of `tools` are missing, in one apt-get call; returns their paths. */
export function ensureSystemTools(...tools: SystemTool[]): void {
  const missing = tools.filter((t) => !existsSync(t.binary));
  if (missing.length === 0) return;
  const packages = [...new Set(missing.map((t) => t.debianPackage))];
  console.error(`[setup] installing Debian packages: ${packages.join(" ")}`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  if (!aptUpdated) {
    const [cmd, ...args] = asRoot(["apt-get", "update", "-qq"]);
    execFileSync(cmd as string, args, { stdio: "inherit", env });
    aptUpdated = true;
  }
  // The prometheus package's postinst starts a service; there is no init here, which is fine.
  const [cmd, ...args] = asRoot(["apt-get", "install", "-y", "-qq", "--no-install-recommends", ...packages]);
  const r = spawnSync(cmd as string, args, { stdio: "inherit", env });
  const still = missing.filter((t) => !existsSync(t.binary));
  if (still.length > 0) {
    throw new Error(`apt-get install ${packages.join(" ")} (exit ${r.status}) left missing: ${still.map((t) => t.binary).join(", ")}`);
  }
}
