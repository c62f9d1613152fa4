// Each page's first-load JavaScript in the production build (.next), raw and gzipped: the root main
// files plus every client entry its client-reference manifest names. Printed by `npm run bench`.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";

export function firstLoadJs() {
  const root = ".next";
  if (!existsSync(path.join(root, "build-manifest.json"))) return null;
  const build = JSON.parse(readFileSync(path.join(root, "build-manifest.json"), "utf8")) as { rootMainFiles: string[] };
  const pages: [string, number, number][] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === "page_client-reference-manifest.js") {
        const source = readFileSync(full, "utf8");
        const files = new Set(build.rootMainFiles);
        for (const match of source.matchAll(/"entryJSFiles":(\{[^}]*\})/g)) {
          for (const list of Object.values(JSON.parse(match[1]!) as Record<string, string[]>))
            list.forEach((f) => files.add(f));
        }
        let raw = 0;
        let gz = 0;
        for (const file of files) {
          const bytes = readFileSync(path.join(root, file));
          raw += bytes.length;
          gz += gzipSync(bytes).length;
        }
        const route = path
          .dirname(path.relative(path.join(root, "server/app"), full))
          .replace(/\([^)]*\)\/?/g, "")
          .replace(/^\.$/, "");
        pages.push([`/${route}`.replace(/\/+/g, "/").replace(/(.)\/$/, "$1"), raw, gz]);
      }
    }
  };
  walk(path.join(root, "server/app"));
  return pages.sort((a, b) => a[0].localeCompare(b[0]));
}

export function firstLoadTable(): string {
  const pages = firstLoadJs();
  if (!pages) return "(no production build: run `npm run build` first for first-load JS figures)";
  const lines = ["| page | first-load JS | gzipped |", "| --- | --- | --- |"];
  for (const [route, raw, gz] of pages)
    lines.push(`| ${route} | ${(raw / 1024).toFixed(0)} KiB | ${(gz / 1024).toFixed(0)} KiB |`);
  return lines.join("\n");
}
