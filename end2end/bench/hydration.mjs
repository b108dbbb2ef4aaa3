// How long the settings page takes to become interactive (issue 14): from
// navigation to `data-hydrated="true"` (the rule editor's island has run),
// in Chromium, on a new merchant's page, median of 10 cold loads with the
// cache disabled. Twice: on loopback as it is, and throttled to a shop-floor
// connection (1.6 Mbit/s down, 750 kbit/s up, 150 ms round trip; Chrome's
// "Slow 4G"-like profile), where the WASM's size is what the merchant waits for.
// The time is taken in the page (performance.now() is measured from the
// navigation's start), by a MutationObserver installed before any script.
// Ends with a RESULT line (key=value), like the other benchmarks.
//
//   node end2end/bench/hydration.mjs <base URL>
import { SETTINGS_PAGE as PAGE, launchChromium, median } from './browser.mjs';

const [base] = process.argv.slice(2);
if (!base) {
  console.error('usage: hydration.mjs <base URL>');
  process.exit(2);
}
const LOADS = 10;
const SLOW = { offline: false, latency: 150, downloadThroughput: 1_600_000 / 8, uploadThroughput: 750_000 / 8 };

const browser = await launchChromium();
try {
  const context = await browser.newContext({ baseURL: base });
  const origin = { Origin: new URL(base).origin };
  const email = `hydration-${Date.now()}@bench.example`;
  const signUp = await context.request.post('/api/v1/merchants', {
    headers: origin,
    data: { store_name: 'Hydration bench', email, password: 'correct horse battery', time_zone: 'UTC' },
  });
  if (signUp.status() !== 201) throw new Error(`sign-up: ${signUp.status()} ${await signUp.text()}`);
  await context.addInitScript(() => {
    const seen = () => {
      if (window.__hydratedAt === undefined && document.querySelector('[data-hydrated="true"]')) {
        window.__hydratedAt = performance.now();
      }
    };
    new MutationObserver(seen).observe(document, { subtree: true, attributes: true, childList: true });
  });

  const measure = async (conditions) => {
    const times = [];
    let wasm = 0;
    for (let i = 0; i < LOADS; i++) {
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
      if (conditions) await cdp.send('Network.emulateNetworkConditions', conditions);
      // Bytes on the wire for the WASM (compressed as served).
      const wasmIds = new Set();
      cdp.on('Network.responseReceived', (e) => { if (e.response.url.endsWith('.wasm')) wasmIds.add(e.requestId); });
      cdp.on('Network.loadingFinished', (e) => { if (wasmIds.has(e.requestId)) wasm = e.encodedDataLength; });
      // The page's own clock is read below: waiting for the response is enough.
      await page.goto(PAGE, { waitUntil: 'commit', timeout: 120_000 });
      await page.waitForFunction(() => window.__hydratedAt !== undefined, null, { timeout: 120_000 });
      times.push(await page.evaluate(() => window.__hydratedAt));
      await page.close();
    }
    return { times, wasm };
  };

  const fast = await measure(null);
  const slow = await measure(SLOW);
  const fmt = (xs) => xs.map((t) => t.toFixed(0)).join(', ');
  console.log(`hydration, loopback: ${median(fast.times).toFixed(0)} ms median of ${LOADS} cold loads (${fmt(fast.times)}); WASM ${fast.wasm} B on the wire`);
  console.log(`hydration, 1.6 Mbit/s 150 ms: ${median(slow.times).toFixed(0)} ms median of ${LOADS} cold loads (${fmt(slow.times)})`);
  console.log(`RESULT hydrated_ms=${median(fast.times).toFixed(0)} hydrated_slow_ms=${median(slow.times).toFixed(0)} hydrated_wasm_wire_bytes=${fast.wasm}`);
} finally {
  await browser.close();
}
