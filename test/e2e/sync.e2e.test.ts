/**
 * Sync E2E: a loopback REST "ERP" (node:http) and web mode with CADENCE_SECRET_KEY. The REST connector is configured
 * through the Sync page (bearer token stored encrypted); customers created while the ERP is down (and while working
 * offline) wait in the outbox — the top-bar indicator counts them — and drain to 0 when it is back. A customer the ERP
 * refuses is parked with the ERP's message, corrected in the payload editor and retried; another one is skipped.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, type Browser, buildRenderer, type CadenceServer, choose, fieldInput, fill, findChromium, gridRow, launchBrowser, pick, screenshot, startServer, tmpDir } from './helpers';

const chromiumPath = findChromium();
if (!chromiumPath) console.warn('[e2e] skipped: no Chromium found (set CHROMIUM_PATH, or install chromium / google-chrome)');

interface Received {
  erpId: string;
  path: string;
  auth: string | undefined;
  idempotencyKey: string | undefined;
  body: { eventType: string; aggregateType: string; data: Record<string, unknown> };
}

/**
 * A tiny ERP: GET / answers (ping); POST /<entity> stores the envelope, refusing customers whose name contains
 * "Reject"; GET /accounts and /products serve master data for a pull.
 */
class FakeErp {
  received: Received[] = [];
  accounts: Record<string, unknown>[] = [];
  private server: http.Server | null = null;
  port = 0;
  private seq = 0;

  async start(): Promise<void> {
    const server = http.createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => {
        const json = (status: number, body: unknown) => {
          res.writeHead(status, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify(body));
        };
        if (req.method === 'GET' && req.url?.startsWith('/accounts')) return json(200, { items: this.accounts });
        if (req.method === 'GET' && req.url?.startsWith('/products')) return json(200, []);
        if (req.method === 'GET') return json(200, { ok: true, erp: 'fake' });
        let body: Received['body'];
        try {
          body = JSON.parse(text) as Received['body'];
        } catch {
          return json(400, { error: 'malformed JSON' });
        }
        if (body.aggregateType === 'customer' && String(body.data?.name ?? '').includes('Reject')) {
          return json(422, { error: { message: `Customer "${String(body.data.name)}" refused: a customer group is required` } });
        }
        const erpId = `erp-${++this.seq}`;
        this.received.push({ erpId, path: req.url ?? '', auth: req.headers.authorization, idempotencyKey: req.headers['idempotency-key'] as string | undefined, body });
        json(201, { id: erpId, number: `P${String(this.seq).padStart(5, '0')}` });
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (!s) return;
    await new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  customers(): string[] {
    return this.received.filter((r) => r.body.aggregateType === 'customer').map((r) => String(r.body.data.name));
  }
}

describe.skipIf(!chromiumPath)('sync: ERP connector, offline outbox and parked rows in the browser', () => {
  let dataDir: string;
  let server: CadenceServer;
  let browser: Browser;
  let page: Page;
  const erp = new FakeErp();

  beforeAll(async () => {
    process.env.CADENCE_SECRET_KEY = 'e2e-only-secret-key-0123456789abcdef';
    await buildRenderer();
    dataDir = tmpDir('cadence-e2e-sync-');
    await erp.start();
    [server, browser] = await Promise.all([startServer(dataDir), launchBrowser(chromiumPath!)]);
    page = browser.page;
    page.setDefaultTimeout(15_000);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await erp.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const expectNoErrors = () => expect(browser.errors, browser.errors.join('\n')).toEqual([]);
  const indicatorState = () => page.getByTestId('sync-indicator').getAttribute('data-state');
  const indicatorPending = async () => Number(await page.getByTestId('sync-indicator-pending').textContent());

  async function createCustomer(name: string, email: string): Promise<void> {
    await page.getByTestId('nav-customers').click();
    await page.getByTestId('customer-new').click();
    await page.getByTestId('customer-form').waitFor();
    await fill(page, 'name', name);
    await fill(page, 'email', email);
    await page.getByTestId('customer-save').click();
    await page.getByTestId('customer-form').waitFor({ state: 'detached' });
    await gridRow(page, 'customers-grid', name).waitFor();
  }

  it('shows the sync page and the top-bar indicator before a connector is configured', async () => {
    await page.goto(server.url);
    await expect.poll(indicatorState).toBe('not_configured');
    expect(await page.getByTestId('sync-indicator-state').textContent()).toBe('Not configured');
    await page.getByTestId('nav-sync').click();
    await expect.poll(() => page.getByTestId('page-title').textContent()).toBe('ERP sync');
    await page.getByTestId('parked-empty').waitFor();
    expect(await page.getByTestId('sync-connector-summary').textContent()).toBe('No connector configured');
    expect(await page.getByTestId('sync-push-now').isDisabled()).toBe(true);
    expectNoErrors();
  });

  it('configures the REST connector through the form; the token is stored encrypted and write-only', async () => {
    await page.getByTestId('sync-tab-connector').click();
    await page.getByTestId('sync-connector-form').waitFor();
    await choose(page, 'connector', 'rest');
    await fill(page, 'rest.baseUrl', erp.url);
    await choose(page, 'rest.auth', 'bearer');
    await page.getByTestId('sync-no-secret').waitFor();
    await fill(page, 'secret', 'erp-token-123');
    await fill(page, 'offlineRecheckSeconds', '0.5');
    await fill(page, 'rest.batchPath', 'batch'); // must start with "/"
    await page.getByTestId('sync-config-save').click();
    expect(await page.getByTestId('field-rest.batchPath-error').textContent()).toBe('Must start with /');
    await fill(page, 'rest.batchPath', '');
    await page.getByTestId('sync-config-save').click();
    await page.getByTestId('toast-success').waitFor();
    await page.getByTestId('sync-has-secret').waitFor();
    expect(await fieldInput(page, 'secret').inputValue()).toBe(''); // never shown again
    await screenshot(page, 'e2e-sync-connector.png');
    await expect.poll(indicatorState).toBe('online');
    expect(await page.getByTestId('sync-connector-summary').textContent()).toBe(`REST connector · ${erp.url}`);

    const cfg = await api(server, 'sync.getConfig', {});
    expect(cfg).toMatchObject({ connector: 'rest', offlineRecheckMs: 500, hasSecret: true, rest: { baseUrl: erp.url, auth: 'bearer' } });
    expect(JSON.stringify(cfg)).not.toContain('erp-token-123');
    expect(fs.readFileSync(`${dataDir}/secrets.enc.json`, 'utf8')).not.toContain('erp-token-123');
    expectNoErrors();
  });

  it('sends a new customer at once while the ERP is online', async () => {
    await createCustomer('Online Customer AG', 'online@example.com');
    await expect.poll(() => erp.customers(), { timeout: 10_000 }).toContain('Online Customer AG');
    const got = erp.received.find((r) => r.body.data.name === 'Online Customer AG')!;
    expect(got.path).toBe('/customers');
    expect(got.auth).toBe('Bearer erp-token-123');
    expect(got.body.eventType).toBe('customer.created');
    expect(got.idempotencyKey).toBeTruthy();
    await expect.poll(indicatorPending).toBe(0);
    expectNoErrors();
  });

  it('queues changes while the ERP is down and drains them to 0 when it is back', async () => {
    // a plan to subscribe to, sent while the ERP is still online
    const product = await api(server, 'products.create', { sku: 'SYNC-SEAT', name: 'Sync Seat', unit: 'seat' });
    await api(server, 'plans.create', { productId: product.id, code: 'SYNC-M', name: 'Sync monthly', interval: 'month', prices: [{ currency: 'EUR', model: { type: 'flat', price: '20' } }] });
    await expect.poll(() => erp.received.filter((r) => r.body.aggregateType === 'plan').length, { timeout: 10_000 }).toBe(1);
    await expect.poll(indicatorPending).toBe(0);
    await erp.stop();
    await createCustomer('Offline One GmbH', 'one@example.com');
    await expect.poll(indicatorState, { timeout: 10_000 }).toBe('offline');
    await expect.poll(indicatorPending).toBe(1);
    await createCustomer('Offline Two GmbH', 'two@example.com');
    await expect.poll(indicatorPending).toBe(2);
    expect(await page.getByTestId('sync-indicator-state').textContent()).toBe('ERP offline');
    // a subscription created in the UI while offline waits too
    await page.getByTestId('nav-subscriptions').click();
    await page.getByTestId('subscription-new').click();
    await page.getByTestId('subscription-form').waitFor();
    await pick(page, 'customerId', 'Offline One');
    await pick(page, 'items.0.planId', 'Sync monthly');
    await page.getByTestId('subscription-save').click();
    await page.getByTestId('subscription-page').waitFor();
    await expect.poll(indicatorPending).toBe(3);

    await page.getByTestId('sync-indicator').click();
    await page.getByTestId('sync-page').waitFor();
    await expect.poll(() => page.getByTestId('sync-pending-value').textContent()).toBe('3');
    expect(await page.getByTestId('sync-connection-value').textContent()).toBe('Offline');
    await expect.poll(() => page.getByTestId('sync-last-error-value').textContent()).not.toBe('None');
    await page.getByTestId('sync-tab-outbox').click();
    await page.getByTestId('outbox-status-pending').click();
    await gridRow(page, 'outbox-grid', 'Offline Two GmbH').waitFor();
    await expect.poll(() => gridRow(page, 'outbox-grid', 'Online Customer AG').count()).toBe(0); // sent: not waiting
    expect(await gridRow(page, 'outbox-grid', 'Offline One GmbH').filter({ hasText: 'Customer', hasNotText: 'Subscription' }).textContent()).toContain('Waiting');
    expect(await gridRow(page, 'outbox-grid', 'Sync monthly').textContent()).toMatch(/Subscription.*Offline One GmbH · Sync monthly.*Waiting/);
    await screenshot(page, 'e2e-sync-offline.png');
    expect(erp.customers()).not.toContain('Offline One GmbH');

    await erp.start(); // same port
    await expect.poll(indicatorPending, { timeout: 15_000 }).toBe(0);
    await expect.poll(indicatorState).toBe('online');
    expect(erp.customers()).toEqual(expect.arrayContaining(['Offline One GmbH', 'Offline Two GmbH']));
    const sub = erp.received.find((r) => r.body.aggregateType === 'subscription')!;
    expect(sub.path).toBe('/subscriptions');
    expect(sub.body.eventType).toBe('subscription.created');
    await expect.poll(() => page.getByTestId('sync-pending-value').textContent()).toBe('0');
    await page.getByTestId('outbox-status-done').click();
    await expect.poll(() => gridRow(page, 'outbox-grid', 'Offline One GmbH').filter({ hasText: 'Customer', hasNotText: 'Subscription' }).textContent()).toContain('Sent');
    expectNoErrors();
  });

  it('holds changes with the Work offline switch until switched back', async () => {
    await page.getByTestId('sync-work-offline').click();
    await expect.poll(indicatorState).toBe('working_offline');
    expect(await page.getByTestId('sync-push-now').isDisabled()).toBe(true);
    await createCustomer('Train Ride Ltd', 'train@example.com');
    await expect.poll(indicatorPending).toBe(1);
    expect(await page.getByTestId('sync-indicator-state').textContent()).toBe('Working offline');
    await new Promise((r) => setTimeout(r, 1200)); // well past the 0.5 s re-check: still held
    expect(erp.customers()).not.toContain('Train Ride Ltd');
    expect(await indicatorPending()).toBe(1);

    await page.getByTestId('sync-indicator').click();
    await page.getByTestId('sync-work-offline').click();
    await expect.poll(indicatorPending, { timeout: 15_000 }).toBe(0);
    await expect.poll(() => erp.customers()).toContain('Train Ride Ltd');
    await expect.poll(indicatorState).toBe('online');
    expectNoErrors();
  });

  it('parks a customer the ERP refuses, shows its message, and retries it with a corrected payload', async () => {
    await createCustomer('Reject Me Corp', 'reject@example.com');
    await expect.poll(() => page.locator('[data-testid="sync-indicator-parked"]').count(), { timeout: 10_000 }).toBe(1);
    await page.getByTestId('sync-indicator').click();
    await page.getByTestId('sync-tab-attention').click();
    const row = page.locator('[data-testid^="parked-row-"]', { hasText: 'Reject Me Corp' });
    await row.waitFor();
    expect(await row.getByTestId('parked-message').textContent()).toBe('HTTP 422: Customer "Reject Me Corp" refused: a customer group is required');
    await screenshot(page, 'e2e-sync.png');

    await row.getByTestId('parked-edit').click();
    await page.getByTestId('payload-dialog').waitFor();
    const json = page.getByTestId('payload-json');
    const text = await json.inputValue();
    expect(JSON.parse(text).name).toBe('Reject Me Corp');
    await json.fill(text.replace('Reject Me Corp', 'Accepted Me Corp'));
    await page.getByTestId('payload-reason').fill('Renamed as agreed with the ERP team');
    await screenshot(page, 'e2e-sync-edit.png');
    await page.getByTestId('payload-retry').click();
    await page.getByTestId('payload-dialog').waitFor({ state: 'detached' });
    await expect.poll(() => erp.customers()).toContain('Accepted Me Corp');
    await page.getByTestId('parked-empty').waitFor();
    await expect.poll(() => page.locator('[data-testid="sync-indicator-parked"]').count()).toBe(0);
    expectNoErrors();
  });

  it('skips a refused change after confirming with a reason', async () => {
    await createCustomer('Reject Again BV', 'again@example.com');
    await page.getByTestId('sync-indicator').click();
    const row = page.locator('[data-testid^="parked-row-"]', { hasText: 'Reject Again BV' });
    await row.waitFor({ timeout: 10_000 });
    await row.getByTestId('parked-skip').click();
    await page.getByTestId('confirm-dialog').waitFor();
    expect(await page.getByTestId('confirm-ok').isDisabled()).toBe(true); // a reason is required
    await page.getByTestId('confirm-reason').fill('Created by hand in the ERP');
    await page.getByTestId('confirm-ok').click();
    await page.getByTestId('parked-empty').waitFor();
    const skipped = await api(server, 'sync.outbox', { status: 'skipped' });
    expect(skipped).toHaveLength(1);
    expect(skipped[0].payload.name).toBe('Reject Again BV');
    expect(erp.customers()).not.toContain('Reject Again BV');
    await page.getByTestId('sync-tab-outbox').click();
    await page.getByTestId('outbox-status-all').click();
    await expect.poll(() => gridRow(page, 'outbox-grid', 'Reject Again BV').textContent()).toContain('Skipped');
    await screenshot(page, 'e2e-sync-outbox.png');
    expectNoErrors();
  });

  it('pulls customer changes from the ERP, and resolves a conflict on a shared field in the Conflicts tab', async () => {
    const c = (await api(server, 'customers.list', { search: 'Online Customer AG' })).items[0];
    const erpId = erp.received.find((r) => r.body.eventType === 'customer.created' && r.body.data.name === 'Online Customer AG')!.erpId;
    const account = (over: Record<string, unknown>) => ({
      id: erpId, number: c.number, name: c.name, vatId: c.vatId, email: c.email, country: c.country, billingAddress: c.billingAddress, ...over,
    });

    // the first pull links the ERP's record to the customer pushed earlier (the same values: unchanged)
    erp.accounts = [account({ updatedAt: '2026-01-09T09:00:00Z' })];
    await page.getByTestId('sync-pull-now').click();
    await expect.poll(() => page.getByTestId('toast-success').textContent()).toBe('Pulled 1 record from the ERP: 0 new, 0 updated, 1 unchanged');
    // the ERP alone changed the email: the next pull takes it
    erp.accounts = [account({ email: 'ap@online.example', updatedAt: '2026-01-10T09:00:00Z' })];
    await page.getByTestId('sync-pull-now').click();
    await expect.poll(() => page.getByTestId('toast-success').textContent()).toBe('Pulled 1 record from the ERP: 0 new, 1 updated, 0 unchanged');
    expect((await api(server, 'customers.get', { id: c.id })).email).toBe('ap@online.example');

    // both sides renamed it: a conflict for the user to decide
    await api(server, 'customers.update', { id: c.id, patch: { name: 'Online Customer AG (Cadence)' } });
    erp.accounts = [account({ email: 'ap@online.example', name: 'Online Customer AG (ERP)', updatedAt: '2026-01-11T09:00:00Z' })];
    await page.getByTestId('sync-pull-now').click();
    await expect.poll(() => page.getByTestId('toast-info').textContent()).toContain('1 conflict');
    await expect.poll(() => page.getByTestId('sync-tab-conflicts').textContent()).toBe('Conflicts1');
    await page.getByTestId('sync-tab-conflicts').click();
    const row = page.locator('[data-testid^="conflict-row-"]', { hasText: 'Online Customer AG' });
    await row.waitFor();
    const text = await row.textContent();
    expect(text).toContain('Name');
    expect(text).toContain('Online Customer AG (Cadence)');
    expect(text).toContain('Online Customer AG (ERP)');
    await screenshot(page, 'e2e-sync-conflicts.png');
    await row.getByTestId('conflict-take-erp').click();
    await page.getByTestId('conflicts-empty').waitFor();
    expect((await api(server, 'customers.get', { id: c.id })).name).toBe('Online Customer AG (ERP)');
    await page.getByTestId('conflicts-status-resolved').click();
    await expect.poll(() => page.locator('[data-testid^="conflict-row-"]').first().textContent()).toContain("Took the ERP's");

    // field ownership: make the name Cadence's
    await page.getByTestId('sync-tab-ownership').click();
    await page.getByTestId('ownership-customer-name-cadence').click();
    await page.getByTestId('ownership-save').click();
    await page.getByTestId('toast-success').waitFor();
    expect((await api(server, 'sync.getOwnership', {})).customer.name).toBe('cadence');
    await screenshot(page, 'e2e-sync-ownership.png');
    expectNoErrors();
  });
});
