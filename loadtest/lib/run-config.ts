// The runner (scripts/loadtest.ts) writes everything a script needs that comes from the
// catalog or the protocol (routes, event names, channels, payloads) into one JSON file, so
// k6 never hand-types a name and never imports Node-only modules. Read once, in init context.

export function runConfig<T>(): T {
  const path = __ENV.RUN_CONFIG;
  if (!path) throw new Error("RUN_CONFIG is not set: run k6 through `npm run loadtest`, which writes it");
  return JSON.parse(open(path)) as T;
}
