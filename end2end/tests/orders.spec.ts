import { test, expect, APIRequestContext } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';
import { order, originHeaders, putRules, signUpByApi, smsReply, standardWebhookHeaders } from './helpers';

// "Did my customer get the message, and why not?": an order found by its
// number, its timeline (webhook, each channel's decision and why, message,
// attempt), a confirmed resend that reaches the customer again, and a STOP
// that a resend honours.

const emailSink = () => path.join(process.env.E2E_DATA_DIR!, 'outbox', 'email');
const smsApi = () => `http://127.0.0.1:${process.env.E2E_SMS_PORT}`;

async function connectEvents(request: APIRequestContext, baseURL: string | undefined) {
  const created = await request.put('/api/v1/integrations/events', { headers: originHeaders(baseURL), data: {} });
  expect(created.status()).toBe(200);
  const { webhook_url: url, signing_secret: secret } = await created.json();
  // Texts go at any hour here.
  const quiet = await request.put('/api/v1/quiet-hours', {
    headers: originHeaders(baseURL),
    data: { enabled: false, start: '21:00', end: '08:00' },
  });
  expect(quiet.status()).toBe(200);
  return async (id: string, phone: string | null) => {
    const body = JSON.stringify({
      type: 'order.status_changed',
      source: 'cto',
      order: { id, number: id, status: 'delivered', updated_at: new Date().toISOString() },
      customer: { name: 'Grace Hopper', email: 'grace@example.com', phone },
    });
    const response = await request.post(url, { headers: standardWebhookHeaders(secret, `msg_${id}`, body), data: body });
    expect(response.status()).toBe(200);
  };
}

async function allSent(request: APIRequestContext, count: number) {
  await expect(async () => {
    const { deliveries } = await (await request.get('/api/v1/deliveries')).json();
    expect(deliveries.length).toBe(count);
    for (const d of deliveries) expect(d.state).toBe('sent');
  }).toPass({ timeout: 20_000 });
}

async function texted(phone: string): Promise<number> {
  const received: { To: string }[] = await (await fetch(`${smsApi()}/received`)).json();
  return received.filter((m) => m.To === phone).length;
}

test('an order is found, its timeline explains it, and a confirmed resend reaches the customer again', async ({ page, baseURL }) => {
  const owner = await signUpByApi(page.request, baseURL);
  await putRules(page.request, baseURL, [order('cto', 'delivered', true, true)]);
  const send = await connectEvents(page.request, baseURL);
  const number = `T${Date.now()}`;
  await send(number, null); // no phone: the text stays silent, and says why
  await allSent(page.request, 1);

  await page.goto('/orders');
  await page.getByLabel('Order or invoice number, source, customer email or phone').fill(`#${number}`);
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/query=/);
  await page.getByTestId(`order:cto:${number}`).getByRole('link').click();
  await expect(page).toHaveURL(new RegExp(`/orders/cto/${number}$`));
  const timeline = page.getByTestId('order-timeline');
  const webhook = timeline.locator('[data-kind="webhook"]');
  await expect(webhook).toHaveCount(1);
  await expect(webhook).toContainText('order.status_changed');
  await expect(webhook).toContainText('Read as CTO · Delivered.');
  await expect(webhook.getByTestId('decisions')).toContainText('Email: queued.');
  await expect(webhook.getByTestId('decisions')).toContainText('SMS: silent. The order has no customer phone number.');
  await expect(timeline.locator('[data-kind="message"]')).toHaveCount(1);
  await expect(timeline.locator('[data-kind="message"]')).toContainText('Email message');
  await expect(timeline.locator('[data-kind="attempt"]')).toHaveCount(1);
  await expect(timeline.locator('[data-kind="attempt"] [data-state]')).toHaveAttribute('data-state', 'sent');

  // Resend asks first; nothing is sent until it is confirmed.
  const message = timeline.locator('[data-kind="message"]').first();
  await message.getByText('Resend…').click();
  await message.getByRole('button', { name: 'Yes, resend now' }).click();
  await expect(page.getByTestId('resend-result')).toContainText('Queued again as a new email message');
  await expect(timeline.locator('[data-kind="message"]')).toHaveCount(2);
  await expect(timeline.locator('[data-kind="message"]').nth(1)).toContainText(`Resent by ${owner}.`);
  await page.screenshot({ path: 'artifacts/order-timeline.png', fullPage: true });

  // The second email reaches the sink, and the timeline shows it sent.
  const { entries } = await (await page.request.get(`/api/v1/orders/cto/${number}`)).json();
  const jobs: string[] = entries.filter((e: { kind: string }) => e.kind === 'message').map((e: { delivery: { id: string } }) => e.delivery.id);
  expect(jobs.length).toBe(2);
  await expect(async () => {
    for (const job of jobs) expect(fs.existsSync(path.join(emailSink(), `${job}.eml`))).toBe(true);
  }).toPass({ timeout: 20_000 });
  await expect(async () => {
    await page.reload();
    await expect(timeline.locator('[data-kind="attempt"]')).toHaveCount(2, { timeout: 1_000 });
  }).toPass({ timeout: 20_000 });

  // The delivery log links to the timeline.
  await page.goto('/deliveries');
  await page.locator('[data-testid^="delivery:"]').first().getByTestId('order-link').click();
  await expect(page).toHaveURL(new RegExp(`/orders/cto/${number}$`));
});

test('a customer who replied STOP is not texted by a resend', async ({ page, baseURL }) => {
  await signUpByApi(page.request, baseURL);
  await putRules(page.request, baseURL, [order('cto', 'delivered', false, true)]);
  const send = await connectEvents(page.request, baseURL);
  const number = `S${Date.now()}`;
  const phone = `+141555501${String(Date.now() % 100).padStart(2, '0')}`;
  await send(number, phone);
  await allSent(page.request, 1);
  expect(await texted(phone)).toBe(1);
  await smsReply(page.request, baseURL, phone, 'STOP');

  await page.goto(`/orders/cto/${number}`);
  const timeline = page.getByTestId('order-timeline');
  const message = timeline.locator('[data-kind="message"]');
  await expect(message).toHaveCount(1);
  await message.getByText('Resend…').click();
  await message.getByRole('button', { name: 'Yes, resend now' }).click();
  await expect(page.getByTestId('resend-result')).toContainText('replied STOP');
  await expect(timeline.locator('[data-kind="message"]')).toHaveCount(1);
  // Nothing was queued, and nobody texted the number again.
  await page.waitForTimeout(2_500);
  const { deliveries } = await (await page.request.get('/api/v1/deliveries')).json();
  expect(deliveries.length).toBe(1);
  expect(await texted(phone)).toBe(1);
});
