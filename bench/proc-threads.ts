/** CPU time of a measured process's threads, polled from /proc (Linux), for the benchmarks. */
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/PID/stat's utime and stime: 100 on every Linux this runs on. */
export const CLOCK_TICKS = 100;

/** CPU seconds of each thread of `pid`, by thread id. */
export function threadCpuSeconds(pid: number, into: Map<number, number>): void {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return;
  }
  for (const tid of tids) {
    try {
      const fields = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
      const seconds = (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
      into.set(Number(tid), Math.max(into.get(Number(tid)) ?? 0, seconds));
    } catch {
      // the thread ended between listing and reading
    }
  }
}

/** The measured process: /usr/bin/time's child once it has started, else the child itself. */
export function measuredPid(childPid: number, underTime: boolean): number | undefined {
  if (!underTime) return childPid;
  try {
    const children = readFileSync(`/proc/${childPid}/task/${childPid}/children`, 'utf8').trim();
    return children === '' ? undefined : Number(children.split(' ')[0]);
  } catch {
    return undefined;
  }
}
