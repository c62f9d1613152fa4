// A browser as far as the server can tell: a cookie jar, an Origin header, server actions called the
// way React's client calls them (POST to the page with the action's id in `Next-Action`), and its
// own client address (the server trusts one proxy hop, like a load balancer's X-Forwarded-For).
import { performance } from "node:perf_hooks";

export class HttpError extends Error {
  constructor(
    readonly step: string,
    message: string,
  ) {
    super(`${step}: ${message}`);
  }
}

export type Timing = { step: string; ms: number };

export class Browser {
  private jar = new Map<string, string>();
  readonly timings: Timing[] = [];

  constructor(
    private base: string,
    private address: string,
    private timeoutMs: number,
    /** Shown every answer that was not a success (the outage check reads them for internals). */
    private inspect: (step: string, status: number, body: string) => void = () => {},
  ) {}

  setCookie(name: string, value: string) {
    this.jar.set(name, value);
  }

  cookie(name: string) {
    return this.jar.get(name);
  }

  async request(step: string, path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set("x-forwarded-for", this.address);
    headers.set("user-agent", "twofold-load");
    if (this.jar.size) headers.set("cookie", [...this.jar].map(([k, v]) => `${k}=${v}`).join("; "));
    const started = performance.now();
    let response: Response;
    try {
      response = await fetch(this.base + path, {
        ...init,
        headers,
        redirect: "manual",
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new HttpError(step, error instanceof Error ? `${error.name} ${error.message}` : String(error));
    }
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(";");
      const at = pair!.indexOf("=");
      const name = pair!.slice(0, at).trim();
      const value = pair!.slice(at + 1).trim();
      const expired = attributes.some((a) => /max-age=0\b|expires=thu, 01 jan 1970/i.test(a.trim()));
      if (expired || !value) this.jar.delete(name);
      else this.jar.set(name, value);
    }
    // The time until the whole answer is read, as a user waits for it.
    let body: ArrayBuffer;
    try {
      body = await response.arrayBuffer();
    } catch (error) {
      throw new HttpError(step, `reading the answer: ${error instanceof Error ? error.name : String(error)}`);
    }
    this.timings.push({ step, ms: performance.now() - started });
    const copy = new Response(response.status === 204 || response.status === 304 ? null : body, response);
    if (response.status >= 400) this.inspect(step, response.status, new TextDecoder().decode(body));
    if (response.status >= 500) throw new HttpError(step, `HTTP ${response.status}`);
    return copy;
  }

  /** A page the user must be able to see: 200, not a redirect to /login. */
  async page(step: string, path: string, mustContain?: string): Promise<string> {
    const response = await this.request(step, path);
    if (response.status !== 200)
      throw new HttpError(step, `HTTP ${response.status} ${response.headers.get("location") ?? ""}`);
    const text = await response.text();
    if (mustContain && !text.includes(mustContain)) throw new HttpError(step, `the page lacks "${mustContain}"`);
    return text;
  }

  /** A server action as React calls it; returns the action's result (lib/action.ts ActionState). */
  async action<T>(step: string, page: string, id: string, input: unknown): Promise<T> {
    const response = await this.request(step, page, {
      method: "POST",
      headers: {
        "next-action": id,
        origin: this.base,
        accept: "text/x-component",
        "content-type": "text/plain;charset=UTF-8",
      },
      body: JSON.stringify([input]),
    });
    const text = await response.text();
    if (response.status !== 200) throw new HttpError(step, `HTTP ${response.status}`);
    // The answer is React's flight format: one row per line, "<id>:<json>"; the result is the row with "ok".
    for (const line of text.split("\n")) {
      const json = line.slice(line.indexOf(":") + 1);
      if (!json.startsWith("{")) continue;
      const value = JSON.parse(json) as { ok?: boolean };
      if (value.ok !== undefined) return this.result<T>(step, response.status, value);
    }
    this.inspect(step, response.status, text);
    throw new HttpError(step, `no result in the answer (${text.slice(0, 120)})`);
  }

  /** A JSON route that answers as an action does (lib/http/json-endpoint): sign-in's password and second step. */
  async json<T>(step: string, path: string, input: unknown): Promise<T> {
    const response = await this.request(step, path, {
      method: "POST",
      headers: { origin: this.base, "content-type": "application/json" },
      body: JSON.stringify(input),
    });
    const value = (await response.json().catch(() => ({}))) as { ok?: boolean };
    if (value.ok === undefined) throw new HttpError(step, `HTTP ${response.status} without a result`);
    return this.result<T>(step, response.status, value);
  }

  private result<T>(step: string, status: number, value: { ok?: boolean; error?: string; data?: T }): T {
    if (value.ok === true) return value.data as T;
    this.inspect(step, status, String(value.error));
    throw new HttpError(step, `refused: ${value.error}`);
  }
}
