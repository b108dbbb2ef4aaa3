import { test, expect } from '@playwright/test';
import * as fs from 'fs';
import { PAGE, openSettings, putRules, signUpByApi, typicalRules } from './helpers';

// Screenshots of the main page (and the others), kept as test artifacts
// in end2end/artifacts/.
for (const [name, width, height] of [
  ['desktop-1280', 1280, 900],
  ['mobile-360', 360, 780],
] as const) {
  test(`settings page renders at ${width}px`, async ({ page, baseURL }) => {
    await signUpByApi(page.request, baseURL);
    await putRules(page.request, baseURL, typicalRules);
    await page.setViewportSize({ width, height });
    await openSettings(page);
    // Nothing overflows the viewport horizontally (the matrix scrolls inside its card).
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    // The email preview has rendered in its frame.
    await expect(page.frameLocator('[data-testid="email-frame"]').locator('body')).toContainText('Maple & Co');
    await page.screenshot({ path: `artifacts/${name}.png`, fullPage: true });
    for (const other of ['deliveries', 'integrations', 'activity']) {
      await page.goto(`/${other}`);
      const overflowOther = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflowOther).toBeLessThanOrEqual(0);
      await page.screenshot({ path: `artifacts/${other}-${width}.png`, fullPage: true });
    }
  });
}

test('login page at 360px', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 700 });
  await page.goto('/login');
  await page.screenshot({ path: 'artifacts/login-360.png', fullPage: true });
});

// Preview update time after a toggle, measured in the browser with
// performance marks: from the click to the matrix cell's change in the DOM.
// Recorded (artifacts/preview-timing.json), not asserted.
test('preview update time after a toggle', async ({ page, baseURL }) => {
  await signUpByApi(page.request, baseURL);
  await putRules(page.request, baseURL, typicalRules);
  await openSettings(page);
  const samples: number[] = await page.evaluate(async () => {
    const button = document.querySelector('[data-testid="order.shopify.ready:sms"]') as HTMLElement;
    const cell = document.querySelector('[data-testid="cell:order.shopify.ready"]') as HTMLElement;
    const times: number[] = [];
    for (let i = 0; i < 40; i += 1) {
      const before = cell.getAttribute('data-channels');
      const changed = new Promise<void>((resolve) => {
        const observer = new MutationObserver(() => {
          if (cell.getAttribute('data-channels') !== before) {
            observer.disconnect();
            resolve();
          }
        });
        observer.observe(cell, { attributes: true });
      });
      performance.mark(`toggle-${i}`);
      button.click();
      await changed;
      performance.mark(`updated-${i}`);
      times.push(performance.measure(`preview-${i}`, `toggle-${i}`, `updated-${i}`).duration);
    }
    return times;
  });
  const sorted = [...samples].sort((a, b) => a - b);
  const pick = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const result = { samples: samples.length, p50_ms: pick(0.5), p95_ms: pick(0.95), max_ms: sorted[sorted.length - 1] };
  fs.mkdirSync('artifacts', { recursive: true });
  fs.writeFileSync('artifacts/preview-timing.json', JSON.stringify(result, null, 2));
  console.log(`preview update after a toggle: ${JSON.stringify(result)}`);
  expect(samples.length).toBe(40);
});
