/**
 * Interval switch E2E: a monthly subscription (clock --now 2027-01-15) is moved to a yearly plan in the change
 * wizard: "now" is refused under the When field, "at the period end" previews the first yearly period and applies it;
 * the subscription page then announces the switch.
 */
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, type Browser, buildRenderer, type CadenceServer, choose, findChromium, launchBrowser, pick, startServer, tmpDir } from './helpers';

const chromiumPath = findChromium();

describe.skipIf(!chromiumPath)('switching a subscription from monthly to yearly in the browser', () => {
  let dataDir: string;
  let server: CadenceServer;
  let browser: Browser;
  let page: Page;
  let sub: { id: string };

  beforeAll(async () => {
    await buildRenderer();
    dataDir = tmpDir('cadence-e2e-interval-');
    [server, browser] = await Promise.all([startServer(dataDir, { now: '2027-01-15T09:00:00Z' }), launchBrowser(chromiumPath!)]);
    page = browser.page;
    page.setDefaultTimeout(15_000);
    const c = await api(server, 'customers.create', {
      name: 'Nordwind Logistik GmbH', email: 'ap@nordwind.example', country: 'DE', currency: 'EUR', paymentTermsDays: 14,
      billingAddress: { line1: 'Hafenstraße 12', postalCode: '20457', city: 'Hamburg', country: 'DE' },
    });
    const product = await api(server, 'products.create', { sku: 'FLEET-SEAT', name: 'Fleet Tracker', unit: 'seat' });
    const monthly = await api(server, 'plans.create', { productId: product.id, code: 'FLEET-M', name: 'Fleet monthly', interval: 'month', prices: [{ currency: 'EUR', model: { type: 'per_unit', unitPrice: '49' } }] });
    await api(server, 'plans.create', { productId: product.id, code: 'FLEET-Y', name: 'Fleet yearly', interval: 'year', prices: [{ currency: 'EUR', model: { type: 'per_unit', unitPrice: '490' } }] });
    sub = await api(server, 'subscriptions.create', { customerId: c.id, items: [{ planId: monthly.id, quantity: '3' }] });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses "now", previews and schedules the switch at the period end', async () => {
    await page.goto(server.url);
    await page.goto(`${server.origin}/#/subscriptions/${sub.id}`);
    await page.getByTestId('subscription-change').click();
    await page.getByTestId('change-wizard').waitFor();
    await pick(page, 'planId', 'Fleet yearly');
    await page.getByTestId('change-preview-button').click();
    await expect.poll(() => page.getByTestId('field-when-error').textContent()).toMatch(/takes effect at a period end/);

    await choose(page, 'when', 'period_end');
    await page.getByTestId('change-preview-button').click();
    await page.getByTestId('change-preview').waitFor();
    // 49 × 3 for a month vs 490 × 3 for a year: cheaper by the day
    expect(await page.getByTestId('change-classification').textContent()).toBe('Downgrade');
    expect(await page.getByTestId('change-period-after').textContent()).toBe('EUR 1,470.00');
    const text = await page.getByTestId('change-preview').textContent();
    expect(text).toContain('2027-02-15 – 2028-02-14');

    await page.getByTestId('change-apply').click();
    await page.getByTestId('change-wizard').waitFor({ state: 'detached' });
    const after = await api(server, 'subscriptions.get', { id: sub.id });
    expect(after).toMatchObject({ intervalMonths: 1, intervalChanges: [{ from: '2027-02-15', intervalMonths: 12 }] });
    await expect.poll(() => page.locator('body').textContent()).toMatch(/yearly from 2027-02-15/);
    expect(browser.errors, browser.errors.join('\n')).toEqual([]);
  });
});
