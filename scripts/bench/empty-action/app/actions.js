"use server";

/** Does nothing, so what it costs is the framework's own handling of a server action. */
export async function emptyAction() {
  return { ok: true };
}
