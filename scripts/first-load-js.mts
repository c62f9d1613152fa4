// `npm run bench:bundles`: each page's first-load JavaScript from the production build (`.next`, so
// run `npm run build` first), raw and gzipped. The same computation `npm run bench` prints, kept
// here so it can run on its own (no database) while the bundles are being trimmed.
import { readdirSync, readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";

/** [route, raw bytes, gzipped bytes] per page: the root main files plus the page's entry chunks. */
export function firstLoadJs(root = ".next"): [string, number, number][] | null {
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

/** The Markdown table `npm run bench` prints, or a hint when there is no build. */
export function firstLoadJsTable(root = ".next"): string {
  const pages = firstLoadJs(root);
  if (!pages) return "(no production build: run `npm run build` first for first-load JS figures)";
  const lines = ["| page | first-load JS | gzipped |", "| --- | --- | --- |"];
  for (const [route, raw, gz] of pages)
    lines.push(`| ${route} | ${(raw / 1024).toFixed(0)} KiB | ${(gz / 1024).toFixed(0)} KiB |`);
  return lines.join("\n");
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) console.log(firstLoadJsTable());
