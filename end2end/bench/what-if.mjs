// The what-if in Chromium over a busy store's 30 days (issue 15): the
// merchant `what-if` (bench/src/bin/what-if.rs) seeded with N processed
// orders, signed in on the release server.
//   - history: navigation → what-if counted (`data-loaded="true"` and a
//     total shown), median of 5 cold loads (cache disabled);
//   - toggle: a click on a rule's Email switch → the total's `data-emails`
//     attribute changed, timed in the page (performance.now, a
//     MutationObserver), median and worst of 20 toggles. This is the work
//     the browser does per toggle: `volume` in WASM and the DOM update.
// Ends with a RESULT line (key=value), like the other benchmarks.
//
//   node end2end/bench/what-if.mjs <base URL> <email> <password>
import { SETTINGS_PAGE as PAGE, launchChromium, median } from './browser.mjs';

const [base, email, password] = process.argv.slice(2);
if (!base || !email || !password) {
  console.error('usage: what-if.mjs <base URL> <email> <password>');
  process.exit(2);
}
const SOURCES = ['cto', 'fanvista', 'shopify', 'bigcommerce', 'woocommerce', 'retailcloud_online'];
const STATUSES = ['initiated', 'sent_for_processing', 'processing', 'ready', 'delivered', 'cancelled', 'returned'];

const browser = await launchChromium();
try {
  const context = await browser.newContext({ baseURL: base });
  const origin = { Origin: new URL(base).origin };
  const login = await context.request.post('/api/v1/session', { headers: origin, data: { email, password } });
  if (login.status() !== 200) throw new Error(`sign-in: ${login.status()} ${await login.text()}`);
  // Every order trigger by email, so each has its switches on the page.
  const { version } = await (await context.request.get('/api/v1/settings')).json();
  const rules = SOURCES.flatMap((source) => STATUSES.map((status) => ({
    trigger: { kind: 'order', source, status }, active: true, email: true, sms: false,
  })));
  const saved = await context.request.put('/api/v1/settings', { headers: origin, data: { version, rules } });
  if (saved.status() !== 200) throw new Error(`settings: ${saved.status()} ${await saved.text()}`);

  const loads = [];
  let page;
  for (let i = 0; i < 5; i++) {
    if (page) await page.close();
    page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    const t0 = Date.now();
    await page.goto(PAGE);
    await page.waitForSelector('[data-testid="what-if"][data-loaded="true"] [data-testid="what-if-total"]', { timeout: 60_000 });
    loads.push(Date.now() - t0);
  }
  await page.waitForSelector('[data-hydrated="true"]');

  const toggles = [];
  for (let i = 0; i < 20; i++) {
    const ms = await page.evaluate(() => new Promise((resolve, reject) => {
      const total = document.querySelector('[data-testid="what-if-total"]');
      const toggle = document.querySelector('[data-testid="order.cto.ready:email"]');
      const before = total.getAttribute('data-emails');
      const timeout = setTimeout(() => reject(new Error(`data-emails stayed ${before}`)), 5_000);
      const observer = new MutationObserver(() => {
        if (total.getAttribute('data-emails') !== before) {
          const elapsed = performance.now() - t0;
          observer.disconnect();
          clearTimeout(timeout);
          resolve(elapsed);
        }
      });
      observer.observe(total, { attributes: true });
      const t0 = performance.now();
      toggle.click();
    }));
    toggles.push(ms);
  }
  // The SMS switch counts texts the same way (the seeded orders give every
  // source's customers phones): one click must change the texts' count.
  const textsBefore = await page.getAttribute('[data-testid="what-if-total"]', 'data-texts');
  await page.click('[data-testid="order.cto.ready:sms"]');
  await page.waitForFunction((before) =>
    document.querySelector('[data-testid="what-if-total"]').getAttribute('data-texts') !== before, textsBefore, { timeout: 5_000 });
  const texts = await page.getAttribute('[data-testid="what-if-total"]', 'data-texts');
  const emails = await page.getAttribute('[data-testid="what-if-total"]', 'data-emails');
  console.log(`what-if in Chromium: history shown ${median(loads)} ms after navigation (median of 5 cold loads: ${loads.join(', ')}); ` +
    `per toggle ${median(toggles).toFixed(1)} ms median, ${Math.max(...toggles).toFixed(1)} ms worst of 20; ${emails} emails, ${texts} texts counted`);
  console.log(`RESULT what_if_history_ms=${median(loads)} what_if_toggle_ms=${median(toggles).toFixed(1)} what_if_toggle_worst_ms=${Math.max(...toggles).toFixed(1)}`);
} finally {
  await browser.close();
}
