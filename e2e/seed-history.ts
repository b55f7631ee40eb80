// Last week's link counts, for the panels that compare with last week ("Change from last week" on
// the link-processing dashboard reads `offset 1w`). A stack started minutes ago holds no week-old
// samples, and Prometheus takes none by remote write (its out-of-order window is 2 h), so the e2e
// backfills them the way Prometheus documents for history: `promtool tsdb create-blocks-from
// openmetrics`, the blocks moved into the running Prometheus's data directory, which loads new
// blocks within a minute. The series are the e2e's own (job "e2e-history/…", an instance per run),
// so they never mix with what the session's server reports.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { METRICS, prometheusNames, SERVER_SERVICE } from "../catalog/index.ts";
import type { StackState } from "../stack/runner/stack-run.ts";
import { SYSTEM_TOOLS } from "../stack/runner/system-packages.ts";

const run = promisify(execFile);

const WEEK_S = 7 * 24 * 3600;
/** The backfill covers a week ago, from 2 h before to 1 h after: every `[1h] offset 1w` window of
 *  a run that queries within the hour after seeding ($__range is 1h in the e2e). */
const BEFORE_S = 2 * 3600;
const AFTER_S = 3600;
const STEP_S = 60;
/** Links created a minute, a week ago. */
const PER_STEP = 1;

export const HISTORY_JOB = `e2e-history/${SERVER_SERVICE}`;

/** OpenMetrics text: chat_server_links_created_total rising by PER_STEP every STEP_S, a week before `nowS`. */
export function linksLastWeek(nowS: number, instance: string): { text: string; samples: number } {
  const names = prometheusNames(METRICS.linksCreated);
  const lines = [`# TYPE ${names.family.replace(/_total$/, "")} counter`];
  const start = Math.floor(nowS - WEEK_S - BEFORE_S);
  let samples = 0;
  for (let t = start; t <= nowS - WEEK_S + AFTER_S; t += STEP_S, samples++) {
    lines.push(`${names.family}{job="${HISTORY_JOB}",instance="${instance}"} ${samples * PER_STEP} ${t}`);
  }
  lines.push("# EOF", "");
  return { text: lines.join("\n"), samples };
}

/** Writes last week's link counts as TSDB blocks into the running Prometheus; returns a summary. */
export async function backfillLastWeek(state: StackState, now = Date.now()): Promise<string> {
  const instance = randomBytes(4).toString("hex");
  const { text, samples } = linksLastWeek(now / 1000, instance);
  // Beside the TSDB, on its file system: a rename moves each finished block in at once.
  const work = await mkdtemp(join(state.dataDir, "e2e-backfill-"));
  try {
    const input = join(work, "links.om");
    const out = join(work, "blocks");
    await writeFile(input, text);
    await run(SYSTEM_TOOLS.promtool.binary, ["tsdb", "create-blocks-from", "openmetrics", input, out]);
    const blocks = await readdir(out);
    if (blocks.length === 0) throw new Error(`promtool wrote no block from ${samples} samples`);
    for (const b of blocks) await rename(join(out, b), join(state.dataDir, "prometheus", b));
    return `${samples} samples of last week's ${prometheusNames(METRICS.linksCreated).family} (job=${HISTORY_JOB}, instance=${instance}) in ${blocks.length} block(s)`;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
