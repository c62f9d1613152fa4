// Whether a production build (.next) exists and is newer than what it was built from.
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

/** The newest modification time under these files and folders, skipping build output and generated code. */
export function newestSource(paths: string[]): number {
  let newest = 0;
  for (const p of paths) {
    if (!existsSync(p) || /(^|\/)(\.next|node_modules|generated)$/.test(p)) continue;
    const stat = statSync(p);
    newest = Math.max(
      newest,
      stat.isDirectory() ? newestSource(readdirSync(p).map((name) => path.join(p, name))) : stat.mtimeMs,
    );
  }
  return newest;
}

/** Null when `.next` is fresh; otherwise what is wrong with it. */
export function productionBuildProblem(): string | null {
  const buildId = ".next/BUILD_ID";
  if (!existsSync(buildId)) return "There is no production build.";
  const sources = ["app", "components", "lib", "proxy.ts", "instrumentation.ts", "next.config.js", "package.json"];
  if (newestSource(sources) > statSync(buildId).mtimeMs) return "The production build is older than the sources.";
  return null;
}
