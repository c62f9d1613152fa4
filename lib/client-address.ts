// Which address a request came from, for per-IP limits and the audit log. Only entries written by
// something we trust count: our own server (server.mjs appends the socket peer to X-Forwarded-For,
// so the right-most entry is always true) and the TRUSTED_PROXY_HOPS proxies in front of it, each of
// which appends the address it saw. Everything further left was written by the client.
import type { IncomingMessage } from "node:http";
import ipaddr from "ipaddr.js";
import proxyaddr from "proxy-addr";

export type AddressSource = { trustedProxyHops: number; vercel: boolean };
type HeaderReader = { get(name: string): string | null };

export function clientAddress(headers: HeaderReader, source: AddressSource): string | null {
  if (source.vercel) {
    // Vercel sets these itself and does not pass on a client's X-Forwarded-For.
    return parseAddress(headers.get("x-vercel-forwarded-for")) ?? parseAddress(headers.get("x-real-ip"));
  }
  const chain = forwardedChain(headers.get("x-forwarded-for") ?? "");
  if (!chain.length) return null;
  // proxy-addr's rule for `trust proxy = N`: step left past N trusted hops, stopping at the left-most.
  return parseAddress(chain[Math.min(source.trustedProxyHops, chain.length - 1)]!);
}

/** How many X-Forwarded-For entries arrived (1 when only our server wrote one). */
export function forwardedEntries(headers: HeaderReader): number {
  return forwardedChain(headers.get("x-forwarded-for") ?? "").length;
}

/** The X-Forwarded-For entries, right-most (nearest) first, parsed by proxy-addr (`forwarded`). */
function forwardedChain(header: string): string[] {
  // proxy-addr reads a request; the socket's entry is already in the header, so the socket here is empty.
  const request = { headers: { "x-forwarded-for": header }, socket: {} } as unknown as IncomingMessage;
  return proxyaddr.all(request).slice(1);
}

/** One address, written one way (IPv6 compressed, IPv4 seen on a dual-stack socket as IPv4), or null. */
export function parseAddress(value: string | null | undefined): string | null {
  const text = value?.trim() ?? "";
  // Some proxies (Azure's, for one) add the client's port: 203.0.113.5:4711, [2001:db8::5]:443.
  const withPort = /^\[([^\]]+)\](?::(\d+))?$/.exec(text) ?? /^([\d.]+):(\d+)$/.exec(text);
  const [address, port] = withPort ? [withPort[1]!, withPort[2]] : [text, undefined];
  if (port !== undefined && Number(port) > 65535) return null;
  // Four decimal parts only: "127.1" or "0x7f.0.0.1" are valid to ipaddr.js but no proxy writes them.
  if (!ipaddr.isValid(address) || (ipaddr.IPv4.isValid(address) && !ipaddr.IPv4.isValidFourPartDecimal(address)))
    return null;
  return ipaddr.process(address).toString();
}

/**
 * What a per-IP limit counts: the address itself for IPv4, the /64 for IPv6, since one subscriber
 * usually holds a whole /64 and could otherwise take a fresh address for every guess.
 */
export function rateLimitAddress(ip: string | null): string {
  if (!ip || !ipaddr.isValid(ip)) return ip || "unknown";
  const address = ipaddr.process(ip);
  if (address.kind() === "ipv4") return address.toString();
  return `${new ipaddr.IPv6([...address.toByteArray().slice(0, 8), 0, 0, 0, 0, 0, 0, 0, 0]).toString()}/64`;
}
