// PostgreSQL text cannot hold U+0000: input carrying it would fail in the database (an HTTP 500), not as
// bad input. The one rule, for the action boundary (every argument) and for what arrives outside it.

/** True when a string, or any key or string inside an object or array (8 levels deep), holds U+0000. */
export function containsNul(value: unknown, depth = 0): boolean {
  if (typeof value === "string") return value.includes("\u0000");
  if (depth > 8 || value === null || typeof value !== "object") return false;
  return Object.entries(value).some(([key, item]) => key.includes("\u0000") || containsNul(item, depth + 1));
}
