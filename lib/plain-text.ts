// What a name (a person's, a security key's) or a search term may not hold. Control characters and
// half of a surrogate pair (which UTF-8, and so the database, cannot store: lib/pg-text.ts); and the
// format characters and fillers that make a name show as other text or as nothing: bidi overrides
// and isolates (a name read right to left from some point, "Trojan Source"), zero-width spaces, word
// joiners, the byte-order mark, the soft hyphen, the Hangul and braille blanks, the Mongolian vowel
// separator, tag characters and the deprecated format controls, and the line and paragraph
// separators. An invitation's subject carries its sender's name. Zero-width joiners and non-joiners
// stay (emoji sequences and scripts such as Persian and Devanagari need them), and so do the
// left-to-right and right-to-left marks of mixed-script names.
export const NOT_PLAIN_TEXT =
  /[\p{Cc}\p{Cs}\u00AD\u034F\u115F\u1160\u17B4\u17B5\u180E\u200B\u2028\u2029\u202A-\u202E\u2060-\u2064\u2066-\u206F\u2800\u3164\uFEFF\uFFA0\uFFF9-\uFFFB\u{E0000}-\u{E007F}]/u;

/** A name that shows as itself: nothing of the above, and at least one letter, digit, mark of punctuation or symbol. */
export const isPlainName = (name: string) => !NOT_PLAIN_TEXT.test(name) && /[\p{L}\p{N}\p{P}\p{S}]/u.test(name);

/**
 * A web address in a person's name: a scheme ("https://"), or a host: a label, a dot (or the
 * ideographic and full-width ones) and two letters or more ("paypal-verify.com", "evil.xn--p1ai",
 * "www.x"; "x@evil.com"), which mail clients show as a link with or without a path. A name reaches
 * strangers' mail (an invitation names its sender and account): a phishing line sent from Twofold's
 * own address. "Dr. Ada" and "J.R.R. Tolkien" are names; "Ada.Lovelace" reads as a host, and is refused.
 */
const WEB_ADDRESS = /[a-z][a-z0-9+.-]*:\/\/|[\p{L}\p{N}-][.\u3002\uFF0E\uFF61]\p{L}{2}/iu;
export const holdsWebAddress = (name: string) => WEB_ADDRESS.test(name);
