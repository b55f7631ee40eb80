// Linux /proc readings of another process (CPU time, memory), for benchmarks and load tests
// that compare a child process with telemetry on and off. Undefined / 0 once the process is gone.
import { readFileSync } from "node:fs";

/** Clock ticks per second for /proc/<pid>/stat; 100 on every Linux this project runs on. */
const CLK_TCK = 100;

export interface ProcStat {
  readonly ppid: number;
  /** User + system CPU time so far. */
  readonly cpuSeconds: number;
  readonly zombie: boolean;
}

export function readProcStat(pid: number): ProcStat | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may contain spaces) start after the last ')'.
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { ppid: Number(f[1]), cpuSeconds: (Number(f[11]) + Number(f[12])) / CLK_TCK, zombie: f[0] === "Z" };
  } catch {
    return undefined;
  }
}

/** A "<key>: N kB" line of /proc/<pid>/status (VmRSS, VmHWM, RssAnon…), in bytes. */
export function readProcStatusBytes(pid: number, key: string): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}
