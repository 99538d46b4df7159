/**
 * Dunning E2E: a store billed on 2026-01-01 (through the API, server clock --now), then opened again 36 days after
 * the due date with reminder levels 7/14/30 configured in the billing settings form: the billing run issues the
 * highest level reached, the invoice page shows it in "Payment reminders" with its letter (PDF download), the list
 * shows the level, the run history counts it.
 */
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, type Browser, buildRenderer, type CadenceServer, fill, findChromium, gridRow, launchBrowser, startServer, tmpDir } from './helpers';

const chromiumPath = findChromium();

describe.skipIf(!chromiumPath)('dunning: reminder levels in the browser', () => {
  let dataDir: string;
  let server: CadenceServer | undefined;
  let browser: Browser;
  let page: Page;
  let invoice: { id: string; number: string };

  beforeAll(async () => {
    await buildRenderer();
    dataDir = tmpDir('cadence-e2e-dunning-');
    // January 1st: a customer with 14 days' payment terms, an annual subscription, billed and finalized at once
    const first = await startServer(dataDir, { now: '2026-01-01T09:00:00Z' });
    try {
      await api(first, 'billing.updateSettings', { graceHours: 0 });
      const c = await api(first, 'customers.create', {
        name: 'Nordwind Logistik GmbH', email: 'ap@nordwind.example', country: 'DE', currency: 'EUR', paymentTermsDays: 14,
        billingAddress: { line1: 'Hafenstraße 12', postalCode: '20457', city: 'Hamburg', country: 'DE' },
      });
      const product = await api(first, 'products.create', { sku: 'FLEET', name: 'Fleet Tracker', unit: 'seat' });
      const plan = await api(first, 'plans.create', { productId: product.id, code: 'FLEET-Y', name: 'Fleet yearly', interval: 'year', prices: [{ currency: 'EUR', model: { type: 'flat', price: '1200' } }] });
      await api(first, 'subscriptions.create', { customerId: c.id, items: [{ planId: plan.id }] });
      await api(first, 'billing.run', { wait: true, mode: 'inline' });
      const list = await api(first, 'invoices.list', { limit: 5 });
      invoice = list.items[0];
    } finally {
      await first.stop();
    }
    // February 20th: 36 days after the due date (January 15th)
    [server, browser] = await Promise.all([startServer(dataDir, { now: '2026-02-20T09:00:00Z' }), launchBrowser(chromiumPath!)]);
    page = browser.page;
    page.setDefaultTimeout(15_000);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('configures levels, runs billing and shows the reminder on the invoice and in the lists', async () => {
    await page.goto(server!.url);
    await page.goto(`${server!.origin}/#/billing`);
    await fill(page, 'dunningLevels', '7, 14; 30x');
    await page.getByTestId('billing-settings-save').click();
    await expect.poll(() => page.getByTestId('field-dunningLevels-error').textContent()).toMatch(/separated by commas/);
    await fill(page, 'dunningLevels', '7, 14, 30');
    await page.getByTestId('billing-settings-save').click();
    await expect.poll(async () => (await api(server!, 'billing.settings', {})).dunningLevels).toEqual([7, 14, 30]);

    await page.getByTestId('billing-run-now').click();
    await expect.poll(() => gridRow(page, 'billing-runs-grid', '2026-02-20').textContent(), { timeout: 30_000 }).toMatch(/Completed/);
    const run = (await api(server!, 'billing.status', {})).lastRun;
    expect(run).toMatchObject({ status: 'completed', reminders: 1 });

    await page.goto(`${server!.origin}/#/invoices/${invoice.id}`);
    const card = page.getByTestId('invoice-reminders');
    await expect.poll(() => card.textContent()).toMatch(/Reminder 3/);
    expect(await card.textContent()).toMatch(/2026-02-20/);
    expect(await card.textContent()).toMatch(/36/);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('invoice-reminder-pdf').first().click()]);
    expect(download.suggestedFilename()).toBe(`reminder-3-${invoice.number}.pdf`);
    const file = await download.path();
    expect(fs.readFileSync(file!).subarray(0, 5).toString()).toBe('%PDF-');

    await page.goto(`${server!.origin}/#/invoices`);
    await expect.poll(() => page.locator('.ag-row', { hasText: invoice.number }).first().textContent()).toMatch(/Level 3/);
    expect(browser.errors, browser.errors.join('\n')).toEqual([]);
  });
});
