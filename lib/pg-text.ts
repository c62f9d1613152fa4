// PostgreSQL text cannot hold U+0000, and UTF-8 has no encoding for half of a UTF-16 surrogate pair:
// the driver stores U+FFFD in its place, and jsonb (the audit log's details) refuses its escape
// outright. Input carrying either would fail in the database (an HTTP 500, or a change made while its
// audit event is lost) or be stored other than it was sent, instead of being refused as bad input.
// The one rule, for the action boundary (every argument) and for what arrives outside it.

const UNSTORABLE = /[\u0000\p{Cs}]/u;

/** True when a string, or any key or string inside an object or array (8 levels deep), cannot be stored as text. */
export function holdsUnstorableText(value: unknown, depth = 0): boolean {
  if (typeof value === "string") return UNSTORABLE.test(value);
  if (depth > 8 || value === null || typeof value !== "object") return false;
  return Object.entries(value).some(([key, item]) => UNSTORABLE.test(key) || holdsUnstorableText(item, depth + 1));
}
