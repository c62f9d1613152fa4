"use client";
import { postToAuth } from "@/components/auth/auth-post";
import { safeRedirectPath } from "@/lib/safe-redirect";

/**
 * Exchanges the finished login challenge (httpOnly cookie) for a session, then loads the destination
 * with a full navigation so every server component sees the new session.
 */
export async function finishSignIn(destination: string): Promise<boolean> {
  if (!(await postToAuth("callback/challenge", window.location.href))) return false;
  window.location.assign(safeRedirectPath(destination, window.location.origin)); // the server checked it too
  return true;
}
