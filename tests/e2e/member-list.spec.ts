// The members list of a bigger account as its admin meets it: pages forward and back, a search by
// name and by email, and a search's own pages. The members are inserted into the database (more than
// invitations could make in a journey); the member_facts triggers give them their sort keys as they
// do for every member.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { expect, test } from "./fixtures";
import { newEmail, POSTGRES_APP, POSTGRES_URL, signUp } from "./helpers";

test.use({ baseURL: POSTGRES_APP });

async function addMembers(ownerEmail: string, names: string[]) {
  const tag = randomUUID().slice(0, 8);
  const db = new pg.Client({ connectionString: POSTGRES_URL });
  await db.connect();
  try {
    await db.query(
      `WITH owner AS (SELECT m."accountId" FROM "Membership" m JOIN "User" u ON u.id = m."userId" WHERE u.email = $1),
       added AS (
         INSERT INTO "User" (id, name, email, "passwordHash", "updatedAt")
         SELECT $2 || n.i, n.name, lower(regexp_replace(n.name, '\\W', '', 'g')) || '.' || $2 || n.i || '@example.com', 'x', now()
         FROM unnest($3::text[]) WITH ORDINALITY AS n(name, i)
         RETURNING id)
       INSERT INTO "Membership" (id, "userId", "accountId", role)
       SELECT 'm' || added.id, added.id, owner."accountId", 'member' FROM added, owner`,
      [ownerEmail, `e2e${tag}`, names],
    );
  } finally {
    await db.end();
  }
}

test("an admin pages through 120 members and searches them by name and by email, İpek included", async ({ page }) => {
  test.setTimeout(120_000);
  const ownerEmail = newEmail("Lister");
  await signUp(page, "Lister Owner", ownerEmail);
  const numbered = Array.from({ length: 64 }, (_, i) => `Member ${String(i).padStart(2, "0")}`);
  await addMembers(ownerEmail, [...Array(55).fill("İpek Yılmaz"), ...numbered]);
  const rows = page.getByRole("row").filter({ hasText: "@example.com" });
  const pages = page.getByRole("navigation", { name: "Pages" });

  await page.goto("/settings/users");
  await expect(page.getByText("120 in ")).toBeVisible();
  await expect(rows).toHaveCount(50);
  await expect(rows.first()).toContainText("İpek Yılmaz"); // "ipek…" sorts before "lister…" and "member…"
  await pages.getByRole("link", { name: "Next" }).click();
  await expect(rows).toHaveCount(50);
  await expect(rows.first()).toContainText("İpek Yılmaz"); // the 51st to 55th
  await expect(rows.nth(5)).toContainText("Lister Owner");
  await expect(rows.nth(6)).toContainText("Member 00");
  await pages.getByRole("link", { name: "Next" }).click();
  await expect(rows).toHaveCount(20);
  await expect(rows.last()).toContainText("Member 63");
  await expect(pages.getByRole("link", { name: "Next" })).toHaveCount(0);
  await pages.getByRole("link", { name: "Previous" }).click();
  await expect(rows.nth(6)).toContainText("Member 00");

  const search = page.getByRole("searchbox", { name: /Search by name/ });
  await search.fill("İPEK");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page.getByText("Members whose name starts with “İPEK”.")).toBeVisible();
  await expect(rows).toHaveCount(50);
  await pages.getByRole("link", { name: "Next" }).click();
  await expect(rows).toHaveCount(5); // the search's own second page, not the first one again
  await expect(page.getByText("That page link is out of date")).toHaveCount(0);
  await expect(rows.first()).toContainText("İpek Yılmaz");

  await search.fill("member63.");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page.getByText("Members whose email starts with “member63.”.")).toBeVisible();
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("Member 63");

  await search.fill("%");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page.getByText("No members match.")).toBeVisible();
});
