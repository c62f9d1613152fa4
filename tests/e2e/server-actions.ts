// The production build's server actions, read from Next's manifest: each action's id and the pages
// that can receive it, so tests can call them the way a hand-crafted request would.
import { readFileSync } from "node:fs";
import path from "node:path";

export type ServerAction = { id: string; name: string; paths: string[] };

type Manifest = { node: Record<string, { workers: Record<string, unknown>; exportedName?: string }> };

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

export function serverActions(): ServerAction[] {
  const file = path.join(process.cwd(), ".next/server/server-reference-manifest.json");
  const manifest = JSON.parse(readFileSync(file, "utf8")) as Manifest;
  return Object.entries(manifest.node).map(([id, entry]) => ({
    id,
    name: entry.exportedName ?? id,
    paths: Object.keys(entry.workers).map(pagePath),
  }));
}

export function serverAction(name: string): ServerAction {
  const found = serverActions().find((a) => a.name === name);
  if (!found) throw new Error(`No server action named ${name} in the build.`);
  return found;
}
