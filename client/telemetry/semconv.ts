// Attribute keys this layer sets. Standard ones come from @opentelemetry/semantic-conventions;
// the custom ones are here, each with why no standard key fits.
export {
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_VERSION,
  ATTR_EXCEPTION_TYPE,
  ATTR_EXCEPTION_MESSAGE,
  ATTR_EXCEPTION_STACKTRACE,
} from "@opentelemetry/semantic-conventions";

/** Incubating semconv keys, copied (the incubating entry point is not a stable API). */
export const ATTR_PROCESS_TYPE = "process.type"; // seed 000 P0 names it; no semconv key for Electron's process kind
export const ATTR_SERVICE_INSTANCE_ID = "service.instance.id";
export const ATTR_DEPLOYMENT_ENVIRONMENT_NAME = "deployment.environment.name";

/** Pseudonymous install id: random, persisted; `service.instance.id` is per-process in semconv, this outlives restarts. */
export const ATTR_INSTALL_ID = "kicktalk.install.id";

/** IPC span attributes (catalog SPAN_FAMILIES.ipc); semconv has no IPC namespace. */
export const ATTR_IPC_CHANNEL = "ipc.channel";
export const ATTR_IPC_KIND = "ipc.kind";
export const ATTR_IPC_ORIGIN = "ipc.origin";
export const ATTR_IPC_PAYLOAD_SIZE = "ipc.payload_size";
export const ATTR_IPC_REJECTED = "ipc.rejected";

/** Set at span start to force sampling of a critical operation (startup, sends); read by the sampler. */
export const ATTR_FORCE_SAMPLE = "kicktalk.sampling.forced";

/** Carrier key the renderer puts its W3C trace context under in every IPC payload (seed 000 P1). */
export const IPC_OTEL_KEY = "_otel";
