// The arguments of a server action arrive in React's reply encoding: JSON rows in which strings
// starting with "$" are references. Next hands them to React's decodeReply, and a row it cannot
// decode (bad JSON, a reference to a row that is missing, a BigInt that is not a number...) comes
// back as an HTTP 500 (vercel/next.js#86945). These checks accept what React's client sends for
// this app's actions (plain JSON, FormData, undefined, dates, escaped "$" strings) and nothing else.

/** The rows of a reply: a FormData, or the single row of a plain-text reply. */
export type ReplyRows = { getAll(name: string): unknown[] };

const MAX_DEPTH = 32;
const LITERALS = new Set(["$undefined", "$NaN", "$Infinity", "$-Infinity", "$-0"]);

function parseRow(rows: ReplyRows, name: string): { value: unknown } | null {
  const all = rows.getAll(name);
  if (all.length !== 1 || typeof all[0] !== "string") return null;
  try {
    return { value: JSON.parse(all[0]) };
  } catch {
    return null;
  }
}

/** Every string in the row is plain, escaped ("$$…"), one of React's literals, a date or a FormData. */
function plainValues(value: unknown, depth = 0): boolean {
  if (depth > MAX_DEPTH) return false;
  if (typeof value === "string") {
    return (
      !value.startsWith("$") ||
      value.startsWith("$$") ||
      LITERALS.has(value) ||
      /^\$D./.test(value) ||
      /^\$K[0-9a-f]+$/.test(value)
    );
  }
  if (Array.isArray(value)) return value.every((item) => plainValues(item, depth + 1));
  if (value && typeof value === "object") return Object.values(value).every((item) => plainValues(item, depth + 1));
  return true;
}

/**
 * A multipart call holds row "0" and the entries of FormData arguments ("_1_name"). React finds rows
 * by number (`+name`), so a field named " " or "00" would be row 0 a second time, which it cannot
 * handle; fields React's client never sends are refused.
 */
export function hasOnlyArgumentFields(form: FormData): boolean {
  return [...form.keys()].every((name) => name === "0" || name.startsWith("_"));
}

/** The arguments of a fetch-style call (Next-Action header): row "0" is the argument list. */
export function isActionArguments(rows: ReplyRows, prefix = ""): boolean {
  const root = parseRow(rows, `${prefix}0`);
  return !!root && Array.isArray(root.value) && plainValues(root.value);
}

/**
 * A form posted before hydration (no Next-Action header) names its action in "$ACTION_REF_n" with a
 * descriptor row "$ACTION_n:0" = {"id": "…", "bound": null | "$@1"}, the bound arguments in row 1.
 */
export function isActionFormDescriptor(rows: ReplyRows, ref: string): boolean {
  const prefix = `$ACTION_${ref}:`;
  const descriptor = parseRow(rows, `${prefix}0`);
  if (!descriptor || !descriptor.value || typeof descriptor.value !== "object" || Array.isArray(descriptor.value))
    return false;
  const { id, bound } = descriptor.value as { id?: unknown; bound?: unknown };
  if (typeof id !== "string") return false;
  if (bound === null) return true;
  const row = typeof bound === "string" && /^\$@([0-9a-f]+)$/.exec(bound);
  if (!row) return false;
  const boundArguments = parseRow(rows, `${prefix}${Number.parseInt(row[1]!, 16)}`);
  return !!boundArguments && Array.isArray(boundArguments.value) && plainValues(boundArguments.value);
}
