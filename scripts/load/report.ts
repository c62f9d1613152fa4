// Figures from the virtual users' timings, and the machine they were measured on, as Markdown.
import { readFileSync } from "node:fs";
import os from "node:os";
import type { Timing } from "./http";

export function percentile(sorted: number[], q: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

const ms = (n: number) => (Number.isNaN(n) ? "–" : n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${n.toFixed(0)} ms`);

export function latencyTable(timings: Timing[], journeys: number[]): string {
  const bySteps = new Map<string, number[]>();
  for (const { step, ms: t } of timings) (bySteps.get(step) ?? bySteps.set(step, []).get(step)!).push(t);
  const rows: [string, number[]][] = [["whole sign-in (GET /login … session cookie)", journeys], ...bySteps];
  const lines = ["| step | n | p50 | p99 | max |", "| --- | --- | --- | --- | --- |"];
  for (const [step, samples] of rows) {
    const sorted = [...samples].sort((a, b) => a - b);
    lines.push(
      `| ${step} | ${sorted.length} | ${ms(percentile(sorted, 0.5))} | ${ms(percentile(sorted, 0.99))} | ${ms(sorted.at(-1) ?? NaN)} |`,
    );
  }
  return lines.join("\n");
}

export function machine(): string {
  const cpus = os.cpus();
  return `${cpus.length} × ${cpus[0]?.model.trim() ?? "unknown CPU"}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.type()} ${os.release()}`;
}

export const loadAverage = () =>
  os
    .loadavg()
    .map((n) => n.toFixed(1))
    .join(" / ");

/**
 * CPU seconds a process has used (Linux /proc; null elsewhere). The machine may be shared: what the
 * app server spends per sign-in is the figure that does not depend on who else is running.
 */
export function cpuSeconds(pid: number | undefined): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks (USER_HZ = 100)
  } catch {
    return null;
  }
}

/** A process's resident memory (VmRSS) in MiB, from Linux's /proc; null elsewhere. */
export function residentMiB(pid: number | undefined): number | null {
  try {
    const kib = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
    return kib ? Number(kib) / 1024 : null;
  } catch {
    return null;
  }
}
