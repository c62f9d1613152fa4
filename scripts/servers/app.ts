// A production Next.js server started by a script: `node server.mjs` for Twofold (or `next start` for
// another app folder), its output to a log file, healthy once a path answers 200, and stopped for
// sure (SIGTERM, then SIGKILL) so no server outlives the script.
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";

export const SECRETS = {
  NEXTAUTH_SECRET: "load-secret-load-secret-load-secret-0123",
  TOTP_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
};

/**
 * What `npm start` sets before `node server.mjs` (package.json: `NAME=${NAME:-default}`), so a script
 * measures the server as operators run it.
 */
function npmStartEnv(): Record<string, string> {
  const start: string = JSON.parse(readFileSync("package.json", "utf8")).scripts.start;
  const env: Record<string, string> = {};
  for (const [, name, fallback] of start.matchAll(/(\w+)=\$\{\1:-([^}]*)\}/g))
    env[name] = process.env[name] || fallback; // `:-`: an empty value takes the default too
  return env;
}

export type AppServer = { child: ChildProcess; base: string; log: string; stop: () => Promise<void> };

export async function startApp({
  command,
  port,
  env,
  log,
  healthPath = "/api/health",
  onOutput = () => {},
}: {
  /** The node arguments before the port, e.g. ["server.mjs"]. */
  command: string[];
  port: number;
  env: Record<string, string>;
  log: string;
  healthPath?: string;
  onOutput?: (chunk: string) => void;
}): Promise<AppServer> {
  const base = `http://127.0.0.1:${port}`;
  mkdirSync(path.dirname(log), { recursive: true });
  const child = spawn(process.execPath, [...command, "-p", String(port), "-H", "127.0.0.1"], {
    env: { ...process.env, ...(command.includes("server.mjs") ? npmStartEnv() : {}), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logFile = createWriteStream(log);
  for (const stream of [child.stdout!, child.stderr!]) {
    stream.on("data", (chunk: Buffer) => {
      logFile.write(chunk);
      onOutput(chunk.toString());
    });
  }
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let stopped = false;
  const stop = async () => {
    if (stopped) return; // a bench stops a server early, then again with its zone
    stopped = true;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(killer);
    }
    logFile.end();
  };
  try {
    for (let tries = 0; ; tries++) {
      if (child.exitCode !== null) throw new Error(`The server exited (${child.exitCode}); see ${log}.`);
      const ok = await fetch(base + healthPath).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (tries > 240) throw new Error(`The server did not become healthy; see ${log}.`);
      await new Promise((r) => setTimeout(r, 500));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { child, base, log, stop };
}
