// The layering the code is read by: app → components → lib, and no import cycle anywhere in them.
// A cycle once left the factor registry undefined in some import orders (the mail outbox imported
// it through the recovery-code factor); this reads every import as text and fails on the next one.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
const LAYERS = ["app", "components", "lib"] as const;

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name))
    .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name)))
    .filter((file) => !file.startsWith("lib/generated/"));
}

const files = new Set(LAYERS.flatMap(sourceFiles));

/** The project files a file imports at run time (type-only imports vanish when compiled). */
function importsOf(file: string): string[] {
  const text = readFileSync(path.join(ROOT, file), "utf8");
  const specifiers = [
    ...text.matchAll(/^\s*(?:import|export)\s+(?!type\s)(?:[^"';]*?\sfrom\s+)?["']([^"']+)["']/gm),
    ...text.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g),
  ].map((m) => m[1]!);
  return specifiers.flatMap((spec) => {
    const base = spec.startsWith("@/")
      ? spec.slice(2)
      : spec.startsWith(".")
        ? path.join(path.dirname(file), spec)
        : null;
    if (base === null) return [];
    const found = ["", ".ts", ".tsx", "/index.ts", "/index.tsx"].map((end) => base + end).find((f) => files.has(f));
    return found ? [found] : [];
  });
}

const graph = new Map([...files].map((file) => [file, importsOf(file)]));

/** Every cycle's files, found by depth-first search (each reported once, from where it was met). */
function cycles(): string[][] {
  const found: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, "open");
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === "open") found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, "done");
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return found;
}

describe("the import graph", () => {
  it("reads the project's files and their imports", () => {
    expect(graph.get("app/(app)/profile/page.tsx")).toContain("components/profile/sessions-card.tsx");
    expect(graph.get("lib/two-factor/factors/index.ts")).toContain("lib/two-factor/factors/recovery-code.ts");
  });

  it("has no import cycle", () => {
    expect(cycles().map((cycle) => cycle.join(" → "))).toEqual([]);
  });

  it("imports only downwards: lib never from components or app, components never from app", () => {
    const upwards = [...graph].flatMap(([file, imports]) =>
      imports
        .filter((target) => LAYERS.indexOf(layer(target)) < LAYERS.indexOf(layer(file)))
        .map((target) => `${file} → ${target}`),
    );
    expect(upwards).toEqual([]);
  });
});

const layer = (file: string) => file.split("/")[0] as (typeof LAYERS)[number];
