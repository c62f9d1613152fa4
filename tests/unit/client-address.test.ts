import { describe, expect, it } from "vitest";
import { clientAddress, rateLimitAddress } from "@/lib/client-address";

// What the app sees: server.mjs has appended the socket peer, so the right-most entry is always true.
const from = (xff: string | null, hops: number, extra: Record<string, string> = {}) =>
  clientAddress(new Headers({ ...(xff === null ? {} : { "x-forwarded-for": xff }), ...extra }), {
    trustedProxyHops: hops,
    vercel: false,
  });

describe("the client address from X-Forwarded-For", () => {
  it("ignores whatever the client wrote on the left, at 0, 1 and 2 trusted hops", () => {
    for (const forged of ["", "6.6.6.6, ", "1.1.1.1, 2.2.2.2, ", "evil, ", "::1, "]) {
      expect(from(`${forged}203.0.113.5`, 0)).toBe("203.0.113.5");
      expect(from(`${forged}198.51.100.7, 10.0.0.2`, 1)).toBe("198.51.100.7");
      expect(from(`${forged}198.51.100.7, 10.0.0.3, 10.0.0.2`, 2)).toBe("198.51.100.7");
    }
  });

  it("with too few entries for the hops, takes the left-most (every entry was written by a trusted proxy or this server)", () => {
    expect(from("10.0.0.2", 1)).toBe("10.0.0.2");
    expect(from("198.51.100.7, 10.0.0.2", 3)).toBe("198.51.100.7");
  });

  it("has no address without the header", () => {
    expect(from(null, 0)).toBeNull();
    expect(from("", 1)).toBeNull();
    expect(from(" , ,", 0)).toBeNull();
  });

  it("skips empty entries and spaces, and drops a port some proxies add", () => {
    expect(from("6.6.6.6,, 198.51.100.7 ,10.0.0.2", 1)).toBe("198.51.100.7");
    expect(from("198.51.100.7:4711, 10.0.0.2", 1)).toBe("198.51.100.7");
    expect(from("[2001:db8::7]:443, 10.0.0.2", 1)).toBe("2001:db8::7");
  });

  it("never falls back to a forged entry when a trusted one is malformed", () => {
    expect(from("198.51.100.7, not-an-address, 10.0.0.2", 1)).toBeNull();
    expect(from("198.51.100.7, 999.1.1.1, 10.0.0.2", 1)).toBeNull();
    expect(from("198.51.100.7, 1.2.3.4:99999, 10.0.0.2", 1)).toBeNull();
    expect(from("198.51.100.7, <script>, 10.0.0.2", 1)).toBeNull();
  });

  it("writes IPv6 one way, and IPv4 seen by a dual-stack server as IPv4", () => {
    expect(from("2001:DB8:0:0:0:0:0:1", 0)).toBe("2001:db8::1");
    expect(from("::ffff:203.0.113.5", 0)).toBe("203.0.113.5");
    expect(from("2001:db8::1, ::ffff:10.0.0.2", 1)).toBe("2001:db8::1");
  });

  it("ignores platform headers a client could send when not on that platform", () => {
    expect(from("203.0.113.5", 0, { "x-real-ip": "6.6.6.6", "x-vercel-forwarded-for": "6.6.6.6" })).toBe("203.0.113.5");
  });
});

describe("on Vercel", () => {
  const vercel = (headers: Record<string, string>) =>
    clientAddress(new Headers(headers), { trustedProxyHops: 0, vercel: true });

  it("reads Vercel's own header, whatever X-Forwarded-For says", () => {
    expect(
      vercel({ "x-vercel-forwarded-for": "203.0.113.9", "x-real-ip": "6.6.6.6", "x-forwarded-for": "6.6.6.6" }),
    ).toBe("203.0.113.9");
  });

  it("falls back to x-real-ip, and refuses anything that is not one address", () => {
    expect(vercel({ "x-real-ip": "2001:db8::9" })).toBe("2001:db8::9");
    expect(vercel({ "x-vercel-forwarded-for": "1.1.1.1, 2.2.2.2" })).toBeNull();
    expect(vercel({ "x-forwarded-for": "203.0.113.9" })).toBeNull();
  });
});

describe("the address a per-IP limit counts", () => {
  it("is the address for IPv4 and the /64 for IPv6 (one subscriber holds a whole /64)", () => {
    expect(rateLimitAddress("203.0.113.5")).toBe("203.0.113.5");
    expect(rateLimitAddress("2001:db8:1:2:3:4:5:6")).toBe("2001:db8:1:2::/64");
    expect(rateLimitAddress("2001:db8:1:2::ffff")).toBe("2001:db8:1:2::/64");
    expect(rateLimitAddress(null)).toBe("unknown");
  });
});
