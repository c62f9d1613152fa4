import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { safeRedirectPath } from "@/lib/safe-redirect";

const ORIGIN = "http://localhost:3000";
const OTHER_ORIGINS = ["https://app.example", "http://127.0.0.1:8080"];

/** What a browser does with the result: resolve it against the page it is on. */
const landsOn = (path: string, origin = ORIGIN) => new URL(path, origin).origin;

/** A path (one leading slash) that lands on every origin it is resolved against, and is already clean. */
function isSameOriginPath(result: string): boolean {
  return (
    result.startsWith("/") &&
    result[1] !== "/" &&
    result[1] !== "\\" &&
    [ORIGIN, ...OTHER_ORIGINS].every((origin) => landsOn(result, origin) === origin) &&
    safeRedirectPath(result, ORIGIN) === result
  );
}

function assertSamePath(result: string) {
  expect(isSameOriginPath(result), JSON.stringify(result)).toBe(true);
}

// Pieces that URL parsers treat specially; any mix of them must still end on our origin.
const piece = fc.constantFrom(
  "/",
  "\\",
  "//",
  "\t",
  "\n",
  "\r",
  " ",
  "\u0000",
  "\u001f",
  "\u00a0",
  "\u3002",
  "\uff0f",
  "%09",
  "%0a",
  "%2f",
  "%2F",
  "%5c",
  "%2e",
  ".",
  "..",
  "@",
  ":",
  "?",
  "#",
  "%",
  "evil.example",
  "localhost:3000",
  "javascript:",
  "JavaScript:",
  "http:",
  "https:",
  "data:",
  "blob:",
  "file:",
);
const hostile = fc.array(piece, { maxLength: 12 }).map((parts) => parts.join(""));

describe("safeRedirectPath", () => {
  it("returns a path on our own origin for any string", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 60 }), (s) => isSameOriginPath(safeRedirectPath(s, ORIGIN))),
      { numRuns: 2000 },
    );
  }, 30_000);

  it("returns a path on our own origin for any mix of slashes, controls, schemes and encodings", () => {
    fc.assert(
      fc.property(hostile, (s) => isSameOriginPath(safeRedirectPath(s, ORIGIN))),
      { numRuns: 5000 },
    );
  }, 30_000);

  it("returns a path on our own origin for any URL the generator can build", () => {
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), (s) =>
        isSameOriginPath(safeRedirectPath(s, ORIGIN)),
      ),
      { numRuns: 1000 },
    );
  }, 30_000);

  it("keeps our own paths, queries and fragments", () => {
    expect(safeRedirectPath("/settings/users?page=2#top", ORIGIN)).toBe("/settings/users?page=2#top");
    expect(safeRedirectPath("/profile?enrol=1&returnTo=%2Fsettings%2Fauthentication", ORIGIN)).toBe(
      "/profile?enrol=1&returnTo=%2Fsettings%2Fauthentication",
    );
    expect(safeRedirectPath(`${ORIGIN}/settings/audit?type=sign_in`, ORIGIN)).toBe("/settings/audit?type=sign_in");
  });

  it.each([
    ["//evil.example"],
    ["///evil.example"],
    ["////evil.example/x"],
    ["/\\evil.example"],
    ["\\\\evil.example"],
    ["\\/evil.example"],
    ["/\t/evil.example"],
    ["/\n/evil.example"],
    ["/\r\n/evil.example"],
    ["\t//evil.example"],
    [" //evil.example"],
    ["\u0000//evil.example"],
    ["/\t\\evil.example"],
    ["https://evil.example"],
    ["HTTPS://evil.example/profile"],
    ["https:evil.example"],
    ["http:\\\\evil.example"],
    ["https:/\\evil.example"],
    ["//evil.example@localhost:3000"],
    ["http://localhost:3000@evil.example/"],
    ["http://localhost:3001/profile"],
    ["https://localhost:3000/profile"],
    ["javascript:alert(document.domain)"],
    ["JaVaScRiPt:alert(1)"],
    ["java\tscript:alert(1)"],
    ["\njavascript:alert(1)"],
    ["data:text/html,<script>alert(1)</script>"],
    ["blob:http://evil.example/x"],
  ])("refuses %j", (payload) => {
    expect(safeRedirectPath(payload, ORIGIN)).toBe("/profile");
  });

  it.each([
    ["/.//evil.example"],
    ["/..//evil.example"],
    ["/%2e//evil.example"],
    ["/%2E%2E//evil.example"],
    ["/x/..//evil.example"],
    ["http:evil.example"], // on an http page the parser reads this as the relative path "evil.example"
  ])("never returns a path that a browser reads as another host: %j", (payload) => {
    const result = safeRedirectPath(payload, ORIGIN);
    assertSamePath(result);
  });

  it("keeps encoded slashes and tabs encoded, so they stay a path on our origin", () => {
    for (const payload of ["/%09/evil.example", "/%2f/evil.example", "/%5c/evil.example", "/%2F%2Fevil.example"]) {
      const result = safeRedirectPath(payload, ORIGIN);
      expect(result).toBe(payload);
      assertSamePath(result);
    }
  });

  it("falls back for nothing, non-strings and absurd lengths", () => {
    for (const value of [undefined, null, "", 42, ["/settings"], { href: "/x" }, `/${"a".repeat(3000)}`]) {
      expect(safeRedirectPath(value, ORIGIN)).toBe("/profile");
    }
    expect(safeRedirectPath("//evil.example", ORIGIN, "/login")).toBe("/login");
  });
});

describe("next-auth's redirect callback", () => {
  it("sends next-auth's own callbackUrl only to a path on our origin", async () => {
    const { authOptions } = await import("@/lib/auth/options");
    const redirect = authOptions().callbacks!.redirect!;
    const baseUrl = "https://app.example";
    expect(await redirect({ url: "/settings/users?page=2", baseUrl })).toBe(
      "https://app.example/settings/users?page=2",
    );
    expect(await redirect({ url: "https://app.example/settings/audit", baseUrl })).toBe(
      "https://app.example/settings/audit",
    );
    for (const url of [
      "https://evil.example/",
      "//evil.example",
      "/\t/evil.example",
      "\\\\evil.example",
      "http://app.example/",
      "javascript:alert(1)",
    ]) {
      expect(await redirect({ url, baseUrl })).toBe("https://app.example/profile");
    }
  });
});
