// The app server's memory under sign-ins: its resident set (RSS, Linux /proc) at each mark of
// whole sign-ins, run in batches that each start with fresh codes (scripts/bench/codes.ts).
import { readFileSync } from "node:fs";
import { drive } from "./drive";
import type { Target } from "./targets";

export function rssMiB(pid: number | undefined): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8").match(/^VmRSS:\s+(\d+) kB/m);
  return line ? Number(line[1]) / 1024 : NaN;
}

export type MemoryMark = { signIns: number; rssMiB: number; errors: number; perSecond: number };

/** Whole sign-ins at `clients` until `total`, in batches; RSS read at half-way and at the end. */
export async function memoryUnderSignIns(
  signIn: Target,
  pid: number | undefined,
  total: number,
  clients: number,
  batch: number,
): Promise<{ before: number; marks: MemoryMark[] }> {
  const before = rssMiB(pid);
  const marks: MemoryMark[] = [];
  let done = 0;
  let errors = 0;
  for (const mark of [Math.floor(total / 2), total]) {
    let perSecond = NaN;
    while (done < mark) {
      const count = Math.min(batch, mark - done);
      await signIn.prepare?.(count);
      const offset = done;
      const figures = await drive(count, clients, (i, time) => signIn.request(offset + i, time));
      done += count;
      errors += figures.errors;
      perSecond = figures.perSecond;
      console.error(`  ${done} whole sign-ins, server RSS ${rssMiB(pid).toFixed(0)} MiB, ${errors} errors`);
    }
    marks.push({ signIns: done, rssMiB: rssMiB(pid), errors, perSecond });
  }
  return { before, marks };
}
