// Runs once when the server starts: validate configuration (a production start without its secrets
// fails here, with the reason), then open the database, which migrates the embedded one in-process,
// and rehash recovery codes left unkeyed by earlier versions (they are refused until then).
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.NEXT_PHASE === "phase-production-build") return;
  const { env } = await import("./lib/env");
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
  const { db } = await import("./lib/db");
  const { upgradeLegacyRecoveryCodes } = await import("./lib/two-factor/recovery-code-upgrade");
  const upgraded = await upgradeLegacyRecoveryCodes(await db(), config.totpKeys);
  if (upgraded) console.log(`[db] recovery codes rehashed under the server key: ${upgraded}`);
}
