import { expect, test } from "./fixtures";
import { asOwnClient, enterPassword, errorAlert, newEmail, PASSWORD, signOut, signUp } from "./helpers";

// The app runs as it would behind one load balancer (TRUSTED_PROXY_HOPS=1, playwright.config.ts): the
// balancer appends the address it saw to X-Forwarded-For; whatever is left of that, the client wrote.
test("password spraying with a rotating forged X-Forwarded-For is rate limited per address, and the audit log shows the real one", async ({
  page,
}) => {
  test.setTimeout(300_000); // 51 sign-in attempts, each an argon2 verification
  const email = await signUp(page, "Sprayed");
  await signOut(page);

  const real = `10.77.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250) + 1}`;
  await page.goto("/login");
  const attempt = async (i: number, who: string, password: string) => {
    await page.setExtraHTTPHeaders({ "x-forwarded-for": `203.0.113.${i % 250}, 198.51.${i}.1, ${real}` });
    await page.getByLabel("Email").fill(who);
    await page.getByLabel("Password").fill(password);
    const answered = page.waitForResponse(
      (r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/api/login/password",
    );
    await page.getByRole("button", { name: "Sign in" }).click();
    await answered;
    // Ready for the next one once React has reset the form after the step (else it could clear what we type).
    await expect(page.getByRole("button", { name: "Sign in", exact: true })).toBeEnabled();
    await expect(page.getByLabel("Password")).toHaveValue("");
  };
  const noMatch = "That email and password don't match an account.";
  // 9 guesses at the owner's password (under the per-email limit of 10), then 41 other emails.
  for (let i = 0; i < 9; i++) {
    await attempt(i, email, `wrong password ${i}`);
    await expect(errorAlert(page)).toHaveText(noMatch);
  }
  for (let i = 9; i < 50; i++) {
    await attempt(i, newEmail("sprayed"), PASSWORD);
    await expect(errorAlert(page)).toHaveText(noMatch);
  }
  // The 51st from the same real address is refused before any password check, right one included.
  await attempt(50, email, PASSWORD);
  await expect(errorAlert(page)).toContainText("Too many sign-in attempts. Try again after");
  await expect(page).toHaveURL(/\/login$/);

  // The owner, from their own address, still gets in, and reads where the guesses came from.
  await asOwnClient(page);
  await enterPassword(page, email);
  await expect(page).toHaveURL(/\/profile$/);
  await page.goto("/settings/audit?type=sign_in.failed");
  const events = page.getByRole("region", { name: "Security events table" });
  await expect(events.getByRole("row")).toHaveCount(10); // the header and the 9 failures
  await expect(events.getByRole("cell", { name: real, exact: true })).toHaveCount(9);
  await expect(events.getByText(/203\.0\.113\.|198\.51\./)).toHaveCount(0);
});
