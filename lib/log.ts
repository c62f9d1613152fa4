// One logger: JSON lines in production (what log collectors parse), readable lines in development.
// Every line carries the request id that proxy.ts gives each request, when there is a request.
import { AsyncLocalStorage } from "node:async_hooks";
import { headers } from "next/headers";

type Level = "info" | "warn" | "error";
type Fields = Record<string, unknown>;

export const REQUEST_ID_HEADER = "x-request-id";

/** A load balancer's request id when it looks like one (so logs correlate across tiers), else a new one. */
export function requestIdFrom(inbound: string | null): string {
  return inbound && /^[A-Za-z0-9._-]{8,64}$/.test(inbound) ? inbound : crypto.randomUUID();
}

// A route that proxy.ts does not see (lib/http/json-endpoint) names its request id here instead.
const requestIds = new AsyncLocalStorage<string>();

/** Runs `work` with every log line inside it carrying `requestId`. */
export function withRequestId<T>(requestId: string, work: () => T): T {
  return requestIds.run(requestId, work);
}

async function requestId(): Promise<string | undefined> {
  const named = requestIds.getStore();
  if (named) return named;
  try {
    return (await headers()).get(REQUEST_ID_HEADER) ?? undefined;
  } catch {
    return undefined; // outside a request (start-up, scripts)
  }
}

function serialise(value: unknown): unknown {
  return value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value;
}

export function formatLine(level: Level, event: string, fields: Fields, production: boolean, at = new Date()): string {
  const clean = Object.fromEntries(
    Object.entries(fields)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, serialise(v)]),
  );
  if (production) return JSON.stringify({ time: at.toISOString(), level, event, ...clean });
  const rest = Object.entries(clean).map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`);
  return [`[${event}]`, ...rest].join(" ");
}

const RANK = { info: 0, warn: 1, error: 2, silent: 3 } as const;
/** LOG_LEVEL=info (default) | warn | error | silent; the tests run with error. */
function threshold(): number {
  const level = process.env.LOG_LEVEL as keyof typeof RANK | undefined;
  return level && level in RANK ? RANK[level] : RANK.info;
}

async function write(level: Level, event: string, fields: Fields = {}) {
  if (RANK[level] < threshold()) return;
  const line = formatLine(
    level,
    event,
    { requestId: await requestId(), ...fields },
    process.env.NODE_ENV === "production",
  );
  (level === "info" ? console.log : level === "warn" ? console.warn : console.error)(line);
}

export const log = {
  info: (event: string, fields?: Fields) => write("info", event, fields),
  warn: (event: string, fields?: Fields) => write("warn", event, fields),
  error: (event: string, fields?: Fields) => write("error", event, fields),
};
