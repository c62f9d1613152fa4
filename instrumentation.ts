// Runs once when the server starts (lib/server-start.ts). Next also builds this file for the Edge
// runtime (for proxy.ts), where Node's APIs do not exist: the start is imported only under a check of
// NEXT_RUNTIME written as Next inlines it, so that build leaves the import out instead of compiling
// the database, the migrations and the schema engine for the Edge and warning about each.
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") await (await import("./lib/server-start")).startServer();
}
