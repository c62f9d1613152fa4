/**
 * The texts that start with `prefix`, as a range in "C" order (UTF-8 bytes, so code points): from the
 * prefix itself up to, not including, the prefix with its last code point raised by one (past the
 * surrogates, which no text holds). `below` is null when nothing sorts after the texts with the prefix
 * (it is all U+10FFFF).
 *
 * Why not LIKE 'prefix%': a pattern in a parameter gives the planner no prefix, so a plan made once for
 * every term (PostgreSQL's generic plan of a prepared statement) filters the account's members one by
 * one, 359 ms on a 100,000-member account (docs/benchmarks.md). Two parameters bound a range whatever
 * their values.
 */
export function prefixRange(prefix: string): { from: string; below: string | null } {
  const points = [...prefix];
  while (points.length > 0) {
    const last = points.pop()!.codePointAt(0)!;
    if (last === 0x10ffff) continue;
    const next = last + 1 >= 0xd800 && last + 1 <= 0xdfff ? 0xe000 : last + 1;
    return { from: prefix, below: points.join("") + String.fromCodePoint(next) };
  }
  return { from: prefix, below: null };
}
