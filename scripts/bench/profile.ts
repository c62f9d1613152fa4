// What a V8 CPU profile (`node --cpu-prof`) of the server says about a timed window: the time per
// package and the functions that take it, by their own time and with what they call. Enough to see
// where a request's milliseconds go without opening DevTools.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

type Frame = { functionName: string; url: string; lineNumber: number };
type Node = { id: number; callFrame: Frame; children?: number[] };
type Profile = { nodes: Node[]; startTime: number; samples: number[]; timeDeltas: number[] };

/** The monotonic clock V8 stamps samples with, in microseconds (the same clock across processes). */
export const monotonicMicros = () => Number(process.hrtime.bigint() / 1000n);

/** Where code lives: a package in node_modules, Next's build output, or Node itself. */
function place(url: string): string {
  if (!url) return "(V8: GC, idle, native)";
  const pkg = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (pkg) return pkg[1]!;
  if (url.includes("/.next/server/chunks/")) return "Twofold build (.next/server/chunks)";
  if (url.includes("/.next/")) return "Twofold build (.next, other)";
  if (url.startsWith("node:")) return "Node.js";
  return path.basename(url);
}

const label = (f: Frame) => `${f.functionName || "(anonymous)"} ${place(f.url)}:${f.lineNumber + 1}`;

function table(title: string, rows: [string, number][], total: number, count: number) {
  const lines = rows
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(
      ([name, us]) =>
        `| ${name.replaceAll("|", "\\|")} | ${(us / 1000).toFixed(0)} ms | ${((100 * us) / total).toFixed(1)}% |`,
    );
  return `| ${title} | time | share |\n| --- | --- | --- |\n${lines.join("\n")}`;
}

/** The newest profile in `dir`, summed over samples from `from` to `to` (monotonic µs) when given. */
export function profileSummary(dir: string, window?: { from: number; to: number }, count = 25): string {
  const file = readdirSync(dir)
    .filter((f) => f.endsWith(".cpuprofile"))
    .map((f) => path.join(dir, f))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  if (!file) return `No .cpuprofile in ${dir}.`;
  const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const self = new Map<number, number>();
  let time = profile.startTime;
  let total = 0;
  let idle = 0;
  for (const [i, sample] of profile.samples.entries()) {
    const delta = profile.timeDeltas[i] ?? 0;
    time += delta;
    if (window && (time < window.from || time > window.to)) continue;
    if (byId.get(sample)!.callFrame.functionName === "(idle)") {
      idle += delta;
      continue;
    }
    self.set(sample, (self.get(sample) ?? 0) + delta);
    total += delta;
  }

  const byPlace = new Map<string, number>();
  const byFile = new Map<string, number>();
  const selfByFunction = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const [id, us] of self) {
    const frame = byId.get(id)!.callFrame;
    byPlace.set(place(frame.url), (byPlace.get(place(frame.url)) ?? 0) + us);
    const file = frame.url.replace(/^.*node_modules\//, "").replace(/^.*\/\.next\//, ".next/") || frame.functionName;
    byFile.set(file, (byFile.get(file) ?? 0) + us);
    selfByFunction.set(label(frame), (selfByFunction.get(label(frame)) ?? 0) + us);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const name = label(byId.get(at)!.callFrame);
      if (seen.has(name)) continue; // recursion counts once
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + us);
    }
  }
  return [
    `CPU profile ${file}: ${(total / 1000).toFixed(0)} ms busy, ${(idle / 1000).toFixed(0)} ms idle in the window.\n`,
    table("where (own time)", [...byPlace], total, count),
    table("file (own time)", [...byFile], total, count),
    table("function (own time)", [...selfByFunction], total, count),
    table("function (with what it calls)", [...inclusive], total, 2 * count),
  ].join("\n\n");
}
