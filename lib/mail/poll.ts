import "server-only";
import { alsoAfterResponse } from "@/lib/after-response";
import { log } from "@/lib/log";
import { expandBroadcasts } from "./broadcast";
import { deliverOutbox, type Transport } from "./outbox";
import { deliverPendingMail } from "./send";

/** The share of a run's time budget broadcasts may take; delivery of what is queued gets the rest. */
const EXPANSION_SHARE = 0.6;

/**
 * One run of the mail poller: expands pending broadcasts into messages (a batch of members at a time,
 * lib/mail/broadcast.ts), then delivers what is due. A broadcast larger than one run's share carries on
 * from its cursor in the next run.
 */
export async function pollMail(transport: Transport, budgetMs = 25_000) {
  const until = Date.now() + budgetMs;
  const { written } = await expandBroadcasts({ until: Date.now() + budgetMs * EXPANSION_SHARE });
  return { expanded: written, ...(await deliverOutbox(transport, Math.max(until - Date.now(), 0))) };
}

let expanding: Promise<unknown> | undefined;

/** The server's timer and the after-response hook: expansion (one run per process at a time), then delivery. */
export function runMailPoller(): Promise<unknown> {
  expanding ??= expandBroadcasts({ until: Date.now() + 10_000 })
    .catch((error: unknown) => log.error("mail.broadcast_failed", { error }))
    .finally(() => (expanding = undefined));
  return expanding.then(deliverPendingMail);
}

/** After the response of a request that queued a broadcast, so its first members' emails go out soon. */
export function pollAfterResponse() {
  alsoAfterResponse(runMailPoller);
}
