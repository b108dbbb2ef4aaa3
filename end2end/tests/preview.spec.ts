import { test, expect, Request } from '@playwright/test';

const PAGE = '/settings/customer-notifications';

test('toggling a channel updates the live preview in the browser, with no request', async ({ page }) => {
  // A hydration mismatch shows up as a console error and a panic.
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(PAGE);
  // Server-rendered content is there before hydration.
  await expect(page.getByRole('heading', { name: 'Customer Notifications' })).toBeVisible();
  // Hydration done: the WASM ran the page's effects.
  await expect(page.locator('[data-hydrated="true"]')).toBeVisible();

  const cell = page.getByTestId('cell:order.shopify.ready');
  const smsSwitch = page.getByTestId('order.shopify.ready:sms');
  const count = page.getByTestId('firing-count');
  await expect(cell).toHaveAttribute('data-channels', 'email sms');
  await expect(smsSwitch).toHaveAttribute('aria-checked', 'true');
  const before = await count.textContent();

  const requests: Request[] = [];
  page.on('request', (r) => requests.push(r));

  await smsSwitch.click();
  await expect(smsSwitch).toHaveAttribute('aria-checked', 'false');
  await expect(cell).toHaveAttribute('data-channels', 'email');
  await expect(count).not.toHaveText(before ?? '');

  // Switching the rule off silences the whole cell.
  await page.getByTestId('order.shopify.ready:active').click();
  await expect(cell).toHaveAttribute('data-channels', '');

  // An active rule with both channels off raises a warning from core.
  await page.getByTestId('order.shopify.ready:active').click();
  await page.getByTestId('order.shopify.ready:email').click();
  await expect(page.getByTestId('warnings')).toContainText(
    'The rule for Shopify · Ready is active but sends nothing',
  );

  expect(requests.map((r) => r.url())).toEqual([]);
  expect(errors).toEqual([]);
});
