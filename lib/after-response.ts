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
