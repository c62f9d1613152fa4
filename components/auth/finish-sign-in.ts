"use client";
import { signIn } from "next-auth/react";

/**
 * Exchanges the finished login challenge (httpOnly cookie) for a session, then loads the destination
 * with a full navigation so every server component sees the new session.
 */
export async function finishSignIn(destination: string): Promise<boolean> {
  const result = await signIn("challenge", { redirect: false });
  if (!result?.ok || result.error) return false;
  window.location.assign(destination);
  return true;
}
