// A closed loop of `clients` concurrent clients sending `total` requests between them, each timing
// only its HTTP exchange (preparing a code or a challenge is not the server's time). Throughput is
// requests over the wall time of the whole run. A failed request is counted and kept, never retried.
import { performance } from "node:perf_hooks";
import { percentile } from "../load/report";

export type Figures = { n: number; errors: number; p50: number; p99: number; perSecond: number; error?: string };

/**
 * Runs `request(i, time)` for i = 0 … total-1, or until `seconds` have passed (no new request starts
 * after that); the request wraps what the server must answer in `time`.
 */
export async function drive(
  total: number,
  clients: number,
  request: (i: number, time: <T>(exchange: () => Promise<T>) => Promise<T>) => Promise<void>,
  seconds = Infinity,
): Promise<Figures> {
  const samples: number[] = [];
  let errors = 0;
  let error: string | undefined;
  let next = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: Math.min(clients, total) }, async () => {
      while (next < total && performance.now() < until) {
        const i = next++;
        try {
          await request(i, async (exchange) => {
            const t0 = performance.now();
            const value = await exchange();
            samples.push(performance.now() - t0);
            return value;
          });
        } catch (e) {
          errors++;
          error ??= e instanceof Error ? e.message : String(e);
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  samples.sort((a, b) => a - b);
  return {
    n: samples.length,
    errors,
    p50: percentile(samples, 0.5),
    p99: percentile(samples, 0.99),
    perSecond: samples.length / elapsed,
    error,
  };
}
