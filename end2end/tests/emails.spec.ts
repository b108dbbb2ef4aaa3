import { test, expect } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';

// Every system email as the golden cases render it (core/tests/golden: the
// bytes the server sends and the page previews), opened in Chromium at a
// phone's width (375 px) and a desktop client's (600 px), light and dark.
// Screenshots are kept in end2end/artifacts/emails/; the checks fail when a
// template overflows horizontally, loses its language or dark mode, or
// links anywhere but the web.
const goldenDir = path.resolve(__dirname, '../../core/tests/golden');
const cases = fs
  .readdirSync(goldenDir)
  .filter((f) => f.endsWith('.txt'))
  .map((f) => {
    const text = fs.readFileSync(path.join(goldenDir, f), 'utf8');
    const start = text.indexOf('== html ==\n');
    const end = text.indexOf('== text ==\n');
    if (start < 0 || end < start) throw new Error(`${f}: no html section`);
    return { name: f.replace(/\.txt$/, ''), html: text.slice(start + '== html ==\n'.length, end) };
  });

test('the golden cases include full, minimal and long data', () => {
  const names = cases.map((c) => c.name);
  expect(names).toContain('order.ready');
  expect(names).toContain('order.ready.minimal');
  expect(names).toContain('long.order.ready');
  // The dark-mode link check below has links to check.
  expect(cases.filter((c) => c.html.includes('class="cn-link"')).length).toBeGreaterThan(0);
});

fs.mkdirSync(path.resolve(__dirname, '../artifacts/emails'), { recursive: true });

for (const { name, html } of cases) {
  test(`email ${name} fits 375 px and 600 px, light and dark`, async ({ browser }) => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const context = await browser.newContext({ colorScheme, javaScriptEnabled: false });
      const page = await context.newPage();
      for (const width of [375, 600]) {
        await page.setViewportSize({ width, height: 900 });
        await page.setContent(html);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow, `${name} at ${width}px (${colorScheme}) overflows by ${overflow}px`).toBeLessThanOrEqual(0);
        await page.screenshot({
          path: `artifacts/emails/${name}-${width}${colorScheme === 'dark' ? '-dark' : ''}.png`,
          fullPage: true,
        });
      }
      expect(await page.getAttribute('html', 'lang')).toBe('en');
      // Dark mode takes effect where the client supports it: the card is not white.
      const card = await page.evaluate(
        () => getComputedStyle(document.querySelector('.cn-card') as HTMLElement).backgroundColor,
      );
      if (colorScheme === 'dark') expect(card).not.toBe('rgb(255, 255, 255)');
      else expect(card).toBe('rgb(255, 255, 255)');
      // Links stay readable on either background: the light blue on dark.
      const linkColours = await page.$$eval('a.cn-link', (links) => links.map((a) => getComputedStyle(a).color));
      for (const colour of linkColours) {
        expect(colour).toBe(colorScheme === 'dark' ? 'rgb(138, 180, 255)' : 'rgb(31, 95, 191)');
      }
      // Every link goes to a web page.
      const hrefs = await page.$$eval('a', (links) => links.map((a) => a.getAttribute('href') ?? ''));
      for (const href of hrefs) expect(href).toMatch(/^https?:\/\//);
      // No image without a text alternative.
      expect(await page.$$eval('img:not([alt])', (imgs) => imgs.length)).toBe(0);
      await context.close();
    }
  });
}
