/**
 * UI extras E2E: web mode with a fixed clock (2027-01-15). Seeded through the API: a customer with a ship-to location,
 * products, plans and a fixed-price bundle. In the UI: a subscription is created with the bundle as its item and its
 * parts are shown; usage CSV is imported on a metered subscription (count and per-row errors shown); the metered
 * subscription's delivery schedule shows its next deliveries, and a shipment is recorded on the released order.
 */
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, type Browser, buildRenderer, type CadenceServer, fill, findChromium, launchBrowser, pick, screenshot, startServer, tmpDir } from './helpers';

const chromiumPath = findChromium();
if (!chromiumPath) console.warn('[e2e] skipped: no Chromium found (set CHROMIUM_PATH, or install chromium / google-chrome)');

describe.skipIf(!chromiumPath)('ui extras: bundle items, usage CSV import, next deliveries, record shipment', () => {
  let dataDir: string;
  let server: CadenceServer;
  let browser: Browser;
  let page: Page;
  let customer: { id: string; number: string };
  let metered: { id: string };

  beforeAll(async () => {
    await buildRenderer();
    dataDir = tmpDir('cadence-e2e-ui-extras-');
    [server, browser] = await Promise.all([startServer(dataDir, { now: '2027-01-15T09:00:00Z' }), launchBrowser(chromiumPath!, { width: 1440, height: 1000 })]);
    page = browser.page;
    page.setDefaultTimeout(15_000);
    customer = await api(server, 'customers.create', { name: 'Bergblick Hotels AG', email: 'ap@bergblick.example', country: 'DE', currency: 'EUR' });
    await api(server, 'locations.create', { customerId: customer.id, name: 'Main kitchen', line1: 'Seeweg 3', postalCode: '83471', city: 'Berchtesgaden', country: 'DE', isDefault: true });
    const pms = await api(server, 'products.create', { sku: 'PMS', name: 'Hotel PMS', unit: 'license' });
    const pos = await api(server, 'products.create', { sku: 'POS', name: 'Restaurant POS', unit: 'each' });
    const calls = await api(server, 'products.create', { sku: 'API', name: 'Booking API', unit: 'api_call' });
    const beans = await api(server, 'products.create', { sku: 'BEANS-1KG', name: 'Espresso beans 1 kg', unit: 'pack', kind: 'physical', taxCategory: 'reduced' });
    const pmsPlan = await api(server, 'plans.create', { productId: pms.id, code: 'PMS-M', name: 'PMS monthly', interval: 'month', prices: [{ currency: 'EUR', model: { type: 'flat', price: '120' } }] });
    const posPlan = await api(server, 'plans.create', { productId: pos.id, code: 'POS-M', name: 'POS monthly', interval: 'month', prices: [{ currency: 'EUR', model: { type: 'per_unit', unitPrice: '30' } }] });
    const apiPlan = await api(server, 'plans.create', { productId: calls.id, code: 'API-M', name: 'Booking API calls', interval: 'month', prices: [{ currency: 'EUR', model: { type: 'per_unit', unitPrice: '0.01' } }] });
    await api(server, 'plans.create', { productId: beans.id, code: 'BEANS', name: 'Espresso beans', interval: 'month', prices: [{ currency: 'EUR', model: { type: 'per_unit', unitPrice: '18.50' } }] });
    await api(server, 'bundles.create', {
      code: 'HOTEL-SUITE', name: 'Hotel suite', pricing: 'fixed', prices: [{ currency: 'EUR', price: '199' }],
      items: [{ planId: pmsPlan.id, quantity: '1' }, { planId: posPlan.id, quantity: '2', addOn: true }],
    });
    metered = await api(server, 'subscriptions.create', { customerId: customer.id, startDate: '2027-01-01', items: [{ planId: apiPlan.id, metric: 'booking_calls' }] });
    await api(server, 'orderSchedules.create', {
      customerId: customer.id, subscriptionId: metered.id, name: 'Weekly coffee', pattern: { unit: 'week', anchorDate: '2027-01-18', weekday: 1, leadDays: 5 },
      items: [{ productId: beans.id, quantity: '10' }],
    });
    await api(server, 'orders.release', { customerId: customer.id });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const expectNoErrors = () => expect(browser.errors, browser.errors.join('\n')).toEqual([]);

  it('creates a subscription with a bundle item and shows its parts', async () => {
    await page.goto(server.url);
    await page.getByTestId('nav-subscriptions').click();
    await page.getByTestId('subscription-new').click();
    await page.getByTestId('subscription-form').waitFor();
    await pick(page, 'customerId', 'Bergblick');
    await pick(page, 'items.0.planId', 'Hotel suite');
    await fill(page, 'items.0.quantity', '2');
    await expect.poll(() => page.getByTestId('item-bundle-0').textContent()).toContain('199 EUR');
    await page.getByTestId('subscription-save').click();
    await page.getByTestId('subscription-page').waitFor();
    const parts = page.getByTestId('subscription-item-parts');
    await expect.poll(() => parts.textContent()).toBe('Parts: PMS monthly, POS monthly × 2 (add-on)');
    expect(await page.getByTestId('subscription-items').textContent()).toContain('Base · bundle');
    await expect.poll(() => page.getByTestId('subscription-title').textContent()).toBe('Hotel suite × 2');
    expect(await page.getByTestId('subscription-upcoming').textContent()).toContain('Hotel suite (parts: PMS monthly, POS monthly)');
    await screenshot(page, 'e2e-ui-extras-bundle.png');
    // No order schedule: no "Next deliveries" card, no usage import.
    expect(await page.getByTestId('subscription-deliveries').count()).toBe(0);
    expect(await page.getByTestId('usage-import').count()).toBe(0);
    const subs = await api(server, 'subscriptions.list', { customerId: customer.id });
    const created = subs.items.find((x: { id: string }) => x.id !== metered.id);
    const got = await api(server, 'subscriptions.get', { id: created.id });
    expect(got.items[0].bundleId).toBeTruthy();
    expect(got.items[0].quantity).toBe('2');
    expectNoErrors();
  });

  it('imports usage CSV on a metered subscription: count imported and per-row errors', async () => {
    await page.goto(`${server.origin}/#/subscriptions/${metered.id}`);
    await page.getByTestId('subscription-usage').waitFor();
    await page.getByTestId('usage-import').click();
    await page.getByTestId('usage-import-dialog').waitFor();
    const csv = [
      'timestamp,subscription_id,metric,quantity,idempotency_key',
      `2027-01-10T10:00:00Z,${metered.id},booking_calls,1200,b-1`,
      `2027-01-11T10:00:00Z,${metered.id},booking_calls,-4,b-2`,
      `2027-01-12T10:00:00Z,${metered.id},booking_calls,300,b-3`,
    ].join('\n');
    await page.getByTestId('usage-import-csv').fill(csv);
    await page.getByTestId('usage-import-submit').click();
    await expect.poll(() => page.getByTestId('usage-import-count').textContent()).toBe('2 of 3 rows imported');
    const errors = await page.getByTestId('usage-import-errors').textContent();
    expect(errors).toMatch(/^Row 3: .*quantity/);
    await screenshot(page, 'e2e-ui-extras-usage-import.png');
    await page.getByTestId('usage-import-close').click();
    await page.getByTestId('usage-import-dialog').waitFor({ state: 'detached' });
    await expect.poll(() => page.getByTestId('subscription-usage').textContent()).toContain('1,500');
    const list = await api(server, 'usage.list', { subscriptionId: metered.id });
    expect(list.items.map((u: { quantity: string }) => u.quantity).sort()).toEqual(['1200', '300']);
    expectNoErrors();
  });

  it('shows the next deliveries of the subscription and records a shipment on the released order', async () => {
    const card = page.getByTestId('subscription-deliveries');
    await card.waitFor();
    await expect.poll(() => page.getByTestId('subscription-delivery').count()).toBe(5);
    const first = page.getByTestId('subscription-delivery').first();
    expect(await first.textContent()).toMatch(/^Mon 2027-01-18SO-[A-Z0-9]{3}-000001Released10$/);
    expect(await page.getByTestId('subscription-delivery').nth(1).textContent()).toContain('Mon 2027-01-25');
    await screenshot(page, 'e2e-ui-extras.png');
    await first.getByRole('link').click();
    await page.getByTestId('order-drawer').waitFor();
    await page.getByTestId('order-record-shipment').click();
    await page.getByTestId('shipment-dialog').waitFor();
    await page.getByTestId('shipment-shipped').fill('6');
    await page.getByTestId('shipment-backordered').fill('4');
    await page.getByTestId('shipment-submit').click();
    await page.getByTestId('shipment-dialog').waitFor({ state: 'detached' });
    await expect.poll(() => page.getByTestId('order-status').textContent()).toBe('Part shipped');
    expect(await page.getByTestId('order-line-BEANS-1KG').textContent()).toContain('6 (+4 back-ordered)');
    expect(await page.getByTestId('order-record-shipment').textContent()).toBe('Record further shipment…');
    const order = (await api(server, 'orders.list', { customerId: customer.id, status: 'partially_shipped' })).items[0];
    expect(order.number).toMatch(/^SO-[A-Z0-9]{3}-000001$/);
    await screenshot(page, 'e2e-ui-extras-shipment.png');
    expectNoErrors();
  });
});
