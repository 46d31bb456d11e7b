import { readdirSync, readFileSync } from 'node:fs';

/** Resident memory of a process and all its descendants, in MB, read from /proc. */
export function processTreeRssMb(rootPid: number): number {
  return processTreeMemoryMb(rootPid).rss;
}

/**
 * RSS and PSS of a process tree, in MB. Summed RSS counts the pages the processes share (the
 * Chromium binary, fonts) once per process, so it overstates; PSS splits shared pages between
 * their users, so the sum of PSS is what the tree really holds.
 */
export function processTreeMemoryMb(rootPid: number): { rss: number; pss: number } {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      const ppid = Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // The process ended while we looked.
    }
  }
  let rssKb = 0;
  let pssKb = 0;
  const queue = [rootPid];
  while (queue.length > 0) {
    const pid = queue.pop() as number;
    try {
      const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      rssKb += Number(/^Rss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
      pssKb += Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
    } catch {
      // Ended, or not ours to read.
    }
    queue.push(...(children.get(pid) ?? []));
  }
  return { rss: Math.round(rssKb / 1024), pss: Math.round(pssKb / 1024) };
}

/** Samples the tree's memory every `intervalMs` until stopped; returns the peaks. */
export function sampleTreeMemory(
  rootPid: number,
  intervalMs = 100,
): () => { rss: number; pss: number } {
  const peak = processTreeMemoryMb(rootPid);
  const sample = () => {
    const now = processTreeMemoryMb(rootPid);
    peak.rss = Math.max(peak.rss, now.rss);
    peak.pss = Math.max(peak.pss, now.pss);
  };
  const timer = setInterval(sample, intervalMs);
  return () => {
    clearInterval(timer);
    sample();
    return peak;
  };
}
