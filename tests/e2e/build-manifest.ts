// What the production build contains, read from Next's manifests: every page and route handler, and
// every server action with the pages that can receive it, so tests cover what the app really serves.
import { readFileSync } from "node:fs";
import path from "node:path";

export type ServerAction = { id: string; name: string; paths: string[] };

const read = <T>(file: string, root = ".next") => JSON.parse(readFileSync(path.resolve(root, file), "utf8")) as T;

/** "app/(auth)/invite/[token]/page" → "/invite/x"; route groups vanish, dynamic segments get a value. */
function pagePath(worker: string): string {
  const segments = worker
    .replace(/^app\//, "")
    .replace(/\/?page$/, "")
    .split("/")
    .filter((s) => s && !/^\(.*\)$/.test(s))
    .map((s) => (/^\[.*\]$/.test(s) ? "not-a-real-token" : s));
  return `/${segments.join("/")}`;
}

/** `root`: the build folder, Twofold's own unless another app's (the benchmark's empty action) is named. */
export function serverActions(root = ".next"): ServerAction[] {
  const manifest = read<{ node: Record<string, { workers: Record<string, unknown>; exportedName?: string }> }>(
    "server/server-reference-manifest.json",
    root,
  );
  return Object.entries(manifest.node).map(([id, entry]) => ({
    id,
    name: entry.exportedName ?? id,
    paths: Object.keys(entry.workers).map(pagePath),
  }));
}

export function serverAction(name: string, root = ".next"): ServerAction {
  const found = serverActions(root).find((a) => a.name === name);
  if (!found) throw new Error(`No server action named ${name} in the build.`);
  return found;
}

/**
 * Every page and route handler as a path template: each dynamic segment ("[token]", "[...nextauth]")
 * becomes ":", for a generator to fill. Next's own "/_not-found" and "/_global-error" are left out.
 */
export function appRoutes(): { pages: string[]; routes: string[] } {
  const manifest = read<Record<string, string>>("app-path-routes-manifest.json");
  const pages: string[] = [];
  const routes: string[] = [];
  for (const [entry, route] of Object.entries(manifest)) {
    if (/^\/_(not-found|global-error)$/.test(route)) continue;
    const template = route.replace(/\[\.\.\.[^\]]+\]/g, ":/:").replace(/\[[^\]]+\]/g, ":");
    (entry.endsWith("/route") ? routes : pages).push(template);
  }
  return { pages, routes };
}
