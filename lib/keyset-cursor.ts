// Page links of the long lists (members, audit log) carry the sort key of the row they continue from,
// not an offset: a page is then one index range scan however deep it is, and a row inserted or removed
// between two pages shifts nothing (no row skipped or shown twice). The cursor is opaque to the user but
// not secret: it only says where to continue within the account the server already chose.
import { z } from "zod";
import { holdsUnstorableText } from "@/lib/pg-text";

const MAX_CURSOR = 1_000;
const parts = z
  .array(
    z
      .string()
      .max(400)
      .refine((part) => !holdsUnstorableText(part)),
  )
  .min(1)
  .max(4);

export type Direction = "after" | "before";
export type Keyset = { direction: Direction; key: string[] };

export function encodeCursor(key: string[]): string {
  return Buffer.from(JSON.stringify(key), "utf8").toString("base64url");
}

/** The key in a cursor of `size` parts, or null for anything else (a truncated or edited link). */
export function decodeCursor(raw: string, size: number): string[] | null {
  if (!raw || raw.length > MAX_CURSOR || !/^[A-Za-z0-9_-]+$/.test(raw)) return null;
  try {
    const parsed = parts.safeParse(JSON.parse(Buffer.from(raw, "base64url").toString("utf8")));
    return parsed.success && parsed.data.length === size ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * Reads the `after`/`before` query parameters of a page: the keyset to continue from, none for the
 * first page, or `invalid` when a cursor was given but cannot be read (the page then starts over).
 */
export function keysetFrom(
  params: { after?: string; before?: string },
  size: number,
): { keyset: Keyset | null; invalid: boolean } {
  const direction: Direction | null = params.after ? "after" : params.before ? "before" : null;
  if (!direction) return { keyset: null, invalid: false };
  const key = decodeCursor(String(params[direction]), size);
  return key ? { keyset: { direction, key }, invalid: false } : { keyset: null, invalid: true };
}

/**
 * From the rows fetched for a page (one more than `size`, in the page's scan order), the page in
 * display order and whether there is more on either side.
 */
export function pageOf<T>(rows: T[], size: number, keyset: Keyset | null) {
  const more = rows.length > size;
  const page = rows.slice(0, size);
  if (keyset?.direction === "before") page.reverse();
  return {
    rows: page,
    hasNext: keyset?.direction === "before" ? true : more,
    hasPrevious: keyset?.direction === "before" ? more : keyset !== null,
  };
}
