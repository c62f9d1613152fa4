import { describe, expect, it } from "vitest";
import { describeBrowser, timeAgo, utcMinute } from "@/lib/auth/user-agent";

describe("describeBrowser", () => {
  it.each([
    [
      "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/140.0.0.0 Safari/537.36",
      "Chrome on Linux",
    ],
    ["Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0", "Firefox on Windows"],
    [
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1",
      "Safari on iOS",
    ],
    [
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
      "Microsoft Edge on macOS",
    ],
  ])("names %s as a person would", (userAgent, expected) => {
    expect(describeBrowser(userAgent)).toBe(expected);
  });

  it("says so when it cannot tell", () => {
    for (const ua of [null, undefined, "", "   ", "curl/8.5.0", "<script>alert(1)</script>"]) {
      expect(describeBrowser(ua)).toBe("Unknown browser");
    }
  });
});

describe("times in the sessions list", () => {
  const now = new Date("2026-12-03T11:40:30Z");
  it.each([
    [20_000, "just now"],
    [60_000, "1 minute ago"],
    [59 * 60_000, "59 minutes ago"],
    [2 * 3_600_000, "2 hours ago"],
    [49 * 3_600_000, "2 days ago"],
  ])("%d ms ago reads %s", (ms, words) => {
    expect(timeAgo(new Date(now.getTime() - ms), now)).toBe(words);
  });

  it("shows sign-in times in UTC to the minute, as the audit log does", () => {
    expect(utcMinute(now)).toBe("2026-12-03 11:40 UTC");
  });
});
