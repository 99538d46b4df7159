/**
 * Item discounts E2E (clock --now 2027-03-01): a subscription is created in the editor with a 20% discount, a reason
 * and an end date; the subscription page shows the discount, its scheduled end and the discounted upcoming invoice;
 * the change wizard raises it to 30% from the period end (previewed first); the billed invoice shows the discount
 * column and the reason.
 */
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, type Browser, buildRenderer, type CadenceServer, choose, fill, findChromium, launchBrowser, pick, screenshot, startServer, tmpDir } from './helpers';

const chromiumPath = findChromium();

describe.skipIf(!chromiumPath)('item discounts in the browser', () => {
  let dataDir: string;
  let server: CadenceServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    await buildRenderer();
    dataDir = tmpDir('cadence-e2e-discounts-');
    [server, browser] = await Promise.all([startServer(dataDir, { now: '2027-03-01T09:00:00Z' }), launchBrowser(chromiumPath!)]);
    page = browser.page;
    page.setDefaultTimeout(15_000);
    await api(server, 'settings.update', { companyName: 'Cadence Demo GmbH', companyCountry: 'DE' });
    await api(server, 'billing.updateSettings', { graceHours: 0 });
    await api(server, 'customers.create', {
      name: 'Nordwind Logistik GmbH', email: 'ap@nordwind.example', country: 'DE', currency: 'EUR', paymentTermsDays: 14,
      billingAddress: { line1: 'Hafenstraße 12', postalCode: '20457', city: 'Hamburg', country: 'DE' },
    });
    const product = await api(server, 'products.create', { sku: 'FLEET-SEAT', name: 'Fleet Tracker', unit: 'seat' });
    await api(server, 'plans.create', { productId: product.id, code: 'FLEET-M', name: 'Fleet monthly', interval: 'month', prices: [{ currency: 'EUR', model: { type: 'per_unit', unitPrice: '49' } }] });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const expectNoErrors = () => expect(browser.errors, browser.errors.join('\n')).toEqual([]);

  it('creates a subscription with a 20% discount until a date; the page shows it and the discounted upcoming invoice', async () => {
    await page.goto(server.url);
    await page.getByTestId('nav-subscriptions').click();
    await page.getByTestId('subscription-new').click();
    await page.getByTestId('subscription-form').waitFor();
    await pick(page, 'customerId', 'Nordwind');
    await pick(page, 'items.0.planId', 'Fleet monthly');
    await fill(page, 'items.0.quantity', '5');
    await fill(page, 'items.0.discount', '120');
    await page.getByTestId('subscription-save').click();
    await expect.poll(() => page.getByTestId('field-items.0.discount-error').textContent()).toMatch(/at most 100/);
    await fill(page, 'items.0.discount', '20');
    await page.getByTestId('item-discount-0').waitFor();
    await fill(page, 'items.0.discountReason', 'Framework agreement');
    await fill(page, 'items.0.discountUntil', '2027-06-01');
    await screenshot(page, 'e2e-discount-form.png');
    await page.getByTestId('subscription-save').click();

    await page.getByTestId('subscription-page').waitFor();
    await expect.poll(() => page.getByTestId('subscription-item-discount').textContent()).toBe('20% offFramework agreement');
    await expect.poll(() => page.getByTestId('scheduled-change').textContent()).toContain('From 2027-06-01: Fleet monthly · discount ends');
    // 5 × 49.00 = 245.00 less 20% (49.00) = 196.00 net; VAT 19% 37.24 → 233.24
    await expect.poll(() => page.getByTestId('upcoming-totals-net').textContent()).toBe('EUR 196.00');
    expect(await page.getByTestId('upcoming-totals-gross').textContent()).toBe('EUR 233.24');
    expect(await page.getByTestId('line-discount').first().textContent()).toBe('-49.00');
    expect(await page.getByTestId('subscription-upcoming').textContent()).toContain('Framework agreement');
    await screenshot(page, 'e2e-discount-subscription.png');
    expectNoErrors();
  });

  it('raises the discount to 30% from the period end in the change wizard, previewed first', async () => {
    await page.getByTestId('subscription-change').click();
    await page.getByTestId('change-wizard').waitFor();
    await choose(page, 'type', 'set_discount');
    // starts from the discount in force
    await expect.poll(() => page.locator('[data-testid="field-discount"] input').inputValue()).toBe('20');
    await fill(page, 'discount', '30');
    await choose(page, 'when', 'period_end');
    await page.getByTestId('change-preview-button').click();
    await page.getByTestId('change-preview').waitFor();
    expect(await page.getByTestId('change-classification').textContent()).toBe('Downgrade');
    expect(await page.getByTestId('change-period-after').textContent()).toBe('EUR 171.50');
    // today's run bills March at 20%; the next invoice is April's at 30%: 245.00 − 73.50 = 171.50
    const next = await page.getByTestId('change-next-invoice').textContent();
    expect(next).toContain('Next invoice · 2027-04-01');
    expect(next).toContain('-73.50');
    expect(next).not.toContain('2027-03-01 – 2027-03-31');
    await screenshot(page, 'e2e-discount-change.png');
    await page.getByTestId('change-apply').click();
    await page.getByTestId('change-wizard').waitFor({ state: 'detached' });
    await expect.poll(() => page.getByTestId('subscription-items').textContent()).toContain('From 2027-04-01: Fleet monthly · discount 30% off (Framework agreement)');
    expectNoErrors();
  });

  it('previews a fixed amount off each period instead (EUR / period), without applying it', async () => {
    await page.getByTestId('subscription-change').click();
    await page.getByTestId('change-wizard').waitFor();
    await choose(page, 'type', 'set_discount');
    await fill(page, 'discount', '40');
    await choose(page, 'discountKind', 'amount');
    await choose(page, 'when', 'period_end');
    await screenshot(page, 'e2e-discount-amount.png');
    await page.getByTestId('change-preview-button').click();
    await page.getByTestId('change-preview').waitFor();
    // 5 × 49.00 = 245.00 less 40.00 = 205.00 a period (from 196.00 today): an upgrade by price
    expect(await page.getByTestId('change-period-after').textContent()).toBe('EUR 205.00');
    expect(await page.getByTestId('change-classification').textContent()).toBe('Upgrade');
    // the reason in force is kept unless edited
    const next = await page.getByTestId('change-next-invoice').textContent();
    expect(next).toContain('Framework agreement');
    expect(next).toContain('-40.00');
    await page.getByTestId('change-cancel').click();
    await page.getByTestId('change-wizard').waitFor({ state: 'detached' });
    expectNoErrors();
  });

  it('the billed invoice shows the discount column and the reason', async () => {
    await api(server, 'billing.run', { wait: true });
    const list = await api(server, 'invoices.list', { limit: 10 });
    expect(list.items).toHaveLength(1);
    await page.goto(`${server.origin}/#/invoices/${list.items[0].id}`);
    await page.getByTestId('invoice-page').waitFor();
    await expect.poll(() => page.getByTestId('invoice-lines').textContent()).toContain('Framework agreement');
    const lines = await page.getByTestId('invoice-lines').textContent();
    expect(lines).toContain('Discount');
    expect(lines).toContain('-49.00');
    expect(await page.getByTestId('invoice-totals-gross').textContent()).toBe('EUR 233.24');
    await screenshot(page, 'e2e-discount-invoice.png');
    expectNoErrors();
  });
});
