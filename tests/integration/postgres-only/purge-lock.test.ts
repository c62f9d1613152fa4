// Several server instances share one PostgreSQL: while one holds the purge lock, the others skip
// (PGlite serves one process through one connection, so there is no second instance to skip).
import { describe, expect, it } from "vitest";
import { purgeBatch, purgeExpired, purgeTargets } from "@/lib/purge";
import { PURGE_ADVISORY_LOCK } from "@/lib/purge-lock";
import { freshDatabasePerFile } from "../database";

const { prisma } = freshDatabasePerFile();
const DAY = 86_400_000;

describe("purge lock", () => {
  it("skips while another instance holds the purge lock", async () => {
    const target = purgeTargets.find((t) => t.table === "RateLimit")!;
    await prisma().rateLimit.create({ data: { key: "locked-1", expiresAt: new Date(Date.now() - DAY) } });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const other = prisma().$transaction(async (tx) => {
      await tx.$queryRaw`SELECT pg_advisory_xact_lock(${PURGE_ADVISORY_LOCK})::text AS "held"`; // (a void column cannot be read)
      locked();
      await held;
    });
    await isLocked;
    expect(await purgeBatch(target, new Date())).toBeNull();
    expect(await purgeExpired()).toEqual({});
    release();
    await other;
    expect(await purgeBatch(target, new Date())).toBe(1);
  });
});
