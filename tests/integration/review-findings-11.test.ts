// Review 11 FINDINGS: each test here FAILS on the current code and names a real hole. It passes once
// the product is fixed. (The attacks the product withstood are in review-second-step.test.ts.)
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { listMembers } from "@/lib/accounts/member-list";
import { listAuditEvents } from "@/lib/audit-log";
import { encodeCursor } from "@/lib/keyset-cursor";
import { freshDatabasePerFile } from "./database";
import { makeUser } from "./fixtures";

const { prisma } = freshDatabasePerFile();

async function account() {
  const owner = await makeUser("Owner");
  const { accountId } = await prisma().membership.findFirstOrThrow({ where: { userId: owner.id } });
  return accountId;
}

describe("FINDING: crafted input makes the members list / audit log throw (HTTP 500)", () => {
  it("members search with a NUL character", async () => {
    const accountId = await account();
    await expect(listMembers(accountId, { search: "a\u0000b" })).resolves.toMatchObject({ members: [] });
  });
  it("members cursor with a NUL character", async () => {
    const accountId = await account();
    await expect(listMembers(accountId, { after: encodeCursor(["a\u0000", "b"]) })).resolves.toBeTruthy();
  });
  it("audit cursor with a NUL in the id part", async () => {
    const accountId = await account();
    await expect(
      listAuditEvents(accountId, { after: encodeCursor([new Date().toISOString(), "\u0000"]) }),
    ).resolves.toBeTruthy();
  });
  for (const date of [
    "0000-01-01T00:00:00.000Z",
    "-100000-01-01T00:00:00.000Z",
    "+200000-01-01T00:00:00.000Z",
    "-004713-01-01T00:00:00.000Z",
  ]) {
    it(`audit cursor dated ${date}`, async () => {
      const accountId = await account();
      await expect(listAuditEvents(accountId, { after: encodeCursor([date, randomUUID()]) })).resolves.toBeTruthy();
    });
  }
});
