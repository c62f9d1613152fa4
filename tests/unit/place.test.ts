import { describe, expect, it } from "vitest";
import { approximatePlace, LOCAL_NETWORK } from "@/lib/auth/place";

describe("approximatePlace", () => {
  // Public addresses whose owners are well known: Google's and Cloudflare's resolvers, RIPE NCC's
  // own site, the M root server in Tokyo, Registro.br, and Google's resolver over IPv6.
  it.each([
    ["8.8.8.8", "United States"],
    ["1.1.1.1", "Australia"],
    ["193.0.6.139", "Netherlands"],
    ["202.12.27.33", "Japan"],
    ["200.160.2.3", "Brazil"],
    ["2001:4860:4860::8888", "United States"],
    ["::ffff:8.8.8.8", "United States"],
  ])("places %s in %s", (ip, country) => {
    expect(approximatePlace(ip)).toBe(country);
  });

  it.each(["10.0.0.1", "192.168.1.20", "172.16.5.4", "127.0.0.1", "::1", "169.254.1.1", "fe80::1", "fd00::1"])(
    "calls %s the local network",
    (ip) => {
      expect(approximatePlace(ip)).toBe(LOCAL_NETWORK);
    },
  );

  // 203.0.113.0/24 is documentation space, yet the database places it in Australia.
  it.each(["203.0.113.9", "192.0.2.1", "2001:db8::1", "0.0.0.0", "224.0.0.1", "100.64.0.1"])(
    "says nothing of the reserved or shared address %s",
    (ip) => {
      expect(approximatePlace(ip)).toBeNull();
    },
  );

  it.each([null, undefined, "", "unknown", "not an ip", "999.1.1.1", "8.8.8.8; DROP TABLE"])(
    "says nothing of %j",
    (ip) => {
      expect(approximatePlace(ip)).toBeNull();
    },
  );
});
