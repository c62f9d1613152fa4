// What the server does once when it starts (instrumentation.ts): validate configuration (a production
// start without its secrets or its database fails here, with the reason), then open the database,
// which migrates the embedded one in-process, rehash recovery codes left unkeyed by earlier versions
// (they are refused until then), and start delivering the mail outbox.
import "server-only";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { runMailPoller } from "@/lib/mail/poll";
import { startPurgeSchedule } from "@/lib/purge";
import { upgradeLegacyRecoveryCodes } from "@/lib/two-factor/recovery-code-upgrade";

export async function startServer() {
  if (process.env.NEXT_PHASE === "phase-production-build") return;
  keepServingWithoutLogs();
  try {
    await start();
  } catch (error) {
    if (process.env.NODE_ENV !== "production") throw error; // development shows it in the browser
    // `next start` logs a failing register() and then answers every request with a 500. A server
    // that cannot work stops instead, so the host reports a failed start with the reason.
    console.error(`\nTwofold did not start. ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}

/**
 * When whatever reads the server's output goes away (a log shipper, a terminal) or its disk fills,
 * writing fails. Unheeded, that error is uncaught, Next logs it to the same broken stream, and the loop
 * holds the event loop for good: no request answered, SIGTERM ignored. Instead the server serves on,
 * saying once on the other stream (if it still works) that this one's lines are lost.
 */
function keepServingWithoutLogs() {
  const streams = [
    ["stdout", process.stdout, process.stderr],
    ["stderr", process.stderr, process.stdout],
  ] as const;
  for (const [name, stream, other] of streams) {
    let told = false;
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (told) return;
      told = true;
      other.write(
        `Twofold: writing to ${name} failed (${error.code ?? error.message}); its lines are lost from now on.\n`,
      );
    });
  }
}

async function start() {
  const config = env();
  // Development without NEXTAUTH_URL: let next-auth build its URLs from the request's host (any port).
  // Production requires NEXTAUTH_URL, so a forged Host header never shapes a redirect there.
  if (!config.production && !config.appUrl) process.env.AUTH_TRUST_HOST ??= "1";
  // `next start` passes a client's X-Forwarded-For through untouched; server.mjs (`npm start`) appends
  // the connecting address, which the per-IP limits rely on (lib/client-address.ts).
  if (config.production && !config.onVercel && process.env.TWOFOLD_SERVER !== "1") {
    console.warn(
      "Twofold: started without its server (npm start / node server.mjs). X-Forwarded-For then arrives as the client wrote it, " +
        "so per-IP limits and audit addresses can be forged. Start it with `npm start`.",
    );
  }
  const upgraded = await upgradeLegacyRecoveryCodes(await db(), config.totpKeys);
  if (upgraded) console.log(`[db] recovery codes rehashed under the server key: ${upgraded}`);
  // Mail that could not go out after its request (mail server down, a crash) is retried from here;
  // serverless hosts, which freeze between requests, call /api/cron/mail instead.
  // Each run first expands pending broadcasts (one email per member, in batches) into the outbox.
  setInterval(runMailPoller, MAIL_POLL_MS).unref();
  // Expired challenges, counters, tokens and old mail, in small batches between requests (lib/purge.ts).
  startPurgeSchedule();
}

const MAIL_POLL_MS = 5_000;
