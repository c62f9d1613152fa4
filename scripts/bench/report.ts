// `npm run bench`'s figures as Markdown: each path at 1 and 32 clients beside its floors (the bare
// reference, the empty Next.js action and route handler), SQL statements per accepted code, memory.
import type { Figures } from "./drive";
import type { MemoryMark } from "./memory";
import type { StatementCount, StatementTime } from "./statements";

export type Row = { name: string; clients: number; figures: Figures };

const ms = (n: number) => (Number.isNaN(n) ? "–" : n >= 100 ? `${n.toFixed(0)} ms` : `${n.toFixed(2)} ms`);
const ratio = (n: number) => (Number.isFinite(n) ? `${n.toFixed(2)}×` : "–");

/** Each row beside each floor (`label` in the header, `name` the floor's row), at the same clients. */
export function latencyTable(rows: Row[], floors: { name: string; label: string }[]): string {
  const floor = (name: string, clients: number) => rows.find((r) => r.name === name && r.clients === clients)?.figures;
  const lines = [
    `| path | clients | n | p50 | p99 | per second | ${floors.map((f) => `p50 ÷ ${f.label} | /s ÷ ${f.label}`).join(" | ")} | errors |`,
    `| --- | --- | --- | --- | --- | --- | ${floors.map(() => "--- | ---").join(" | ")} | --- |`,
  ];
  for (const { name, clients, figures: f } of rows) {
    const ratios = floors.map(({ name: floorName }) => {
      const base = floor(floorName, clients);
      return `${ratio(f.p50 / (base?.p50 ?? NaN))} | ${ratio(f.perSecond / (base?.perSecond ?? NaN))}`;
    });
    lines.push(
      `| ${name} | ${clients} | ${f.n} | ${ms(f.p50)} | ${ms(f.p99)} | ${f.perSecond.toFixed(0)} | ` +
        `${ratios.join(" | ")} | ${f.errors} |`,
    );
  }
  return lines.join("\n");
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/**
 * What the second factor adds to a whole sign-in at 1 client, from alternating rounds of sign-ins with
 * and without it: the median of the rounds' p50 differences, and of the server's CPU per sign-in.
 */
export function twoFactorCost(p50With: number[], p50Without: number[], cpuWith: number[], cpuWithout: number[]) {
  const added = median(p50With.map((p, i) => p - p50Without[i]!));
  const cpu = median(cpuWith.map((c, i) => c - cpuWithout[i]!));
  return (
    `2FA adds ${ms(added)} to a whole sign-in at 1 client (median over ${p50With.length} alternating rounds of ` +
    `the p50s' difference; p50 ${ms(median(p50With))} with it, ${ms(median(p50Without))} without) and ` +
    `${ms(cpu)} of server CPU per sign-in; target ≤ 5 ms.`
  );
}

/**
 * The same question request by request: each request's median time in the sign-ins with 2FA and in
 * those without, and the sum of the differences. argon2id's spread then stays inside the password
 * step's two medians instead of falling on every sign-in's total.
 */
export function twoFactorCostByRequest(withIt: Map<string, number[]>, without: Map<string, number[]>): string {
  const lines = ["| request | with 2FA (median) | without | difference |", "| --- | --- | --- | --- |"];
  let added = 0;
  for (const step of new Set([...withIt.keys(), ...without.keys()])) {
    const a = withIt.has(step) ? median(withIt.get(step)!) : 0;
    const b = without.has(step) ? median(without.get(step)!) : 0;
    added += a - b;
    const n = (times?: number[]) => (times ? ` (n ${times.length})` : "");
    lines.push(`| ${step} | ${ms(a)}${n(withIt.get(step))} | ${ms(b)}${n(without.get(step))} | ${ms(a - b)} |`);
  }
  return `${lines.join("\n")}\n\n2FA adds ${ms(added)} by request (the sum of the differences of their medians, same rounds); target ≤ 5 ms.`;
}

export function statementTable(counts: [string, StatementCount][]): string {
  const lines = ["| path | SQL statements sent per accepted code |", "| --- | --- |"];
  for (const [name, count] of counts) lines.push(`| ${name} | **${count.perCode.toFixed(1)}** |`);
  for (const [name, count] of counts) {
    lines.push("", `${name}:`, "");
    for (const s of count.statements) {
      const inside = s.nested ? " (run by PostgreSQL inside a statement above: not sent, not counted)" : "";
      lines.push(`- ${s.perCode.toFixed(1)} × \`${s.query}\`${inside}`);
    }
  }
  return lines.join("\n");
}

/** PostgreSQL's share of a request: its planning and execution time per statement (commits not included). */
export function statementTimeTable(times: StatementTime[]): string {
  const lines = [
    "| statement | calls | plans | planning per plan | planning per call | execution per call |",
    "| --- | --- | --- | --- | --- | --- |",
  ];
  for (const t of times)
    lines.push(
      `| \`${t.query}…\` | ${t.calls} | ${t.plans} | ${ms(t.planMs)} | ${ms(t.planPerCallMs)} | ${ms(t.execMs)} |`,
    );
  return lines.join("\n");
}

export function memoryTable(before: number, marks: MemoryMark[]): string {
  const lines = [
    "| after whole sign-ins | server RSS | sign-ins per second (last batch) | errors so far |",
    "| --- | --- | --- | --- |",
  ];
  lines.push(`| 0 (after the timed runs) | ${before.toFixed(0)} MiB | – | – |`);
  for (const m of marks)
    lines.push(
      `| ${m.signIns.toLocaleString("en")} | ${m.rssMiB.toFixed(0)} MiB | ${m.perSecond.toFixed(0)} | ${m.errors} |`,
    );
  return lines.join("\n");
}
