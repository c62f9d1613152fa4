// `npm start`: the production server. It is `next start` plus one thing a proxy would do: append the
// connecting address to X-Forwarded-For. `next start` keeps a client-sent X-Forwarded-For as it is
// (it fills the header only when absent), so without this the app could not tell a forged address
// from a real one. With it, the right-most entry is always true, and TRUSTED_PROXY_HOPS counts the
// proxies in front from there (lib/client-address.ts).
//   node server.mjs [-p|--port <port>] [-H|--hostname <host>] [--keepAliveTimeout <ms>]
// PORT and HOSTNAME are read as well (flags win); the defaults are next start's: 3000, all interfaces.
// Server actions and /api/ routes are answered uncompressed (below). It also refuses, with a 400, an
// RSC request whose Next-Router-State-Tree header Next cannot parse: Next answers those with a bare
// 500, and strips the header before proxy.ts could look at it.
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import v8 from "node:v8";
import routerState from "next/dist/server/app-render/parse-and-validate-flight-router-state.js";

process.env.NODE_ENV = "production";
// V8 lets a busy heap grow to about 3× what is live (90-110 MiB here) before it collects. At 1.35×, and
// with the malloc setting `npm start` passes, the server rests near 265 MiB instead of 565, for about
// 2.5 % more CPU in one measurement (docs/benchmarks.md, "Memory"). HEAP_GROWING_PERCENT changes it
// (0: V8's own choice); `node --heap-growing-percent=…` wins over both.
const heapGrowth = process.env.HEAP_GROWING_PERCENT || "35";
if (!/^\d{1,4}$/.test(heapGrowth)) {
  console.error(`Invalid HEAP_GROWING_PERCENT "${heapGrowth}": use a whole number of per cent, 0 for V8's own.`);
  process.exit(1);
}
if (!process.execArgv.some((arg) => /^--heap[-_]growing[-_]percent/.test(arg))) {
  v8.setFlagsFromString(`--heap-growing-percent=${heapGrowth}`);
}
process.env.TWOFOLD_SERVER = "1"; // instrumentation.ts warns when the app runs without this server

const { values } = parseArgs({
  options: {
    port: { type: "string", short: "p" },
    hostname: { type: "string", short: "H" },
    keepAliveTimeout: { type: "string" },
  },
});
const port = Number(values.port ?? process.env.PORT ?? 3000);
const hostname = values.hostname || process.env.HOSTNAME || undefined;
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`Invalid port "${values.port ?? process.env.PORT}": use a number from 0 to 65535.`);
  process.exit(1);
}

/** What every proxy does: the peer of this connection goes last. */
function appendPeer(req) {
  const peer = req.socket.remoteAddress;
  if (!peer) return; // the socket is already gone; the app then sees no address it could trust
  const sent = req.headers["x-forwarded-for"];
  req.headers["x-forwarded-for"] = sent ? `${sent}, ${peer}` : peer;
}

/**
 * A server action's answer is mostly its result, tens to hundreds of bytes, and every /api/ route
 * answers a small JSON (next-auth's CSRF token, session and callback; health; the signed-in user):
 * gzip cost 0.7-2.3 ms of CPU per answer to send them no smaller (docs/benchmarks.md). An action that
 * set a cookie carries the page's tree too, a few KiB that now go out as they are. Pages, assets, the
 * member list's CSV and a form posted without JavaScript (no Next-Action header) are still compressed.
 */
function answerSmallUncompressed(req) {
  if (req.headers["next-action"] !== undefined || req.url?.startsWith("/api/"))
    req.headers["accept-encoding"] = "identity";
}

/** Next's own parser decides, so this server and the renderer never disagree on what is well formed. */
function malformedRouterState(req) {
  const value = req.headers["next-router-state-tree"];
  if (value === undefined) return false;
  try {
    routerState.parseAndValidateFlightRouterState(value);
    return false;
  } catch {
    return true;
  }
}

const { default: next } = await import("next");
const app = next({ dev: false, dir: fileURLToPath(new URL(".", import.meta.url)), hostname, port });
const handle = app.getRequestHandler();
await app.prepare();

const server = createServer((req, res) => {
  appendPeer(req);
  answerSmallUncompressed(req);
  if (malformedRouterState(req)) {
    res.writeHead(400, { "content-type": "text/plain", "x-content-type-options": "nosniff" });
    res.end("The router state header is malformed.");
    return;
  }
  handle(req, res).catch((error) => {
    console.error(`Failed to handle request for ${req.url}`, error);
    if (!res.headersSent) res.writeHead(500).end("Internal Server Error");
  });
});
if (values.keepAliveTimeout) server.keepAliveTimeout = Number(values.keepAliveTimeout);
server.listen(port, hostname, () => {
  const address = server.address();
  console.log(
    `Twofold ready on http://${hostname ?? "localhost"}:${typeof address === "object" ? address?.port : port}`,
  );
});

// Finish requests in flight, then stop (as next start does on SIGTERM / SIGINT).
let stopping = false;
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    server.close(() => app.close().finally(() => process.exit(0)));
    setTimeout(() => process.exit(0), 10_000).unref();
  });
}
