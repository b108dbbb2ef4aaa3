import { APIRequestContext, Page, expect } from '@playwright/test';
import * as crypto from 'crypto';

export const PAGE = '/settings/customer-notifications';

let counter = 0;
export function uniqueEmail(prefix = 'merchant'): string {
  counter += 1;
  return `${prefix}-${Date.now()}-${process.pid}-${counter}@example.com`;
}

/** The app's own origin: state-changing API calls must come from it. */
export function originHeaders(baseURL: string | undefined) {
  return { Origin: new URL(baseURL!).origin };
}

/** Signs up a merchant through the JSON API; the session cookie lands in
 * the request context (and so in the browser context it belongs to). */
export async function signUpByApi(request: APIRequestContext, baseURL: string | undefined, storeName = 'Maple & Co') {
  const email = uniqueEmail();
  const response = await request.post('/api/v1/merchants', {
    headers: originHeaders(baseURL),
    data: { store_name: storeName, email, password: 'correct horse battery', time_zone: 'UTC' },
  });
  expect(response.status()).toBe(201);
  return email;
}

export type Rule = {
  trigger: { kind: 'order'; source: string; status: string } | { kind: 'invoice'; status: string };
  active: boolean;
  email: boolean;
  sms: boolean;
};

export const order = (source: string, status: string, email: boolean, sms: boolean, active = true): Rule => ({
  trigger: { kind: 'order', source, status },
  active,
  email,
  sms,
});

export const invoice = (status: string, email: boolean, sms: boolean, active = true): Rule => ({
  trigger: { kind: 'invoice', status },
  active,
  email,
  sms,
});

export async function getSettings(request: APIRequestContext) {
  const response = await request.get('/api/v1/settings');
  expect(response.status()).toBe(200);
  return (await response.json()) as { version: number; rules: Rule[] };
}

export async function putRules(request: APIRequestContext, baseURL: string | undefined, rules: Rule[]) {
  const { version } = await getSettings(request);
  const response = await request.put('/api/v1/settings', {
    headers: originHeaders(baseURL),
    data: { version, rules },
  });
  expect(response.status()).toBe(200);
}

/** A typical merchant's rules, for the pages that need some. */
export const typicalRules: Rule[] = [
  order('shopify', 'ready', true, true),
  order('shopify', 'delivered', true, true),
  order('shopify', 'cancelled', true, false),
  order('woocommerce', 'sent_for_processing', true, false),
  order('cto', 'ready', true, false),
  order('bigcommerce', 'delivered', false, false),
  invoice('closed', true, false),
];

/** Waits until the WASM has hydrated the settings page. */
export async function openSettings(page: Page) {
  await page.goto(PAGE);
  await expect(page.locator('[data-hydrated="true"]')).toBeVisible();
  await expect(page.getByTestId('what-if')).toHaveAttribute('data-loaded', 'true');
}

/** Collects console errors and page errors (a hydration mismatch shows up here). */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

/** Standard Webhooks signature headers for the generic endpoint. */
export function standardWebhookHeaders(secret: string, id: string, body: string) {
  const timestamp = Math.floor(Date.now() / 1000).toString();
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const signature = crypto.createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': timestamp,
    'webhook-signature': `v1,${signature}`,
  };
}

/** The SMS provider's auth token the test server runs with (its API is
 * `sms-api-mock.mjs`): replies are signed with it. */
export const SMS_AUTH_TOKEN = 'e2e-sms-auth-token';

/** Posts a customer's text reply (STOP, START) as the SMS provider does,
 * signed the Twilio way: base64 HMAC-SHA1 of the URL and the sorted
 * parameters, with the auth token. */
export async function smsReply(request: APIRequestContext, baseURL: string | undefined, from: string, body: string) {
  const url = `${new URL(baseURL!).origin}/webhooks/sms/inbound`;
  const params: Record<string, string> = { From: from, To: '+14155550100', Body: body };
  const signed = Object.keys(params)
    .sort()
    .reduce((text, key) => text + key + params[key], url);
  const signature = crypto.createHmac('sha1', SMS_AUTH_TOKEN).update(signed).digest('base64');
  const response = await request.post(url, { headers: { 'X-Twilio-Signature': signature }, form: params });
  expect(response.status()).toBe(200);
}
