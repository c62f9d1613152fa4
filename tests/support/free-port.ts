import { createServer } from "node:net";

const handedOut = new Set<number>();

function tryListen(port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(null));
    server.listen(port, "127.0.0.1", () => {
      const { port: bound } = server.address() as { port: number };
      server.close(() => resolve(bound));
    });
  });
}

/**
 * A TCP port nothing listens on right now, for a server a test or script starts itself. Given a range
 * (a checkout's own ports on a shared machine), the first free one in it that this process has not
 * handed out already; otherwise any port the OS picks.
 */
export async function freePort(range?: { from: number; to: number }): Promise<number> {
  if (!range) {
    const port = await tryListen(0);
    if (port === null) throw new Error("No free port.");
    return port;
  }
  for (let port = range.from; port <= range.to; port++) {
    if (handedOut.has(port)) continue;
    if ((await tryListen(port)) !== null) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`No free port from ${range.from} to ${range.to}.`);
}

/** This checkout's ports on a shared machine: E2E_PORT_BASE to E2E_PORT_BASE + 99 when it is set. */
export function checkoutPorts(): { from: number; to: number } | undefined {
  const base = Number(process.env.E2E_PORT_BASE);
  return Number.isInteger(base) && base > 0 ? { from: base, to: base + 99 } : undefined;
}
