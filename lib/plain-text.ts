// What a name (a person's, a security key's) or a search term may not hold. Control characters and
// half of a surrogate pair (which UTF-8, and so the database, cannot store: lib/pg-text.ts); and the
// invisible format characters that make a name show as other text: bidi overrides and isolates
// (a name read right to left from some point, "Trojan Source"), zero-width spaces, word joiners and
// the byte-order mark, and the line and paragraph separators. An invitation's subject carries its
// sender's name. Zero-width joiners and non-joiners stay: emoji sequences and scripts such as Persian
// and Devanagari need them, and so do the left-to-right and right-to-left marks of mixed-script names.
export const NOT_PLAIN_TEXT = /[\p{Cc}\p{Cs}\u200B\u2028\u2029\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/u;
