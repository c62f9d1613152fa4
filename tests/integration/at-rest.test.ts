// Checklist "At rest": a dump of every table holds no usable TOTP secret and no recovery code.
import { describe, expect, it } from "vitest";
import { beginEnrolment } from "@/lib/two-factor/enrolment";
import { normalizeRecoveryCode } from "@/lib/two-factor/recovery-codes";
import { freshDatabasePerFile } from "./database";
import { makeUser, makeUserWithTwoFactor } from "./fixtures";

const { prisma } = freshDatabasePerFile();

async function dumpEveryTable(): Promise<string> {
  const tables = await prisma().$queryRaw<{ tablename: string }[]>`SELECT tablename FROM pg_tables WHERE schemaname = 'public'`;
  expect(tables.length).toBeGreaterThan(8);
  const parts = await Promise.all(
    tables.map(async ({ tablename }) => JSON.stringify(await prisma().$queryRawUnsafe(`SELECT * FROM "${tablename}"`))),
  );
  return parts.join("\n").toUpperCase();
}

describe("secrets at rest", () => {
  it("no table holds a Base32 secret (confirmed or pending) or any recovery code, in any form", async () => {
    const { secret, recoveryCodes } = await makeUserWithTwoFactor();
    const pending = await beginEnrolment(await makeUser("Pending"));
    const dump = await dumpEveryTable();
    for (const s of [secret, pending.secret]) {
      expect(dump).not.toContain(s);
      expect(dump).not.toContain(s.slice(0, 16));
      expect(dump).not.toContain(Buffer.from(s).toString("base64").toUpperCase());
    }
    for (const code of recoveryCodes) {
      expect(dump).not.toContain(code);
      expect(dump).not.toContain(normalizeRecoveryCode(code)!);
    }
  });

  it("keeps secrets as AES-256-GCM ciphertexts with a key id", async () => {
    const { user } = await makeUserWithTwoFactor();
    const row = await prisma().user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.totpSecret).toMatch(/^v1\.k1\.[\w-]{16}\.[\w-]+\.[\w-]{22}$/);
  });
});
