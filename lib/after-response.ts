import "server-only";
import { after } from "next/server";

/**
 * Runs `work` once the response has been sent (Next's after()), so how long it takes, and whether
 * it found anything, cannot show in the answer. Failures are logged: nobody is waiting for them.
 */
export function afterResponse(label: string, work: () => Promise<unknown>): void {
  after(async () => {
    try {
      await work();
    } catch (error) {
      console.error(`[after-response] ${label} failed`, error);
    }
  });
}

/**
 * Starts `work` after the current request's response; outside a request (scripts, tests) does
 * nothing, for work the server's timer (and the cron route) also runs, so none is lost.
 */
export function alsoAfterResponse(work: () => Promise<unknown>): void {
  try {
    after(work);
  } catch {
    // Not in a request: the timer or the cron route gets to it.
  }
}
