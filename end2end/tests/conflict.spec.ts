import { test, expect } from '@playwright/test';
import { PAGE, getSettings, order, putRules, signUpByApi } from './helpers';

test('two people edit the same settings: the second save is told what changed and overwrites nothing silently', async ({ browser, baseURL }) => {
  const first = await browser.newContext();
  await signUpByApi(first.request, baseURL);
  await putRules(first.request, baseURL, [order('shopify', 'ready', true, false), order('cto', 'delivered', true, false)]);
  // The second person: the same account, another browser.
  const second = await browser.newContext({ storageState: await first.storageState() });
  const a = await first.newPage();
  const b = await second.newPage();
  for (const page of [a, b]) {
    await page.goto(PAGE);
    await expect(page.locator('[data-hydrated="true"]')).toBeVisible();
  }

  // A saves first: SMS on for Shopify · Ready.
  await a.getByTestId('order.shopify.ready:sms').click();
  await a.getByTestId('save').click();
  await expect(a.getByTestId('save-result')).toContainText('Saved');

  // B, still on the old version, switches CTO · Delivered off and saves.
  await b.getByTestId('order.cto.delivered:active').click();
  await b.getByTestId('save').click();
  const conflict = b.getByTestId('conflict');
  await expect(conflict).toContainText('Someone else saved these settings');
  await expect(conflict).toContainText('Shopify · Ready');
  await expect(b.getByTestId('save-state')).toHaveText('Unsaved changes');

  // Nothing of B's was saved; A's change stands.
  let saved = await getSettings(first.request);
  const rule = (source: string, status: string) =>
    saved.rules.find((r) => r.trigger.kind === 'order' && r.trigger.source === source && r.trigger.status === status)!;
  expect(rule('shopify', 'ready').sms).toBe(true);
  expect(rule('cto', 'delivered').active).toBe(true);

  // B overwrites knowingly: B's whole draft replaces A's version.
  await b.getByTestId('overwrite').click();
  await expect(b.getByTestId('save-result')).toContainText('Saved');
  saved = await getSettings(first.request);
  expect(rule('cto', 'delivered').active).toBe(false);
  expect(rule('shopify', 'ready').sms).toBe(false);

  // A, now behind, loads B's version from the conflict panel.
  await a.getByTestId('order.shopify.ready:email').click();
  await a.getByTestId('save').click();
  await expect(a.getByTestId('conflict')).toBeVisible();
  await a.getByRole('button', { name: 'Load their version' }).click();
  await expect(a.getByTestId('save-state')).toHaveText('All changes saved');
  await expect(a.getByTestId('order.cto.delivered:active')).toHaveAttribute('aria-checked', 'false');

  await first.close();
  await second.close();
});
