import { describe, expect, it } from "vitest";
import { csvField, membersCsv } from "@/lib/accounts/members-csv";
import { AuditType } from "@/lib/audit";
import { freshDatabasePerFile } from "./database";
import { makeUser, makeUserWithTwoFactor } from "./fixtures";

const { prisma } = freshDatabasePerFile();

async function csv(accountId: string) {
  let text = "";
  for await (const line of membersCsv(accountId)) text += line;
  return text.trimEnd().split("\r\n");
}

describe("members CSV", () => {
  it("defuses formulas and quotes what needs quoting", () => {
    for (const [input, output] of [
      ["Ada", "Ada"],
      ["=1+1", "'=1+1"],
      ["+cmd", "'+cmd"],
      ["-2", "'-2"],
      ["@SUM(A1)", "'@SUM(A1)"],
      ["\tx", "'\tx"],
      ['a "b", c', '"a ""b"", c"'],
      ["line\nbreak", '"line\nbreak"'],
      [null, ""],
    ] as const) {
      expect(csvField(input)).toBe(output);
    }
  });

  it("lists every member with 2FA status, method and last sign-in, past one batch, and no other account's", async () => {
    const { user: owner } = await makeUserWithTwoFactor("Owner");
    const account = await prisma().account.findFirstOrThrow({ where: { memberships: { some: { userId: owner.id } } } });
    const outsider = await makeUser("Outsider");
    const many = Array.from({ length: 1_050 }, (_, i) => ({
      id: `u${i}`,
      email: `m${i}@example.com`,
      name: `M ${i}`,
      passwordHash: "x",
    }));
    await prisma().user.createMany({ data: many });
    await prisma().membership.createMany({
      data: many.map((u) => ({ userId: u.id, accountId: account.id, role: "member" as const })),
    });
    const at = new Date("2026-11-20T10:00:00.000Z");
    await prisma().auditEvent.create({
      data: { type: AuditType.signIn, subjectId: owner.id, accountId: account.id, createdAt: at },
    });

    const lines = await csv(account.id);
    expect(lines).toHaveLength(1 + 1 + 1_050);
    expect(lines.find((l) => l.includes(owner.email))).toMatch(
      new RegExp(`^Owner,${owner.email},owner,on,authenticator app,2026-11-20T10:00:00Z,`),
    );
    expect(lines.find((l) => l.startsWith("M 1049,"))).toMatch(/^M 1049,m1049@example\.com,member,off,,,\d{4}-/);
    expect(lines.some((l) => l.includes(outsider.email))).toBe(false);
    // In the members list's order: lower-cased names in byte order ("m 10" before "m 2"), across batches.
    const names = lines.slice(1).map((l) => l.split(",")[0]!.toLowerCase());
    expect(names.slice(0, 4)).toEqual(["m 0", "m 1", "m 10", "m 100"]);
    expect(names).toEqual([...names].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
  });
});
