// Service identities. `service.name` becomes the `job` label in Prometheus and the
// `service_name` stream label in Loki, so queries select a service through these constants.
import type { Emitter } from "./types.ts";

export const CLIENT_SERVICE = "kicktalk";
export const SERVER_SERVICE = "kicktalk-chat-server";

/** Resource attribute `process.type` distinguishes Electron's processes (seed 000 P0). */
export const PROCESS_TYPES = {
  "client-main": "electron-main",
  "client-renderer": "electron-renderer",
  server: "node",
} as const satisfies Record<Emitter, string>;

export const SERVICE_OF: Readonly<Record<Emitter, string>> = {
  "client-main": CLIENT_SERVICE,
  "client-renderer": CLIENT_SERVICE,
  server: SERVER_SERVICE,
};

/**
 * Labels every Prometheus series gets from the resource, not from the instrument:
 * `job` from service.name (and service.namespace) and `instance` from service.instance.id
 * (the translation's own), `service_version` and `deployment_environment_name` from
 * service.version and deployment.environment.name (promoted by the gateway onto every point:
 * stack/config/collector.yaml transform/promote_resource; issue 12 defect 11). Each process has
 * one value of each, so they add no series per process. Queries may use them without the metric
 * declaring them.
 */
export const RESOURCE_LABELS = ["job", "instance", "service_version", "deployment_environment_name"] as const;

/** The release and environment labels (RESOURCE_LABELS), as dashboards filter by them. */
export const VERSION_LABEL = "service_version";
export const ENVIRONMENT_LABEL = "deployment_environment_name";
