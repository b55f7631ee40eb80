// Sends push bodies to Loki's HTTP push API (/loki/api/v1/push, JSON with structured
// metadata). One request per batch; a rejected batch is reported with the source lines it
// covered and Loki's own message, and the remaining batches are still sent.
import type { PushBatch } from "./jsonl-logs.ts";

export interface PushOutcome {
  readonly accepted: number;
  readonly failures: readonly { readonly firstLine: number; readonly lastLine: number; readonly entries: number; readonly error: string }[];
}

export async function pushToLoki(lokiUrl: string, batches: readonly PushBatch[], opts: { timeoutMs?: number; tenant?: string } = {}): Promise<PushOutcome> {
  const url = new URL("/loki/api/v1/push", lokiUrl);
  let accepted = 0;
  const failures: { firstLine: number; lastLine: number; entries: number; error: string }[] = [];
  for (const b of batches) {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (opts.tenant) headers["x-scope-orgid"] = opts.tenant;
    let error: string | null = null;
    try {
      const res = await fetch(url, {
        method: "POST",
        headers,
        body: JSON.stringify(b.body),
        signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
      });
      if (res.status !== 204 && res.status !== 200) error = `HTTP ${res.status}: ${(await res.text()).trim().slice(0, 500)}`;
    } catch (err) {
      error = `${url.href}: ${(err as Error).message}${(err as { cause?: Error }).cause ? ` (${(err as { cause: Error }).cause.message})` : ""}`;
    }
    if (error) failures.push({ firstLine: b.firstLine, lastLine: b.lastLine, entries: b.entries, error });
    else accepted += b.entries;
  }
  return { accepted, failures };
}
