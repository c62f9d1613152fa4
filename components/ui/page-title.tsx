/**
 * The document title, rendered by the page itself (React hoists it into <head>) rather than through
 * Next's metadata. Next remounts its metadata under a new key on every router refresh, so the old
 * <title> is removed and, until the new one has streamed in, the document has none: axe caught that
 * while a dialog was open after a refresh. A page's own <title> is reconciled in place instead.
 */
export function PageTitle({ children }: { children: string }) {
  return <title>{`${children} · Twofold`}</title>;
}
