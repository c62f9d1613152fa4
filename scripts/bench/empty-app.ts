// The empty Next.js action app (scripts/bench/empty-action): built with the project's own `next` when
// its build is missing or older than its sources, then served by `next start` (a production server).
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { serverAction } from "../../tests/e2e/build-manifest";
import { startApp } from "../servers/app";
import { newestSource } from "./production-build";

const dir = path.resolve("scripts/bench/empty-action");
const nextBin = path.resolve("node_modules/next/dist/bin/next");

export function buildEmptyApp(): void {
  const buildId = path.join(dir, ".next/BUILD_ID");
  if (
    existsSync(buildId) &&
    statSync(buildId).mtimeMs > newestSource([path.join(dir, "app"), path.join(dir, "next.config.mjs")])
  )
    return;
  console.log("Building the empty-action app (scripts/bench/empty-action)…");
  const built = spawnSync(process.execPath, [nextBin, "build", dir], { stdio: ["ignore", "ignore", "inherit"] });
  if (built.status !== 0) throw new Error("Building scripts/bench/empty-action failed.");
}

export async function startEmptyApp(port: number) {
  const server = await startApp({
    command: [nextBin, "start", dir],
    port,
    env: { NODE_ENV: "production" },
    log: path.resolve(".data/bench/empty-action.log"),
    healthPath: "/",
  });
  return { server, id: serverAction("emptyAction", path.join(dir, ".next")).id };
}
