import { test, expect, Request } from '@playwright/test';
import { PAGE, collectErrors, getSettings, openSettings, order, putRules, signUpByApi, uniqueEmail } from './helpers';

test('a new merchant signs up, creates rules, previews them live, saves, and finds them after a reload', async ({ page }) => {
  const errors = collectErrors(page);

  // Sign up through the page.
  await page.goto(PAGE);
  await expect(page).toHaveURL(/\/login\?next=/);
  await page.getByRole('link', { name: 'Create an account' }).click();
  await expect(page.getByRole('heading', { name: 'Create your account' })).toBeVisible();
  // A plain form (no WASM on this page): a refusal comes back as the page.
  const email = uniqueEmail('signup');
  await page.getByLabel('Store name').fill('Maple & Co');
  await page.getByLabel('Work email').fill(email);
  await page.getByLabel('Time zone').selectOption('Europe/Berlin');
  await page.getByLabel('Password').fill('short');
  await page.getByRole('button', { name: 'Create account' }).click();
  // A field error at the field, nothing created, what was typed kept but the password.
  await expect(page).toHaveURL(/\/signup$/);
  await expect(page.locator('.field.has-error')).toContainText('Password');
  await expect(page.getByLabel('Store name')).toHaveValue('Maple & Co');
  await expect(page.getByLabel('Work email')).toHaveValue(email);
  await expect(page.getByLabel('Time zone')).toHaveValue('Europe/Berlin');
  await expect(page.getByLabel('Password')).toHaveValue('');
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(new RegExp(`${PAGE}$`));
  await expect(page.locator('[data-hydrated="true"]')).toBeVisible();
  await expect(page.getByText('No order notifications yet')).toBeVisible();
  await expect(page.getByTestId('getting-started')).toBeVisible();
  await expect(page).toHaveTitle('Customer Notifications · Back Office');
  await expect(page.getByTestId('save')).toBeDisabled();

  // The what-if's history is loaded once, with the page.
  await expect(page.getByTestId('what-if')).toHaveAttribute('data-loaded', 'true');
  await expect(page.getByTestId('what-if-empty')).toBeVisible();

  // From here on, editing and previewing sends no request at all.
  const requests: Request[] = [];
  page.on('request', (r) => requests.push(r));

  const shopifyDelivered = page.getByTestId('cell:order.shopify.delivered');
  const invoiceClosed = page.getByTestId('cell:invoice.closed');
  await expect(shopifyDelivered).toHaveAttribute('data-channels', '');

  // Shopify · Delivered by email.
  await page.getByTestId('add-order-status').selectOption('delivered');
  await page.getByTestId('add-source:shopify').check();
  await page.getByTestId('add-order-rule').click();
  await expect(page.getByTestId('rule:order.shopify.delivered')).toBeVisible();
  await expect(shopifyDelivered).toHaveAttribute('data-channels', 'email');
  await expect(page.getByTestId('getting-started')).toHaveCount(0);
  await expect(page.getByTestId('save-state')).toHaveText('Unsaved changes');
  await expect(page.getByTestId('save')).toBeEnabled();
  // The same trigger cannot be added twice.
  await expect(page.getByTestId('add-source:shopify')).toBeDisabled();

  // Invoice · Closed by SMS only.
  await page.getByTestId('add-invoice-status').selectOption('closed');
  await page.getByTestId('add-invoice-rule').click();
  await expect(invoiceClosed).toHaveAttribute('data-channels', 'email');
  await page.getByTestId('invoice.closed:sms').click();
  await expect(invoiceClosed).toHaveAttribute('data-channels', 'email sms');
  await page.getByTestId('invoice.closed:email').click();
  await expect(invoiceClosed).toHaveAttribute('data-channels', 'sms');
  await expect(page.getByTestId('invoice.closed:email')).toHaveAttribute('aria-checked', 'false');

  // The exact email for Shopify · Delivered, rendered in a sandboxed frame.
  await page.getByRole('button', { name: 'Preview messages for Shopify · Delivered' }).click();
  await expect(page.getByTestId('email-subject')).toContainText('1001');
  const frame = page.getByTestId('email-frame');
  await expect(frame).toHaveAttribute('sandbox', '');
  await expect(page.frameLocator('[data-testid="email-frame"]').locator('body')).toContainText('Maple & Co');
  await expect(page.getByTestId('decision:email')).toContainText('Sent to ada@example.com');
  await expect(page.getByTestId('decision:sms')).toContainText('SMS is switched off for Shopify · Delivered');
  // "Why not?": a customer without an email address gets nothing.
  await page.getByTestId('sample-email').uncheck();
  await expect(page.getByTestId('decision:email')).toContainText('The order has no customer email address.');
  // The SMS with its length and segments.
  // One panel at a time: the selected tab's, named by its tab.
  await expect(page.getByRole('tabpanel')).toHaveCount(1);
  await expect(page.getByRole('tabpanel', { name: 'Email' })).toBeVisible();
  await expect(page.getByTestId('sms-text')).toBeHidden();
  await page.getByRole('tab', { name: 'SMS' }).click();
  await expect(page.getByRole('tab', { name: 'SMS' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('tab', { name: 'Email' })).toHaveAttribute('aria-selected', 'false');
  await expect(page.getByRole('tabpanel', { name: 'SMS' })).toBeVisible();
  await expect(page.getByTestId('email-subject')).toBeHidden();
  await expect(page.getByTestId('sms-text')).toContainText('Maple & Co');
  await expect(page.getByTestId('sms-meta')).toContainText(/\d+ characters · GSM-7 · 1 segment/);

  expect(requests.map((r) => `${r.method()} ${r.url()}`)).toEqual([]);

  // Save: one request, confirmed.
  await page.getByTestId('save').click();
  await expect(page.getByTestId('save-result')).toContainText('Saved');
  await expect(page.getByTestId('save-state')).toHaveText('All changes saved');
  await expect(page.getByTestId('save')).toBeDisabled();

  // Reload: all persisted.
  await page.reload();
  await expect(page.locator('[data-hydrated="true"]')).toBeVisible();
  await expect(page.getByTestId('order.shopify.delivered:email')).toHaveAttribute('aria-checked', 'true');
  await expect(page.getByTestId('order.shopify.delivered:sms')).toHaveAttribute('aria-checked', 'false');
  await expect(page.getByTestId('invoice.closed:sms')).toHaveAttribute('aria-checked', 'true');
  await expect(page.getByTestId('invoice.closed:email')).toHaveAttribute('aria-checked', 'false');
  await expect(shopifyDelivered).toHaveAttribute('data-channels', 'email');
  await expect(invoiceClosed).toHaveAttribute('data-channels', 'sms');
  const saved = await getSettings(page.request);
  expect(saved.rules).toHaveLength(2);

  // Playwright's own helper script is refused by the sandboxed email frame
  // (which is the point of the sandbox); anything else is a real error.
  expect(errors.filter((e) => !e.includes("the document's frame is sandboxed"))).toEqual([]);
});

test('warnings from core: a rule that cannot fire, an active rule that sends nothing', async ({ page, baseURL }) => {
  await signUpByApi(page.request, baseURL);
  await page.goto(PAGE);
  await expect(page.locator('[data-hydrated="true"]')).toBeVisible();
  // WooCommerce never reports "Sent for Processing".
  await page.getByTestId('add-order-status').selectOption('sent_for_processing');
  await page.getByTestId('add-source:woocommerce').check();
  await page.getByTestId('add-order-rule').click();
  await expect(page.getByTestId('warnings')).toContainText('WooCommerce');
  await expect(page.getByTestId('rule:order.woocommerce.sent_for_processing')).toContainText('Never fires');
  // Removing it clears the warning and leaves nothing unsaved.
  await page.getByTestId('order.woocommerce.sent_for_processing:remove').click();
  await expect(page.getByTestId('warnings')).not.toContainText('WooCommerce');
  await expect(page.getByTestId('save')).toBeDisabled();
  // The recommended rules in one click (not saved until Save).
  await page.getByRole('button', { name: 'Add the recommended rules' }).click();
  await expect(page.getByTestId('cell:order.shopify.ready')).toHaveAttribute('data-channels', 'email sms');
  await expect(page.getByTestId('save')).toBeEnabled();
  await page.getByRole('button', { name: 'Discard' }).click();
  await expect(page.getByTestId('getting-started')).toBeVisible();
  // Several sources at once; then switch email off on one: it warns.
  await page.getByTestId('add-order-status').selectOption('ready');
  await page.getByTestId('add-source:shopify').check();
  await page.getByTestId('add-source:cto').check();
  await page.getByTestId('add-order-rule').click();
  await expect(page.getByTestId('rule:order.shopify.ready')).toBeVisible();
  await expect(page.getByTestId('rule:order.cto.ready')).toBeVisible();
  await page.getByTestId('order.shopify.ready:email').click();
  await expect(page.getByTestId('warnings')).toContainText('The rule for Shopify · Ready is active but sends nothing');
  await expect(page.getByTestId('cell:order.shopify.ready')).toHaveAttribute('data-channels', '');
});

test('leaving with unsaved changes asks first; Discard puts the saved rules back', async ({ page, baseURL }) => {
  await signUpByApi(page.request, baseURL);
  await putRules(page.request, baseURL, [order('shopify', 'ready', true, false)]);
  await openSettings(page);
  await page.getByTestId('order.shopify.ready:sms').click();
  await expect(page.getByTestId('save-state')).toHaveText('Unsaved changes');

  const dialogs: string[] = [];
  page.on('dialog', async (dialog) => {
    dialogs.push(dialog.type());
    await dialog.dismiss();
  });
  await page.getByRole('link', { name: 'Delivery log' }).click();
  await expect.poll(() => dialogs).toEqual(['beforeunload']);
  await expect(page).toHaveURL(new RegExp(`${PAGE}$`));

  await page.getByRole('button', { name: 'Discard' }).click();
  await expect(page.getByTestId('order.shopify.ready:sms')).toHaveAttribute('aria-checked', 'false');
  await expect(page.getByTestId('save-state')).toHaveText('All changes saved');
  // Nothing unsaved: leaving asks nothing.
  await page.getByRole('link', { name: 'Delivery log' }).click();
  await expect(page).toHaveURL(/\/deliveries$/);
  expect(dialogs).toEqual(['beforeunload']);
});
