"use client";
import { postToAuth } from "@/components/auth/auth-post";
import { safeRedirectPath } from "@/lib/safe-redirect";

/**
 * Exchanges the finished login challenge (httpOnly cookie) for a session, unless the last step's
 * answer already carried it (`signedIn`), then loads the destination with a full navigation so every
 * server component sees the new session.
 */
export async function finishSignIn(destination: string, signedIn = false): Promise<boolean> {
  // The destination, not this page's address, which may carry `error` or `csrf` from a link.
  const path = safeRedirectPath(destination, window.location.origin); // the server checks it too
  if (!signedIn && !(await postToAuth("callback/challenge", path))) return false;
  window.location.assign(path);
  return true;
}
