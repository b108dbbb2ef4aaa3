import { test, expect } from '@playwright/test';
import { order, putRules, signUpByApi, standardWebhookHeaders } from './helpers';

test('a signed webhook for a configured trigger shows up in the delivery log as sent to the local sink', async ({ page, baseURL }) => {
  await signUpByApi(page.request, baseURL);
  await putRules(page.request, baseURL, [order('cto', 'ready', true, false)]);

  // Connect the merchant's own systems from the Integrations page.
  await page.goto('/integrations');
  // Plain forms: each save comes back as the page, its answer on the card.
  const card = page.getByTestId('integration:events');
  await expect(card).toContainText('Not connected');
  await card.getByRole('button', { name: 'Create endpoint and signing secret' }).click();
  await expect(page).toHaveURL(/\/integrations#integration-events$/);
  await expect(card.getByTestId('saved')).toHaveText('Saved.');
  const secret = await card.getByTestId('signing-secret').inputValue();
  expect(secret).toMatch(/^whsec_/);
  const webhookUrl = await card.getByTestId('webhook-url').inputValue();
  expect(webhookUrl).toContain('/webhooks/events/');

  // A platform with a secret: a field error at the field, then connected,
  // the secret shown only masked.
  const woo = page.getByTestId('integration:woocommerce');
  await woo.getByLabel('Webhook secret').fill('short');
  await woo.getByRole('button', { name: 'Connect' }).click();
  await expect(woo.locator('.field.has-error')).toContainText('Must be 8 to 512 characters');
  await expect(woo).toContainText('Not connected');
  // The secret typed is not sent back into the page; the other card's
  // answer was shown once, and is gone.
  await expect(woo.getByLabel('Webhook secret')).toHaveValue('');
  await expect(card.getByTestId('signing-secret')).toHaveCount(0);
  await woo.getByLabel('Webhook secret').fill('woo_secret_value_9876');
  await woo.getByRole('button', { name: 'Connect' }).click();
  await expect(woo).toContainText('Connected');
  await expect(woo).toContainText('Saved (');
  await expect(woo).toContainText('9876');
  await expect(woo).not.toContainText('woo_secret_value');
  await expect(woo.getByTestId('webhook-url')).toHaveValue(/\/webhooks\/woocommerce\//);

  const body = JSON.stringify({
    type: 'order.status_changed',
    source: 'cto',
    order: { id: 'A-7001', number: '7001', status: 'ready', updated_at: new Date().toISOString() },
    customer: { name: 'Grace Hopper', email: 'grace@example.com', phone: '+14155550134' },
  });
  const response = await page.request.post(webhookUrl, {
    headers: standardWebhookHeaders(secret, `msg_${Date.now()}`, body),
    data: body,
  });
  expect(response.status()).toBe(200);

  // A tampered copy is refused and shows up nowhere.
  const tampered = await page.request.post(webhookUrl, {
    headers: standardWebhookHeaders(secret, `msg_bad_${Date.now()}`, body),
    data: body.replace('7001', '7002'),
  });
  expect(tampered.status()).toBe(401);

  // The delivery log shows the email as sent (to the sink).
  await expect(async () => {
    await page.goto('/deliveries');
    const row = page.locator('[data-testid^="delivery:"]').first();
    await expect(row).toContainText('CTO · Ready', { timeout: 500 });
    await expect(row.locator('[data-state]')).toHaveAttribute('data-state', 'sent', { timeout: 500 });
  }).toPass({ timeout: 20_000 });
  const row = page.locator('[data-testid^="delivery:"]').first();
  await expect(row).toContainText('A-7001');
  await expect(row).toContainText('g***@example.com');
  await expect(page.locator('[data-testid^="delivery:"]')).toHaveCount(1);
  await page.screenshot({ path: 'artifacts/delivery-log-with-message.png', fullPage: true });

  // Filters: nothing failed.
  await page.getByLabel('Status').selectOption('failed');
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page).toHaveURL(/state=failed/);
  await expect(page.getByText('No messages yet')).toBeVisible();

  // The detail view lists the attempt.
  await page.goto('/deliveries');
  await page.locator('[data-testid^="delivery:"] a').first().click();
  await expect(page.getByRole('heading', { name: 'CTO · Ready' })).toBeVisible();
  await expect(page.getByTestId('attempts').locator('tbody tr')).toHaveCount(1);
  // Handed to the local sink (no SMTP configured): the provider id names the
  // message's file, and no server path reaches the merchant.
  await expect(page.getByTestId('attempts')).toContainText(/sink:job_[\w-]+\.eml/);
  await expect(page.getByTestId('attempts')).not.toContainText('/outbox/');
  await page.screenshot({ path: 'artifacts/delivery-detail.png', fullPage: true });

  // The Integrations page shows the last webhook and its outcome.
  await page.goto('/integrations');
  await expect(page.getByTestId('integration:events').getByTestId('last-event')).toContainText('order.status_changed');
  // The Activity page shows who saved the rules.
  await page.goto('/activity');
  await expect(page.getByTestId('activity')).toContainText('CTO · Ready');
});
