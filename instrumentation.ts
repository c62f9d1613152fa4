// Runs once when the server starts: validate configuration (a production start without its secrets
// fails here, with the reason), then open the database, which migrates the embedded one in-process.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.NEXT_PHASE === "phase-production-build") return;
  const { env } = await import("./lib/env");
  env();
  const { db } = await import("./lib/db");
  await db();
}
