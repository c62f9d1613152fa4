// A User-Agent string in words a person recognises ("Chrome on Linux"), for the sessions list.
// Parsed with bowser (maintained, MIT) rather than by hand-written patterns; the raw string is what
// the session record keeps, so a newer parser describes old records better too.
import Bowser from "bowser";

export function describeBrowser(userAgent: string | null | undefined): string {
  if (!userAgent?.trim()) return "Unknown browser";
  const { browser, os } = Bowser.parse(userAgent);
  const name = browser.name?.trim();
  const system = os.name?.trim();
  if (name && system) return `${name} on ${system}`;
  return name || (system ? `A browser on ${system}` : "Unknown browser");
}

/** "just now", "5 minutes ago", "3 hours ago", "2 days ago": how long ago `then` was, at `now`. */
export function timeAgo(then: Date, now: Date): string {
  const minutes = Math.floor((now.getTime() - then.getTime()) / 60_000);
  if (minutes < 1) return "just now";
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? "" : "s"} ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} hour${hours === 1 ? "" : "s"} ago`;
  const days = Math.floor(hours / 24);
  return `${days} day${days === 1 ? "" : "s"} ago`;
}

/** A moment as the rest of the app shows it: "2026-12-03 11:40 UTC". */
export const utcMinute = (at: Date) => `${at.toISOString().replace("T", " ").slice(0, 16)} UTC`;
