import { test, expect, Request } from '@playwright/test';
import { openSettings, order, originHeaders, putRules, signUpByApi, standardWebhookHeaders } from './helpers';

// "What will this change do?": over the merchant's last 30 days, the rules
// as edited are counted in the browser on every toggle, with no request,
// beside the difference against the saved rules.
test('the what-if counts the last 30 days for the rules as edited, with no request', async ({ page, baseURL }) => {
  await signUpByApi(page.request, baseURL);
  await putRules(page.request, baseURL, [order('cto', 'ready', true, false)]);
  const created = await page.request.put('/api/v1/integrations/events', { headers: originHeaders(baseURL), data: {} });
  expect(created.status()).toBe(200);
  const { webhook_url: webhookUrl, signing_secret: secret } = await created.json();
  const send = async (id: string, status: string, phone: string | null) => {
    const body = JSON.stringify({
      type: 'order.status_changed',
      source: 'cto',
      order: { id, number: id, status, updated_at: new Date().toISOString() },
      customer: { name: 'Grace Hopper', email: `${id}@example.com`, phone },
    });
    const response = await page.request.post(webhookUrl, {
      headers: standardWebhookHeaders(secret, `msg_${id}_${status}`, body),
      data: body,
    });
    expect(response.status()).toBe(200);
  };
  await send('8001', 'ready', '+14155550134');
  await send('8002', 'ready', '+14155550135');
  await send('8003', 'ready', null);
  await send('8001', 'delivered', '+14155550134');
  await expect(async () => {
    const { events } = await (await page.request.get('/api/v1/events')).json();
    expect(events.length).toBe(4);
    for (const e of events) expect(e.state).toBe('processed');
  }).toPass({ timeout: 15_000 });

  await openSettings(page);
  const total = page.getByTestId('what-if-total');
  // Saved: CTO · Ready by email: the 3 ready orders.
  await expect(total).toHaveAttribute('data-emails', '3');
  await expect(total).toHaveAttribute('data-texts', '0');
  await expect(page.getByTestId('what-if-change')).toHaveText('The same as your saved rules.');

  const requests: Request[] = [];
  page.on('request', (r) => requests.push(r));
  // Texts too: the two ready orders with a number.
  await page.getByTestId('order.cto.ready:sms').click();
  await expect(total).toHaveAttribute('data-texts', '2');
  await expect(total).toHaveAttribute('data-segments', '2');
  await expect(page.getByTestId('what-if-change')).toHaveText('Compared with your saved rules: +2 texts, +2 SMS segments.');
  await page.getByText('Per event').click();
  await expect(page.getByTestId('what-if:order.cto.ready')).toContainText('CTO · Ready');
  expect(requests.map((r) => `${r.method()} ${r.url()}`)).toEqual([]);

  // Saved: the new rules are the baseline.
  await page.getByTestId('save').click();
  await expect(page.getByTestId('save-result')).toContainText('Saved');
  await expect(page.getByTestId('what-if-change')).toHaveText('The same as your saved rules.');
  await expect(total).toHaveAttribute('data-texts', '2');
});
