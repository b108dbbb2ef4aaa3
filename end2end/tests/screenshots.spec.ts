import { test, expect } from '@playwright/test';

// Screenshots of the main page, kept as test artifacts (end2end/artifacts/).
for (const [name, width, height] of [
  ['desktop-1280', 1280, 900],
  ['mobile-360', 360, 780],
] as const) {
  test(`settings page renders at ${width}px`, async ({ page }) => {
    await page.setViewportSize({ width, height });
    await page.goto('/settings/customer-notifications');
    await expect(page.locator('[data-hydrated="true"]')).toBeVisible();
    // Nothing overflows the viewport horizontally (the matrix scrolls inside its card).
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `artifacts/${name}.png`, fullPage: true });
  });
}
