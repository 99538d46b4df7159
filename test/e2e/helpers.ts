/**
 * E2E helpers: build the renderer, start Cadence's web mode as a child process, drive Chromium with playwright-core,
 * and collect console/page errors. Reused by every e2e test.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type BrowserContext, chromium, type ConsoleMessage, type Page } from 'playwright-core';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const RESULTS_DIR = path.join(REPO_ROOT, 'test-results');

const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/opt/google/chrome/chrome'];

/** CHROMIUM_PATH, else Debian's chromium, else an installed Google Chrome; null when none is found. */
export function findChromium(): string | null {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) return fs.existsSync(fromEnv) ? fromEnv : null;
  return CHROMIUM_CANDIDATES.find((p) => fs.existsSync(p)) ?? null;
}

export const tmpDir = (prefix: string): string => fs.mkdtempSync(path.join(os.tmpdir(), prefix));

/** `tsx main/tools/build.ts renderer --quiet` → dist/renderer. */
export async function buildRenderer(): Promise<void> {
  await promisify(execFile)('npx', ['tsx', 'main/tools/build.ts', 'renderer', '--quiet'], { cwd: REPO_ROOT, timeout: 120_000 });
}

export interface CadenceServer {
  /** The URL printed at start, carrying the session token. */
  url: string;
  origin: string;
  port: number;
  token: string;
  dataDir: string;
  /** Everything the server wrote so far (stdout + stderr), for failure messages. */
  output: () => string;
  /** SIGTERM to the process group (npx → tsx → node), SIGKILL after 5 s; resolves when it exited. */
  stop: () => Promise<void>;
}

const READY = /Cadence is running at (http:\/\/127\.0\.0\.1:(\d+)\/\?token=(\S+))/;

/** Starts `npx tsx main/server/web.ts --data DIR --port N` and waits for its "Cadence is running at …" line. */
export async function startServer(dataDir: string, opts: { port?: number; token?: string; now?: string } = {}): Promise<CadenceServer> {
  const args = ['tsx', 'main/server/web.ts', '--data', dataDir, '--port', String(opts.port ?? 0)];
  if (opts.now) args.push('--now', opts.now);
  const child: ChildProcess = spawn('npx', args, {
    cwd: REPO_ROOT,
    env: { ...process.env, ...(opts.token ? { CADENCE_TOKEN: opts.token } : {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, so stop() reaches tsx's node child too
  });
  let out = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = await new Promise<RegExpMatchArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`web mode did not start within 30 s:\n${out}`)), 30_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = out.match(READY);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`web mode exited with code ${code} before it was ready:\n${out}`));
    });
  });
  const url = ready[1];
  const port = Number(ready[2]);
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, sig);
    } catch {}
  };
  return {
    url,
    origin: `http://127.0.0.1:${port}`,
    port,
    token: decodeURIComponent(ready[3]),
    dataDir,
    output: () => out,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      signal('SIGTERM');
      const killer = setTimeout(() => signal('SIGKILL'), 5000);
      await exited;
      clearTimeout(killer);
    },
  };
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught page errors seen so far (see `allowConsoleError`). */
  errors: string[];
  /** API responses the browser logged as failed (e.g. an expected 422), kept apart from `errors`. */
  apiFailures: string[];
  close: () => Promise<void>;
}

/**
 * Launches Chromium headless with a fresh profile. `launch()` refuses --user-data-dir, hence a persistent context.
 * Chromium logs every non-2xx fetch as a console error ("Failed to load resource: … status of 422"): for /api/ calls
 * with 4xx statuses (validation, conflicts — answers the UI shows inline) those go to `apiFailures` so a test can
 * assert exactly which ones happened; every other console error or page error goes to `errors`.
 */
export async function launchBrowser(executablePath: string, opts: { width?: number; height?: number } = {}): Promise<Browser> {
  const profile = tmpDir('cadence-e2e-profile-');
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    viewport: { width: opts.width ?? 1440, height: opts.height ?? 900 },
    reducedMotion: 'reduce', // the UI then skips its drawer/menu animations: faster, steadier tests
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  const apiFailures: string[] = [];
  page.on('console', (msg: ConsoleMessage) => {
    if (msg.type() !== 'error') return;
    const where = msg.location().url;
    const text = msg.text();
    if (/\/api\//.test(where) && /status of 4\d\d/.test(text)) apiFailures.push(`${text} (${where})`);
    else errors.push(`console.error: ${text}${where ? ` (${where})` : ''}`);
  });
  page.on('pageerror', (err) => errors.push(`page error: ${err.message}`));
  return {
    context,
    page,
    errors,
    apiFailures,
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, name);
  await page.screenshot({ path: file });
  return file;
}

/** Calls an operation directly (as another client would), authenticated with the server's token. */
export async function api(server: CadenceServer, op: string, input: unknown): Promise<any> {
  const res = await fetch(`${server.origin}/api/${op}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${server.token}` },
    body: JSON.stringify(input),
  });
  const body = await res.json();
  if (!res.ok) throw new Error(`${op}: HTTP ${res.status} ${JSON.stringify(body)}`);
  return body;
}

/* ---------- UI helpers (MUI + ag-grid) ---------- */

/** The <input> (or <textarea>) of a field rendered with data-testid="field-<path>". */
export const fieldInput = (page: Page, path: string) => page.locator(`[data-testid="field-${path}"] input:not([type=hidden]), [data-testid="field-${path}"] textarea:not([aria-hidden=true])`).first();

export async function fill(page: Page, path: string, value: string): Promise<void> {
  await fieldInput(page, path).fill(value);
}

/** Picks a value in an MUI select field (TextField select) by its option value. */
export async function choose(page: Page, path: string, value: string): Promise<void> {
  await page.locator(`[data-testid="field-${path}"] [role="combobox"]`).click();
  await page.locator(`[data-testid="field-${path}-option-${value}"]`).click();
  await page.locator('.MuiMenu-root').waitFor({ state: 'detached' }); // the menu's backdrop is gone
}

/** Types into an autocomplete picker and takes the first (highlighted) match. */
export async function pick(page: Page, path: string, text: string): Promise<void> {
  const input = fieldInput(page, path);
  await input.fill(text);
  await page.locator('.MuiAutocomplete-popper [role="option"]').first().waitFor();
  await input.press('Enter');
}

/** The grid row (ag-grid 36) containing `text`. */
export const gridRow = (page: Page, grid: string, text: string) => page.locator(`[data-testid="${grid}"] .ag-row`, { hasText: text });
