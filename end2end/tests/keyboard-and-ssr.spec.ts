import { test, expect } from '@playwright/test';
import { PAGE, getSettings, openSettings, order, putRules, signUpByApi, invoice } from './helpers';

test('keyboard only: Tab to a switch, Space toggles it, Tab to Save, Enter saves', async ({ page, baseURL }) => {
  await signUpByApi(page.request, baseURL);
  await putRules(page.request, baseURL, [order('shopify', 'ready', true, false)]);
  await openSettings(page);

  const focused = () => page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset?.testid ?? '');
  const tabTo = async (testId: string, key = 'Tab') => {
    for (let i = 0; i < 80; i += 1) {
      if ((await focused()) === testId) return;
      await page.keyboard.press(key);
    }
    throw new Error(`never reached ${testId} with ${key}`);
  };

  await tabTo('order.shopify.ready:sms');
  // Focus is visible on the switch.
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
  expect(outline).not.toBe('none');
  await page.keyboard.press('Space');
  await expect(page.getByTestId('order.shopify.ready:sms')).toHaveAttribute('aria-checked', 'true');
  await expect(page.getByTestId('cell:order.shopify.ready')).toHaveAttribute('data-channels', 'email sms');

  await tabTo('save', 'Shift+Tab');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('save-result')).toContainText('Saved');
  const saved = await getSettings(page.request);
  expect(saved.rules[0].sms).toBe(true);
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the page renders the saved rules and the preview from the server', async ({ page, baseURL }) => {
    await signUpByApi(page.request, baseURL);
    await putRules(page.request, baseURL, [order('shopify', 'delivered', true, true), invoice('closed', false, true)]);
    await page.goto(PAGE);
    await expect(page.getByRole('heading', { name: 'Customer Notifications' })).toBeVisible();
    await expect(page.getByTestId('rule:order.shopify.delivered')).toBeVisible();
    await expect(page.getByTestId('order.shopify.delivered:sms')).toHaveAttribute('aria-checked', 'true');
    await expect(page.getByTestId('invoice.closed:email')).toHaveAttribute('aria-checked', 'false');
    await expect(page.getByTestId('cell:order.shopify.delivered')).toHaveAttribute('data-channels', 'email sms');
    await expect(page.getByTestId('cell:invoice.closed')).toHaveAttribute('data-channels', 'sms');
    await expect(page.getByTestId('email-subject')).not.toBeEmpty();
    // Nothing was hydrated: this is the server's HTML.
    await expect(page.locator('[data-hydrated="true"]')).toHaveCount(0);
  });

  test('signed out, a page sends the visitor to the login page', async ({ page }) => {
    await page.goto('/deliveries');
    await expect(page).toHaveURL(/\/login\?next=%2Fdeliveries$/);
    await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  });
});
