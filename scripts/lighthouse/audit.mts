// One page through Lighthouse's default (mobile) configuration, reduced to what the report prints:
// the four category scores, the performance metrics behind the first, and every audit that cost points.
import { writeFileSync } from "node:fs";
import lighthouse from "lighthouse";

export const CATEGORIES = ["performance", "accessibility", "best-practices", "seo"] as const;
const METRICS = {
  "first-contentful-paint": "FCP",
  "largest-contentful-paint": "LCP",
  "total-blocking-time": "TBT",
  "cumulative-layout-shift": "CLS",
  "speed-index": "SI",
} as const;

export type PageAudit = {
  scores: number[];
  metrics: Record<string, string>;
  /** Lighthouse's CPU benchmark of this machine during the run (higher is faster; ~1000+ is a desktop). */
  benchmarkIndex: number;
  lost: string[];
};

/**
 * `cpuSlowdown`: Lighthouse's simulated CPU throttling (4 by default, meant for a fast desktop whose
 * benchmark index is ~1,500+; its throttling guide suggests 1–2 for a machine in the hundreds).
 * `save`: a file for the whole report (Lighthouse's JSON).
 */
export async function auditPage(
  url: string,
  port: number,
  { cookie, cpuSlowdown = 4, save }: { cookie?: string; cpuSlowdown?: number; save?: string } = {},
): Promise<PageAudit> {
  const result = await lighthouse(
    url,
    {
      port,
      output: "json",
      logLevel: "error",
      onlyCategories: [...CATEGORIES],
      extraHeaders: cookie ? { Cookie: cookie } : undefined,
    },
    { extends: "lighthouse:default", settings: { throttling: { cpuSlowdownMultiplier: cpuSlowdown } } },
  );
  const lhr = result!.lhr;
  if (save) writeFileSync(save, result!.report as string);
  if (lhr.runtimeError) throw new Error(`${url}: ${lhr.runtimeError.message}`);
  if (lhr.finalDisplayedUrl !== url) throw new Error(`${url} ended at ${lhr.finalDisplayedUrl}`);
  const lost: string[] = [];
  for (const c of CATEGORIES) {
    for (const ref of lhr.categories[c]!.auditRefs) {
      const audit = lhr.audits[ref.id]!;
      if (ref.weight === 0 || audit.score === null || audit.score >= 0.9) continue;
      lost.push(`${c}: ${audit.title}${audit.displayValue ? ` (${audit.displayValue})` : ""}`);
    }
  }
  return {
    scores: CATEGORIES.map((c) => Math.round((lhr.categories[c]?.score ?? 0) * 100)),
    metrics: Object.fromEntries(
      Object.entries(METRICS).map(([id, short]) => [short, lhr.audits[id]?.displayValue ?? "?"]),
    ),
    benchmarkIndex: Math.round(lhr.environment.benchmarkIndex),
    lost,
  };
}
