import { defineConfig } from '@playwright/test';
import * as path from 'path';
import * as os from 'os';

// The server under test: the binary built by `cargo leptos build`, run from
// the workspace root (it serves target/site) on its own port and data dir.
const root = path.resolve(__dirname, '..');
const port = Number(process.env.E2E_PORT ?? 3210);
const baseURL = `http://127.0.0.1:${port}`;
const serverBinary = process.env.E2E_SERVER_BIN ?? path.join(root, 'target/debug/server');
// A fresh SQLite database for every run.
const dataDir = path.join(os.tmpdir(), `cn-e2e-${process.pid}-${Date.now()}`);
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
  webServer: {
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
    },
  },
});
