import { test as base, type Page } from "@playwright/test";

export { expect } from "@playwright/test";

/** Waits until React has hydrated the current document (a click before that would be lost). */
export async function hydrated(page: Page) {
  await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
}

/** Every page.goto and page.reload in these tests waits for hydration, as a person waits for a page to be ready. */
export function withHydration(page: Page): Page {
  const goto = page.goto.bind(page);
  const reload = page.reload.bind(page);
  page.goto = async (...args) => {
    const response = await goto(...args);
    if (response?.ok() && (response.headers()["content-type"] ?? "").includes("text/html")) await hydrated(page);
    return response;
  };
  page.reload = async (...args) => {
    const response = await reload(...args);
    if (response?.ok()) await hydrated(page).catch(() => {});
    return response;
  };
  return page;
}

export const test = base.extend({
  page: async ({ page }, provide) => {
    await provide(withHydration(page));
  },
});
