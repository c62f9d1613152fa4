// Keyset pages of the members list and the audit log: every row exactly once across pages (ties on
// the sort key included), stable when rows are added between two pages, searchable by prefix, and a
// damaged cursor or hostile search starts over or lists nothing instead of failing.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { listMembers, MEMBERS_PAGE_SIZE } from "@/lib/accounts/member-list";
import { listAuditEvents } from "@/lib/audit-log";
import { encodeCursor } from "@/lib/keyset-cursor";
import { freshDatabasePerFile } from "./database";
import { makeUser } from "./fixtures";

const { prisma } = freshDatabasePerFile();

/** An account with its owner and `names.length` more members, named as given (ties on purpose). */
async function accountWith(names: string[]) {
  const owner = await makeUser("Owner");
  const { accountId } = await prisma().membership.findFirstOrThrow({ where: { userId: owner.id } });
  await addMembers(accountId, names);
  return accountId;
}

async function addMembers(accountId: string, names: string[]) {
  const tag = randomUUID().slice(0, 8);
  const users = names.map((name, i) => ({
    id: `u${tag}${i}`,
    name,
    email: `${name.replace(/\W/g, "")}.${tag}.${i}@x.test`.toLowerCase(),
    passwordHash: "x",
  }));
  await prisma().user.createMany({ data: users });
  await prisma().membership.createMany({
    data: users.map((u) => ({ userId: u.id, accountId, role: "member" as const })),
  });
  return users;
}

async function allPages(accountId: string, options: { search?: string; withoutTwoFactor?: boolean } = {}) {
  const seen: string[] = [];
  let page = await listMembers(accountId, options);
  for (;;) {
    seen.push(...page.members.map((m) => m.id));
    if (!page.next) return seen;
    page = await listMembers(accountId, { ...options, after: page.next });
  }
}

describe("members list, keyset pages", () => {
  it("shows every member once, in name order, ties on the name included", async () => {
    const names = Array.from({ length: 130 }, (_, i) => ["Kim", "kim", "Ana Lee", "Zoë", "bob"][i % 5]!);
    const accountId = await accountWith(names);
    const seen = await allPages(accountId);
    expect(seen).toHaveLength(131);
    expect(new Set(seen).size).toBe(131);
    const expected = await prisma().membership.findMany({ where: { accountId }, select: { user: true } });
    const byKey = expected
      .map((m) => m.user)
      .sort((a, b) => {
        const [x, y] = [a.name.toLowerCase(), b.name.toLowerCase()];
        return x < y ? -1 : x > y ? 1 : a.id < b.id ? -1 : 1;
      });
    expect(seen).toEqual(byKey.map((u) => u.id));
  });

  it("Previous goes back to exactly the page before", async () => {
    const accountId = await accountWith(Array.from({ length: 120 }, (_, i) => `Member ${i % 7}`));
    const first = await listMembers(accountId);
    const second = await listMembers(accountId, { after: first.next! });
    const third = await listMembers(accountId, { after: second.next! });
    expect([third.members.length, third.next]).toEqual([21, null]);
    const back = await listMembers(accountId, { before: third.previous! });
    expect(back.members.map((m) => m.id)).toEqual(second.members.map((m) => m.id));
    const front = await listMembers(accountId, { before: back.previous! });
    expect(front.members.map((m) => m.id)).toEqual(first.members.map((m) => m.id));
    expect(front.previous).toBeNull();
  });

  it("a member added between two pages shifts nothing on the next page", async () => {
    const accountId = await accountWith(Array.from({ length: 99 }, (_, i) => `M${String(i).padStart(2, "0")}`));
    const first = await listMembers(accountId);
    const firstIds = first.members.map((m) => m.id);
    await addMembers(accountId, ["A first", "M00"]); // both sort before the end of page one
    const second = await listMembers(accountId, { after: first.next! });
    expect(second.members).toHaveLength(MEMBERS_PAGE_SIZE);
    expect(second.members.filter((m) => firstIds.includes(m.id))).toEqual([]);
    expect(second.members[0]!.name).toBe("M50"); // page one ended at M49
  });

  it("a renamed member moves to the new name's place, in the list and in the name search", async () => {
    const accountId = await accountWith(["Ann", "Bob", "Cy"]);
    const bob = await prisma().user.findFirstOrThrow({ where: { name: "Bob", memberships: { some: { accountId } } } });
    await prisma().user.update({ where: { id: bob.id }, data: { name: "Zed Bob" } });
    const names = (await listMembers(accountId)).members.map((m) => m.name);
    expect(names).toEqual(["Ann", "Cy", "Owner", "Zed Bob"]);
    expect((await listMembers(accountId, { search: "bo" })).members).toEqual([]);
    expect((await listMembers(accountId, { search: "ZED" })).members.map((m) => m.id)).toEqual([bob.id]);
  });

  it("searches the start of the name, or of the email when the term has @ or ., case-insensitively", async () => {
    const accountId = await accountWith([...Array(60).fill("Ada Smith"), "Adam West", "Bea Ada", "ADAline"]);
    const matches = await allPages(accountId, { search: "  ada " });
    expect(matches).toHaveLength(62); // not "Bea Ada": prefix search (docs/benchmarks.md says why)
    const page = await listMembers(accountId, { search: "ada" });
    expect([page.total, page.members.length, page.search]).toEqual([null, MEMBERS_PAGE_SIZE, "ada"]);
    const byEmail = await listMembers(accountId, { search: "BeaAda." });
    expect(byEmail.members.map((m) => m.name)).toEqual(["Bea Ada"]);
    const smiths = await allPages(accountId, { search: "adasmith." }); // over two pages
    expect(new Set(smiths).size).toBe(60);
    expect((await listMembers(accountId, { search: "beaada" })).members).toEqual([]);
  });

  it('matches a name as the database lowers it, over pages: "İpek" finds İpek (JavaScript lowers İ otherwise)', async () => {
    const accountId = await accountWith([...Array(55).fill("İpek Yılmaz"), "Ivan", "Ian"]);
    const ipeks = await allPages(accountId, { search: "İpek" });
    expect(ipeks).toHaveLength(55);
    expect(await allPages(accountId, { search: "İPEK Y" })).toEqual(ipeks);
    const second = await listMembers(accountId, {
      search: "İpek",
      after: (await listMembers(accountId, { search: "İpek" })).next!,
    });
    expect([second.invalidCursor, second.members.length]).toEqual([false, 5]);
  });

  it("lists an email search in email order (one index range: lib/accounts/member-list.ts says why)", async () => {
    const accountId = await accountWith([]);
    const tag = randomUUID().slice(0, 8);
    const users = [
      { id: `a${tag}`, name: "Ann", email: `x.zed.${tag}@x.test` },
      { id: `b${tag}`, name: "Zoe", email: `x.amy.${tag}@x.test` },
      { id: `c${tag}`, name: "Bob", email: `x.kim.${tag}@x.test` },
    ];
    await prisma().user.createMany({ data: users.map((u) => ({ ...u, passwordHash: "x" })) });
    await prisma().membership.createMany({
      data: users.map((u) => ({ userId: u.id, accountId, role: "member" as const })),
    });
    const page = await listMembers(accountId, { search: "x." });
    expect(page.members.map((m) => m.name)).toEqual(["Zoe", "Bob", "Ann"]);
    // A cursor of the name list, carried into the email search: it starts over, in email order.
    const byName = encodeCursor(["name", "bob", `c${tag}`]);
    const carried = await listMembers(accountId, { search: "x.", after: byName });
    expect([carried.invalidCursor, carried.members.map((m) => m.name)]).toEqual([true, ["Zoe", "Bob", "Ann"]]);
    // And an email cursor whose key starts with a name search's term: it says it is of the email order.
    const anns = await accountWith(["Ann B", "Ann C"]);
    const ofEmails = encodeCursor(["email", "ann.zzz@x.test", "0"]);
    const intoNames = await listMembers(anns, { search: "ann", after: ofEmails });
    expect([intoNames.invalidCursor, intoNames.members.map((m) => m.name)]).toEqual([true, ["Ann B", "Ann C"]]);
  });

  it("takes %, _ and \\ in a search literally", async () => {
    const accountId = await accountWith(["100% Real", "1000 Fake", "a_b", "axb", "back\\slash", "x.y"]);
    const names = async (search: string) => (await listMembers(accountId, { search })).members.map((m) => m.name);
    expect(await names("100%")).toEqual(["100% Real"]);
    expect(await names("a_")).toEqual(["a_b"]);
    expect(await names("back\\")).toEqual(["back\\slash"]);
    expect(await names("%")).toEqual([]);
    expect(await names("x_y")).toEqual([]); // "_" is no wildcard (and "x.y" searches emails)
  });

  it("finds a prefix up to the code points where the next one turns over, and nothing past them", async () => {
    const edge = [
      "an",
      "ann",
      "an{",
      "ao",
      "a\u{d7ff}",
      "a\u{d7ff}z",
      "a\u{e000}",
      "\u{10ffff}",
      "\u{10ffff}b",
      "\u{10fffe}",
    ];
    const accountId = await accountWith(edge);
    const names = async (search: string) => (await listMembers(accountId, { search })).members.map((m) => m.name);
    expect(await names("an")).toEqual(["an", "ann", "an{"]); // "C" order: "{" follows the letters
    expect(await names("a\u{d7ff}")).toEqual(["a\u{d7ff}", "a\u{d7ff}z"]);
    expect(await names("\u{10ffff}")).toEqual(["\u{10ffff}", "\u{10ffff}b"]);
  });

  it("starts over on a cursor it cannot read, and refuses an overlong search, without failing", async () => {
    const accountId = await accountWith(["Zed"]);
    for (const after of ["garbage!", "e30", encodeCursor(["name", "two parts"]), "x".repeat(5_000), encodeCursor([])]) {
      const page = await listMembers(accountId, { after });
      expect([page.invalidCursor, page.members.length]).toEqual([true, 2]);
    }
    const past = await listMembers(accountId, { after: encodeCursor(["name", "\u{10FFFF}", "z"]) });
    expect([past.invalidCursor, past.members]).toEqual([false, []]);
    const long = await listMembers(accountId, { search: "a".repeat(101) });
    expect([long.members, long.problem]).toEqual([[], "Search for at most 100 characters."]);
    // A lone surrogate would reach the database as U+FFFD, a character nobody typed.
    const broken = await listMembers(accountId, { search: "Ze\ud800" });
    expect([broken.members, broken.search, broken.problem]).toEqual([
      [],
      "Ze",
      "Search for letters, digits or an email address.",
    ]);
  });

  it("counts and lists the members without a second factor: no authenticator app and no security key", async () => {
    const accountId = await accountWith([]);
    const [app, key, ...none] = await addMembers(accountId, ["Ann", "Ben", "Cai", "Dee", "Eli"]);
    await prisma().user.update({ where: { id: app!.id }, data: { totpEnabledAt: new Date() } });
    await prisma().webAuthnCredential.create({
      data: {
        userId: key!.id,
        credentialId: `cred-${key!.id}`,
        publicKey: Buffer.from("key"),
        transports: [],
        name: "Key",
        deviceType: "singleDevice",
        backedUp: false,
      },
    });
    await accountWith(["Fay"]); // another account's member without 2FA: not this account's count
    const owner = (await prisma().membership.findFirstOrThrow({ where: { accountId, role: "owner" } })).userId;
    const without = [owner, ...none.map((u) => u.id)].sort();

    const page = await listMembers(accountId, { withoutTwoFactor: true });
    expect([page.total, page.totalIsLowerBound]).toEqual([without.length, false]);
    expect((await allPages(accountId, { withoutTwoFactor: true })).sort()).toEqual(without);
    expect((await listMembers(accountId)).total).toBe(6);
  });

  it("never lists another account's members, whatever the cursor", async () => {
    const mine = await accountWith(["Mine"]);
    const other = await accountWith(["Theirs"]);
    const theirs = await listMembers(other);
    const page = await listMembers(mine, { before: encodeCursor(["name", "zzz", "zzz"]), search: "" });
    expect(page.members.map((m) => m.name).sort()).toEqual(["Mine", "Owner"]);
    expect(page.members.some((m) => theirs.members.some((t) => t.id === m.id))).toBe(false);
  });
});

describe("audit log, keyset pages", () => {
  it("pages newest first through events sharing a timestamp, then back", async () => {
    const owner = await makeUser("Auditor");
    const { accountId } = await prisma().membership.findFirstOrThrow({ where: { userId: owner.id } });
    const at = new Date("2026-01-02T03:04:05.678Z");
    await prisma().auditEvent.deleteMany({ where: { accountId } });
    await prisma().auditEvent.createMany({
      data: Array.from({ length: 120 }, (_, i) => ({
        id: `e${String(i).padStart(3, "0")}`,
        accountId,
        type: i % 2 ? "sign_in" : "sign_in.failed",
        createdAt: new Date(at.getTime() - Math.floor(i / 40) * 1000), // 40 events per instant
      })),
    });
    const seen: string[] = [];
    let page = await listAuditEvents(accountId);
    const pages = [page];
    for (;;) {
      seen.push(...page.events.map((e) => e.id));
      if (!page.older) break;
      page = await listAuditEvents(accountId, { after: page.older });
      pages.push(page);
    }
    const expected = Array.from({ length: 120 }, (_, i) => `e${String(i).padStart(3, "0")}`).sort((a, b) => {
      const ta = Math.floor(Number(a.slice(1)) / 40);
      const tb = Math.floor(Number(b.slice(1)) / 40);
      return ta - tb || (a < b ? 1 : -1);
    });
    expect(seen).toEqual(expected);
    const back = await listAuditEvents(accountId, { before: pages[2]!.newer! });
    expect(back.events.map((e) => e.id)).toEqual(pages[1]!.events.map((e) => e.id));
    const failed = await listAuditEvents(accountId, { type: "sign_in.failed" });
    expect(failed.events.every((e) => e.type === "sign_in.failed")).toBe(true);
    expect(failed.events).toHaveLength(50);
    const bad = await listAuditEvents(accountId, { after: encodeCursor(["not a date", "e001"]) });
    expect([bad.invalidCursor, bad.events[0]!.id]).toEqual([true, expected[0]]);
  });
});
