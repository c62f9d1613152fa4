import "server-only";
import { db } from "@/lib/db";
import { readMigrations } from "@/lib/db/migrations";

export type Health = {
  ok: boolean;
  database: "ok" | "unreachable";
  migrations: { expected: number; applied: number; pending: string[] } | null;
};

const TIMEOUT_MS = 3_000;

/** Whether the database answers and has every migration of this build; never says where it is. */
export async function healthReport(): Promise<Health> {
  try {
    const check = (async () => {
      const prisma = await db();
      const rows = await prisma.$queryRaw<{ migration_name: string }[]>`
        SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;
      const applied = new Set(rows.map((r) => r.migration_name));
      const expected = (await readMigrations()).map((m) => m.name);
      const pending = expected.filter((name) => !applied.has(name));
      return { expected: expected.length, applied: expected.length - pending.length, pending };
    })();
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error("timeout")), TIMEOUT_MS).unref(),
    );
    const migrations = await Promise.race([check, timeout]);
    return { ok: migrations.pending.length === 0, database: "ok", migrations };
  } catch (error) {
    console.error("[health] database check failed:", error instanceof Error ? error.message : error);
    return { ok: false, database: "unreachable", migrations: null };
  }
}
