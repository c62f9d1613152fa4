import { describe, expect, it } from "vitest";
import { csvField, membersCsv } from "@/lib/accounts/members-csv";
import { AuditType } from "@/lib/audit";
import { nameSchema } from "@/lib/auth/users";
import { freshDatabasePerFile } from "./database";
import { makeUser, makeUserWithTwoFactor } from "./fixtures";

const { prisma } = freshDatabasePerFile();

async function csv(accountId: string) {
  let text = "";
  for await (const chunk of membersCsv(accountId)) text += chunk;
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
      ["\tx", '"\'\tx"'],
      ['a "b", c', '"a ""b"", c"'],
      ["line\nbreak", '"line\nbreak"'],
      ["Evil;=cmd", '"Evil;=cmd"'],
      ["a\t=b", '"a\t=b"'],
      ["\u200B=HYPERLINK(1)", "'\u200B=HYPERLINK(1)"],
      [" \u202E=1", "' \u202E=1"],
      [null, ""],
    ] as const) {
      expect(csvField(input)).toBe(output);
    }
  });

  it("a name cannot start a formula cell where the spreadsheet splits on ';' or tabs (European Excel locales)", async () => {
    const owner = await makeUser("Owner");
    const { accountId } = await prisma().membership.findFirstOrThrow({ where: { userId: owner.id } });
    const name = nameSchema.parse("Evil;=cmd|' /C calc'!A0;@SUM(1)");
    const evil = await prisma().user.create({ data: { email: "evil@example.com", name, passwordHash: "x" } });
    await prisma().membership.create({ data: { userId: evil.id, accountId, role: "member" } });
    const line = (await csv(accountId)).find((l) => l.includes("evil@example.com"))!;
    for (const separator of [";", "\t", ","]) {
      // Cells as a spreadsheet splits them: a quoted stretch is never split.
      const cells = line.match(
        new RegExp(`("([^"]|"")*"|[^${separator}"])+|(?<=^|${separator})(?=${separator}|$)`, "g"),
      )!;
      expect(
        cells.filter((cell) => /^[=+\-@]/.test(cell)),
        separator,
      ).toEqual([]);
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
  });

  it("lists each member once when names change during the export (renamed past or ahead of the batches read)", async () => {
    const { user: owner } = await makeUserWithTwoFactor("Owner");
    const account = await prisma().account.findFirstOrThrow({ where: { memberships: { some: { userId: owner.id } } } });
    const names = ["Aaa Early", ...Array.from({ length: 2_000 }, (_, i) => `M ${i}`), "Zed Late"];
    const users = names.map((name, i) => ({ id: `r${i}`, email: `r${i}@example.com`, name, passwordHash: "x" }));
    await prisma().user.createMany({ data: users });
    await prisma().membership.createMany({
      data: users.map((u) => ({ userId: u.id, accountId: account.id, role: "member" as const })),
    });
    const emails: string[] = [];
    let renamed = false;
    let chunks = 0;
    for await (const chunk of membersCsv(account.id)) {
      chunks++;
      emails.push(
        ...chunk
          .split("\r\n")
          .slice(0, -1)
          .map((line) => line.split(",")[1]!),
      );
      if (emails.length > 1_000 && !renamed) {
        // Between two batches: the export has read the first and not yet the second.
        renamed = true;
        await prisma().user.update({ where: { email: "r2001@example.com" }, data: { name: "Aaa Moved" } });
        await prisma().user.update({ where: { email: "r0@example.com" }, data: { name: "Zzz Moved" } });
      }
    }
    expect(renamed).toBe(true);
    const members = emails.slice(1);
    expect(members).toHaveLength(1 + names.length);
    expect(new Set(members).size).toBe(members.length);
    // The header, then a chunk for each batch of 1,000: each chunk waits for a turn of the server's
    // event loop to be written, and under load a turn is long.
    expect(chunks).toBe(1 + Math.ceil(members.length / 1_000));
  });
});
