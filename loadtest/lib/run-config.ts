// The runner writes everything a k6 script needs that comes from the catalog or the protocol
// (routes, event names, channels, payloads) into one JSON file, so k6 never hand-types a name
// and never imports Node-only modules. Read once, in init context. The k6 globals are passed in
// (`runConfig(__ENV, open)`) so this module stays pure and typechecks under Node too.

export function runConfig<T>(env: Readonly<Record<string, string | undefined>>, open: (path: string) => string): T {
  const path = env["RUN_CONFIG"];
  if (!path) throw new Error("RUN_CONFIG is not set: point it at a run config file (see loadtest/lib/run-configs.ts for its shape)");
  return JSON.parse(open(path)) as T;
}
