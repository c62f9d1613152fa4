// Waiting for a call to queue behind a row lock a test holds (PostgreSQL only: PGlite serves one
// connection, so nothing can wait for a lock there).
import { db } from "@/lib/db";

export const settled = <T>(call: Promise<T>): Promise<PromiseSettledResult<T>> =>
  call.then(
    (value) => ({ status: "fulfilled", value }),
    (reason: unknown) => ({ status: "rejected", reason }),
  );

async function waitingForLocks(): Promise<number> {
  const [{ waiting }] = await (
    await db()
  ).$queryRaw<[{ waiting: number }]>`
    SELECT count(*)::int AS waiting FROM pg_stat_activity
    WHERE datname = current_database() AND wait_event_type = 'Lock'`;
  return waiting;
}

/**
 * Resolves once `sessions` sessions of this database wait for a lock. With `mayEnd`, also once `call`
 * ended (code that does not wait is then what the test shows); without, a call that ended first fails.
 */
export async function queuedOnALock(call: Promise<unknown>, sessions = 1, { mayEnd = false } = {}) {
  let ended = false;
  void call.finally(() => (ended = true));
  for (let tries = 0; tries < 400; tries++) {
    if ((await waitingForLocks()) >= sessions) return;
    if (ended) {
      if (mayEnd) return;
      throw new Error("the call ended without waiting for a lock");
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error("the call never waited for a lock");
}
