import { defineConfig } from '@playwright/test';
import * as path from 'path';
import * as os from 'os';
import { SMS_AUTH_TOKEN } from './tests/helpers';

// The server under test: the binary built by `cargo leptos build`, run from
// the workspace root (it serves target/site) on its own port and data dir.
const root = path.resolve(__dirname, '..');
const port = Number(process.env.E2E_PORT ?? 3210);
const baseURL = `http://127.0.0.1:${port}`;
const serverBinary = process.env.E2E_SERVER_BIN ?? path.join(root, 'target/debug/server');
// A fresh SQLite database for every run. The config is read again in each
// worker: the folder is chosen once and passed on in the environment, so
// tests can read the outbox sink (E2E_DATA_DIR/outbox/email/<job>.eml).
const dataDir = (process.env.E2E_DATA_DIR ??= path.join(os.tmpdir(), `cn-e2e-${process.pid}-${Date.now()}`));
// The SMS provider's API: a local stand-in (sms-api-mock.mjs) that accepts
// every text; tests read what it received and sign STOP replies with the token.
const smsPort = Number((process.env.E2E_SMS_PORT ??= String(port + 1)));
const databaseUrl = `sqlite://${path.join(dataDir, 'notifications.db')}`;

export default defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  timeout: 30_000,
  expect: { timeout: 5_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: [{
    command: 'node sms-api-mock.mjs',
    cwd: __dirname,
    url: `http://127.0.0.1:${smsPort}/healthz`,
    reuseExistingServer: false,
    timeout: 10_000,
    env: { SMS_MOCK_PORT: String(smsPort) },
  }, {
    command: serverBinary,
    cwd: root,
    url: `${baseURL}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      LEPTOS_SITE_ROOT: 'target/site',
      DATABASE_URL: databaseUrl,
      PUBLIC_URL: baseURL,
      OUTBOX_SINK_DIR: path.join(dataDir, 'outbox'),
      RUST_LOG: 'info',
      SMS_API_BASE: `http://127.0.0.1:${smsPort}/`,
      SMS_ACCOUNT_SID: 'AC_e2e',
      SMS_AUTH_TOKEN,
      SMS_FROM: '+14155550100',
    },
  }],
});
