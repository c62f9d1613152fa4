import { expect, test } from "./fixtures";
import { POSTGRES_APP } from "./ports";

test("the app has a shield favicon and icons (no 404 in the browser's console)", async ({ page, request }) => {
  for (const [path, type] of [["/favicon.ico", "image/x-icon"], ["/icon.svg", "image/svg+xml"], ["/apple-icon.png", "image/png"]]) {
    const response = await request.get(path);
    expect(response.status(), path).toBe(200);
    expect(response.headers()["content-type"], path).toContain(type);
  }
  await page.goto("/login");
  await expect(page.locator('link[rel="icon"][type="image/svg+xml"]')).toHaveAttribute("href", /\/icon\.svg/);
  await expect(page.locator('link[rel="apple-touch-icon"]')).toHaveAttribute("href", /\/apple-icon\.png/);
});

test("GET /api/health answers 200 with the database and migrations, on both databases, without secrets", async ({ request }) => {
  for (const base of ["", POSTGRES_APP]) {
    const response = await request.get(`${base}/api/health`);
    expect(response.status(), base || "pglite").toBe(200);
    expect(response.headers()["cache-control"]).toContain("no-store");
    const body = await response.json();
    expect(body).toMatchObject({ ok: true, database: "ok", migrations: { pending: [] } });
    expect(JSON.stringify(body)).not.toMatch(/postgres:|pglite|secret|key/i);
  }
});
