// What the Chromium benchmarks share: Debian's Chromium with the flags the
// browser tests use, and the median of a sample.
import { chromium } from '@playwright/test';

export const SETTINGS_PAGE = '/settings/customer-notifications';

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export function launchChromium() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
