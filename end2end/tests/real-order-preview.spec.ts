import { test, expect } from '@playwright/test';
import { PAGE, order, originHeaders, putRules, signUpByApi, standardWebhookHeaders } from './helpers';

// "Use my latest real order": the message preview renders the merchant's
// most recent processed order for the chosen event, with its real data
// (number, items, tracking), and falls back to the sample when there is none.
test('the message preview can show the latest real order for an event', async ({ page, baseURL }) => {
  await signUpByApi(page.request, baseURL);
  const created = await page.request.put('/api/v1/integrations/events', {
    headers: originHeaders(baseURL),
    data: {},
  });
  expect(created.status()).toBe(200);
  const { webhook_url: webhookUrl, signing_secret: secret } = await created.json();

  // No rule is needed: what a webhook meant is kept even when it sends nothing.
  const body = JSON.stringify({
    type: 'order.status_changed',
    source: 'cto',
    order: {
      id: 'A-7301', number: '7301', status: 'ready', updated_at: new Date().toISOString(), currency: 'USD',
      items: [{ name: 'Tea caddy', variant: 'Walnut', quantity: 2, price: '36.00' }],
      totals: { subtotal: '36.00', shipping: '0', total: '36.00' },
      tracking: { carrier: 'UPS', number: '1Z7301', url: 'https://www.ups.com/track?tracknum=1Z7301' },
    },
    customer: { name: 'Grace Hopper', email: 'grace@example.com', phone: '+14155550134' },
  });
  const response = await page.request.post(webhookUrl, {
    headers: standardWebhookHeaders(secret, `msg_${Date.now()}`, body),
    data: body,
  });
  expect(response.status()).toBe(200);
  await expect(async () => {
    const events = await (await page.request.get('/api/v1/events')).json();
    expect(events.events[0].state).toBe('processed');
  }).toPass({ timeout: 15_000 });

  // A rule by email and text, for "What happens" to name the recipients.
  await putRules(page.request, baseURL, [order('cto', 'ready', true, true)]);
  await page.goto(PAGE);
  await expect(page.locator('[data-hydrated="true"]')).toBeVisible();
  const inspector = page.getByTestId('inspector');
  await inspector.getByTestId('inspect-trigger').selectOption('order.cto.ready');
  await expect(inspector.getByTestId('email-subject')).toHaveText('Your order #1001 is on its way');

  await inspector.getByTestId('use-real-order').check();
  await expect(inspector.getByTestId('real-order-status')).toContainText('#7301');
  await expect(inspector.getByTestId('email-subject')).toHaveText('Your order #7301 is on its way');
  const frame = page.frameLocator('[data-testid="email-frame"]');
  await expect(frame.locator('body')).toContainText('Tea caddy');
  await expect(frame.locator('body')).toContainText('Hi Grace,');
  await expect(frame.locator('a', { hasText: 'Track your parcel' })).toHaveAttribute('href', 'https://www.ups.com/track?tracknum=1Z7301');
  // What happens names the real customer's address and number: the phone
  // read in the browser (from the server's E.164) is the one texted.
  await expect(inspector.getByTestId('decision:email')).toContainText('Sent to grace@example.com');
  await expect(inspector.getByTestId('decision:sms')).toContainText('Sent to +14155550134');
  // The sample customer's switches do not apply to a real order.
  await expect(inspector.getByTestId('sample-email')).toBeDisabled();
  await expect(inspector.getByTestId('sample-opted-out')).toBeDisabled();

  // An event with no real order in the window: the sample, and why.
  await inspector.getByTestId('inspect-trigger').selectOption('order.cto.delivered');
  await expect(inspector.getByTestId('real-order-status')).toContainText('No real order for this event');
  await expect(inspector.getByTestId('email-subject')).toHaveText('Your order #1001 has been delivered');

  // Back to the sample.
  await inspector.getByTestId('inspect-trigger').selectOption('order.cto.ready');
  await inspector.getByTestId('use-real-order').uncheck();
  await expect(inspector.getByTestId('email-subject')).toHaveText('Your order #1001 is on its way');
});

test('another merchant never sees that order', async ({ browser, baseURL }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signUpByApi(page.request, baseURL, 'Birch');
  // The page's server function, called directly: the caller's own orders
  // only (the test above left order #7301 of another merchant in the same
  // database, for this very trigger).
  const response = await page.request.post('/api/preview/latest-real', {
    headers: { ...originHeaders(baseURL), 'content-type': 'application/json' },
    data: { trigger: { kind: 'order', source: 'cto', status: 'ready' } },
  });
  expect(response.status()).toBe(200);
  expect(await response.json()).toBeNull();
  await context.close();
});
