// Pseudonymous install id: random, persisted in the telemetry data dir, never derived from
// the user or the machine. "Delete my data" replaces it, unlinking past telemetry.
import { randomUUID } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const FILE = "install-id";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function loadInstallId(dataDir: string): string {
  try {
    const id = readFileSync(join(dataDir, FILE), "utf8").trim();
    if (UUID.test(id)) return id;
  } catch {
    // First run, or unreadable: a new id below.
  }
  return renewInstallId(dataDir);
}

export function renewInstallId(dataDir: string): string {
  const id = randomUUID();
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(join(dataDir, FILE), `${id}\n`, { mode: 0o600 });
  return id;
}
