// The search's range must hold exactly the texts that start with the term, in PostgreSQL's "C" order
// (byte order of UTF-8), or a member search finds too many or too few.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { prefixRange } from "@/lib/accounts/prefix-range";

const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));

function inRange(text: string, prefix: string) {
  const { from, below } = prefixRange(prefix);
  return byBytes(text, from) >= 0 && (below === null || byBytes(text, below) < 0);
}

// Texts as the database holds them: well-formed, weighted towards the code points where a successor
// turns over (the last before the surrogates, the last of all) and towards sharing the prefix.
const edges = fc.constantFrom(
  "a",
  "z",
  "{",
  "\u{d7ff}",
  "\u{e000}",
  "\u{ffff}",
  "\u{10000}",
  "\u{10fffe}",
  "\u{10ffff}",
);
const point = fc.oneof(edges, fc.string({ unit: "grapheme-composite", minLength: 1, maxLength: 1 }));
const text = fc.array(point, { maxLength: 6 }).map((parts) => parts.join(""));

describe("prefixRange", () => {
  it("holds a text exactly when it starts with the prefix", () => {
    fc.assert(
      fc.property(text, text, text, (prefix, rest, other) => {
        expect(inRange(prefix + rest, prefix)).toBe(true);
        expect(inRange(other, prefix)).toBe(other.startsWith(prefix));
      }),
      { numRuns: 5_000 },
    );
  });

  it("raises the last code point, past the surrogates and past U+10FFFF", () => {
    expect(prefixRange("an")).toEqual({ from: "an", below: "ao" });
    expect(prefixRange("z")).toEqual({ from: "z", below: "{" });
    expect(prefixRange("a\u{d7ff}")).toEqual({ from: "a\u{d7ff}", below: "a\u{e000}" });
    expect(prefixRange("a\u{ffff}")).toEqual({ from: "a\u{ffff}", below: "a\u{10000}" });
    expect(prefixRange("a\u{10ffff}")).toEqual({ from: "a\u{10ffff}", below: "b" });
    expect(prefixRange("\u{10ffff}\u{10ffff}")).toEqual({ from: "\u{10ffff}\u{10ffff}", below: null });
  });
});
