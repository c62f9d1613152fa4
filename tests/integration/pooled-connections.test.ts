// Behind a transaction-mode pooler (?pgbouncer=true) the session TimeZone cannot be pinned at
// connection time, so the app checks it and refuses to run on anything but UTC, saying how to fix it.
import { randomUUID } from "node:crypto";
import { describe, expect, inject, it } from "vitest";
import { assertUtcSessions } from "@/lib/db";
import { postgresAdapter } from "@/lib/db/connection";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { backend, freshDatabasePerFile } from "./database";

const { prisma } = freshDatabasePerFile();

/** A database on the test server (east or west of UTC), reached through `url(name)`, then dropped. */
async function withServerDatabase(
  work: (name: string, admin: { query(sql: string): Promise<unknown> }) => Promise<void>,
) {
  const { default: pg } = await import("pg");
  const name = `pool_${randomUUID().replace(/-/g, "")}`;
  const admin = new pg.Client({ connectionString: `${inject("postgresUrl")}/postgres` });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  try {
    await work(name, admin);
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

async function check(url: string) {
  const client = new PrismaClient({ adapter: await postgresAdapter(url) });
  try {
    await assertUtcSessions(client);
  } finally {
    await client.$disconnect();
  }
}

describe("sessions in UTC", () => {
  it("are what the app's own connection gets", async () => {
    await expect(assertUtcSessions(prisma())).resolves.toBeUndefined();
  });

  it("are required: a session in another zone is refused with the fix", async () => {
    if (backend === "pglite") {
      await prisma().$executeRawUnsafe("SET TimeZone TO 'Europe/London'"); // UTC+0 in winter only
      try {
        await expect(assertUtcSessions(prisma())).rejects.toThrow(
          /"Europe\/London".*ALTER DATABASE <name> SET timezone TO 'UTC'/,
        );
      } finally {
        await prisma().$executeRawUnsafe("SET TimeZone TO 'UTC'");
      }
      return;
    }
    await withServerDatabase(async (name, admin) => {
      const base = `${inject("postgresUrl")}/${name}`;
      // Pinned at connection time: fine whatever the server's zone.
      await expect(check(base)).resolves.toBeUndefined();
      // As through a pooler: the server's own zone shows, and the app refuses it.
      await expect(check(`${base}?pgbouncer=true`)).rejects.toThrow(
        /in "(Asia\/Tokyo|America\/Los_Angeles)".*ALTER DATABASE/,
      );
      // The documented fix.
      await admin.query(`ALTER DATABASE ${name} SET timezone TO 'UTC'`);
      await expect(check(`${base}?pgbouncer=true`)).resolves.toBeUndefined();
    });
  });
});
