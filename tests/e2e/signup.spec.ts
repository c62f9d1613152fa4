import { expect, test, withHydration } from "./fixtures";
import {
  asOwnClient,
  enterPassword,
  errorAlert,
  newEmail,
  PASSWORD,
  readMail,
  signOut,
  signUp,
  signUpLink,
  submitSignUp,
} from "./helpers";

test("sign up, follow the emailed link, enter the password: signed in, and the link works once", async ({ page }) => {
  await asOwnClient(page);
  const email = newEmail("Verified");
  await submitSignUp(page, "Verified Person", email);
  await expect(page.getByText(`We sent a message to ${email}.`)).toBeVisible();
  await enterPassword(page, email); // nothing exists before the link is followed
  await expect(errorAlert(page)).toHaveText("That email and password don't match an account.");

  const link = await signUpLink(page, email);
  await page.goto(link);
  await expect(page.getByRole("heading", { name: "Confirm your email" })).toBeVisible();
  await expect(page.getByText(`Enter the password you chose for ${email}`)).toBeVisible();
  await page.getByLabel("Password").fill("not the password at all");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(errorAlert(page)).toHaveText("That is not the password you chose when you signed up.");
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/profile$/);
  await expect(page.getByText(email).first()).toBeVisible();

  await signOut(page);
  await page.goto(link);
  await expect(errorAlert(page)).toHaveText("This sign-up link is invalid, has expired or was already used.");
  await expect(page.getByLabel("Password")).toHaveCount(0);
});

test("a taken email gets the same page as a new one, and its owner a warning email", async ({ page, browser }) => {
  const ownerEmail = await signUp(page, "Owner Of Address");
  const stranger = withHydration(await browser.newPage());
  await asOwnClient(stranger);

  const shown = async (email: string) => {
    await submitSignUp(stranger, "Stranger", email, "the stranger's password");
    return (await stranger.getByRole("main").innerText()).replaceAll(email, "<address>");
  };
  const forNew = await shown(newEmail("unused"));
  const forTaken = await shown(ownerEmail.toUpperCase());
  expect(forTaken).toBe(forNew);

  const warning = await readMail(ownerEmail, "Someone tried to sign up with your email");
  expect(warning.text).toMatch(/\/login\b/);
  expect(warning.text).toMatch(/\/forgot-password\b/);
  expect(warning.text).not.toMatch(/\/signup\/verify\//);

  await asOwnClient(stranger);
  await enterPassword(stranger, ownerEmail, "the stranger's password");
  await expect(errorAlert(stranger)).toHaveText("That email and password don't match an account.");
  await signOut(page);
  await enterPassword(page, ownerEmail);
  await expect(page).toHaveURL(/\/profile$/);
  await expect(page.getByRole("heading", { name: "Profile" })).toBeVisible();
});
