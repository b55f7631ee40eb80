// Dependency health checks (seed 003): each registered check runs on an interval and is
// counted in kicktalk_dependency_checks (by outcome: a count adds up across installs, where a
// 0/1 gauge per install did not survive the fleet gateway) and timed in
// kicktalk_dependency_check_duration.
import { diag } from "@opentelemetry/api";
import { httpRequest, type HttpRequest } from "./http-request.ts";
import type { ClientInstruments, DependencyName, HealthCheck } from "./types.ts";

/** A check that GETs a URL (the chat server's /healthz) and passes on 2xx. */
export function httpHealthCheck(url: string, opts: { fetch?: HttpRequest; timeoutMs?: number } = {}): HealthCheck {
  const request = opts.fetch ?? httpRequest;
  return async () => (await request(url, { signal: AbortSignal.timeout(opts.timeoutMs ?? 5000) })).ok;
}

export class HealthChecker {
  readonly #checks = new Map<DependencyName, HealthCheck>();
  readonly #instruments: ClientInstruments;
  readonly #isEnabled: () => boolean;

  constructor(instruments: ClientInstruments, isEnabled: () => boolean) {
    this.#instruments = instruments;
    this.#isEnabled = isEnabled;
  }

  register(dependency: DependencyName, check: HealthCheck): void {
    this.#checks.set(dependency, check);
  }

  /** Runs every check once (in parallel); a throw counts as down. Does nothing while disabled. */
  async runAll(): Promise<Partial<Record<DependencyName, boolean>>> {
    const out: Partial<Record<DependencyName, boolean>> = {};
    if (!this.#isEnabled()) return out;
    await Promise.all(
      [...this.#checks].map(async ([dependency, check]) => {
        const t0 = performance.now();
        let up = false;
        try {
          up = (await check()) === true;
        } catch (err) {
          diag.debug(`telemetry: health check ${dependency} failed`, err);
        }
        out[dependency] = up;
        this.#instruments.dependencyChecks.record(1, { dependency, success: String(up) });
        this.#instruments.dependencyCheckDuration.record((performance.now() - t0) / 1000, { dependency });
      }),
    );
    return out;
  }
}
