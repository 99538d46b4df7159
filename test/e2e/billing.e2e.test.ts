/**
 * Billing E2E: web mode with a fixed clock (--now 2027-01-15T09:00:00Z). A customer and two plans are seeded through
 * the API; a subscription is created in the UI (upcoming invoice shown), billing is run from the UI with its
 * progress, the draft invoice is finalized (number, total), a payment is recorded, and the change wizard shows the
 * proration lines of an upgrade before it is applied.
 */
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, type Browser, buildRenderer, type CadenceServer, choose, fieldInput, fill, findChromium, gridRow, launchBrowser, pick, screenshot, startServer, tmpDir } from './helpers';

const chromiumPath = findChromium();
if (!chromiumPath) console.warn('[e2e] skipped: no Chromium found (set CHROMIUM_PATH, or install chromium / google-chrome)');

describe.skipIf(!chromiumPath)('billing: subscriptions, billing runs and invoices in the browser', () => {
  let dataDir: string;
  let server: CadenceServer;
  let browser: Browser;
  let page: Page;
  let customer: { id: string; number: string };

  beforeAll(async () => {
    await buildRenderer();
    dataDir = tmpDir('cadence-e2e-billing-');
    [server, browser] = await Promise.all([startServer(dataDir, { now: '2027-01-15T09:00:00Z' }), launchBrowser(chromiumPath!)]);
    page = browser.page;
    page.setDefaultTimeout(15_000);
    customer = await api(server, 'customers.create', {
      name: 'Nordwind Logistik GmbH', email: 'ap@nordwind.example', country: 'DE', currency: 'EUR', vatId: 'DE811907980',
      billingAddress: { line1: 'Hafenstraße 12', postalCode: '20457', city: 'Hamburg', country: 'DE' }, paymentTermsDays: 14,
    });
    const product = await api(server, 'products.create', { sku: 'FLEET-SEAT', name: 'Fleet Tracker', unit: 'seat' });
    await api(server, 'plans.create', { productId: product.id, code: 'FLEET-PRO-M', name: 'Fleet Pro monthly', interval: 'month', prices: [{ currency: 'EUR', model: { type: 'per_unit', unitPrice: '49' } }] });
    await api(server, 'plans.create', { productId: product.id, code: 'FLEET-ENT-M', name: 'Fleet Enterprise monthly', interval: 'month', prices: [{ currency: 'EUR', model: { type: 'per_unit', unitPrice: '99' } }] });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const expectNoErrors = () => expect(browser.errors, browser.errors.join('\n')).toEqual([]);

  it('creates a subscription in the UI and shows its upcoming invoice', async () => {
    await page.goto(server.url);
    await page.getByTestId('nav-subscriptions').click();
    await page.getByTestId('subscriptions-empty').waitFor();
    await page.getByTestId('subscription-new').click();
    await page.getByTestId('subscription-form').waitFor();
    await pick(page, 'customerId', 'Nordwind');
    await pick(page, 'items.0.planId', 'Fleet Pro');
    await fill(page, 'items.0.quantity', '3');
    await choose(page, 'termMonths', '12');
    await fill(page, 'renewalUpliftPct', '5');
    await fill(page, 'poNumber', 'PO-4711');
    await screenshot(page, 'e2e-subscription-form.png');
    await page.getByTestId('subscription-save').click();

    await page.getByTestId('subscription-page').waitFor();
    await expect.poll(() => page.getByTestId('subscription-title').textContent()).toBe('Fleet Pro monthly × 3');
    expect(await page.getByTestId('subscription-status').textContent()).toBe('Active');
    expect(await page.getByTestId('subscription-start-value').textContent()).toBe('2027-01-15');
    expect(await page.getByTestId('subscription-period-value').textContent()).toBe('2027-01-15 – 2027-02-14');
    expect(await page.getByTestId('subscription-next-billing-value').textContent()).toBe('2027-01-15');
    // 3 × 49.00 = 147.00 net, 19 % VAT 27.93 → 174.93
    await expect.poll(() => page.getByTestId('upcoming-totals-gross').textContent()).toBe('EUR 174.93');
    expect(await page.getByTestId('upcoming-totals-net').textContent()).toBe('EUR 147.00');
    expect(await page.getByTestId('subscription-upcoming').textContent()).toContain('2027-01-15 – 2027-02-14');
    await expect.poll(() => page.getByTestId('subscription-timeline').textContent()).toContain('Created');
    await screenshot(page, 'e2e-subscription.png');

    const list = await api(server, 'subscriptions.list', { customerId: customer.id });
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({ poNumber: 'PO-4711', term: { months: 12, renewalUpliftPct: '5', currentEnd: '2028-01-15' } });
    expectNoErrors();
  });

  it('lists it with filters on the subscriptions page and on the customer', async () => {
    await page.getByTestId('nav-subscriptions').click();
    const row = gridRow(page, 'subscriptions-grid', 'Nordwind Logistik GmbH');
    await row.waitFor();
    const text = await row.textContent();
    expect(text).toContain('Fleet Pro monthly × 3');
    expect(text).toContain('Active');
    expect(text).toContain('2028-01-15'); // renewal
    await screenshot(page, 'e2e-subscriptions.png');
    await page.getByTestId('subscriptions-status-paused').click();
    await expect.poll(() => gridRow(page, 'subscriptions-grid', 'Nordwind').count()).toBe(0);
    await page.getByTestId('subscriptions-status-current').click();
    await gridRow(page, 'subscriptions-grid', 'Nordwind').waitFor();

    await page.getByTestId('nav-customers').click();
    await gridRow(page, 'customers-grid', 'Nordwind').click();
    await page.getByTestId('customer-subscriptions').waitFor();
    await expect.poll(() => page.getByTestId('customer-subscriptions').textContent()).toContain('Fleet Pro monthly × 3');
    await page.getByTestId('customer-billing').scrollIntoViewIfNeeded();
    await screenshot(page, 'e2e-customer-billing.png');
    await page.keyboard.press('Escape');
    await page.getByTestId('customer-form').waitFor({ state: 'detached' });
    expectNoErrors();
  });

  it('runs billing from the UI with progress, and finalizes the draft invoice (number and total)', async () => {
    await page.getByTestId('nav-billing').click();
    await expect.poll(() => page.getByTestId('billing-due-value').textContent()).toBe('1');
    await page.getByTestId('billing-run-now').click();
    await expect.poll(() => page.getByTestId('toast-success').textContent()).toBe('Billing run completed: 1 billed, 1 invoice created, 0 finalized');
    const run = gridRow(page, 'billing-runs-grid', '2027-01-15');
    await run.waitFor();
    expect(await run.textContent()).toContain('Completed');
    await expect.poll(() => page.getByTestId('billing-drafts-value').textContent()).toBe('1');
    await screenshot(page, 'e2e-billing.png');
    await run.click();
    await page.getByTestId('run-log').waitFor();
    await expect.poll(() => gridRow(page, 'run-log-grid', 'Nordwind').textContent()).toContain('EUR 147.00');
    await screenshot(page, 'e2e-run-log.png');
    await page.getByTestId('run-log-close').click();

    await page.getByTestId('nav-invoices').click();
    const row = gridRow(page, 'invoices-grid', 'Nordwind');
    await row.waitFor();
    expect(await row.textContent()).toContain('Draft');
    expect(await row.textContent()).toContain('174.93');
    await screenshot(page, 'e2e-invoices.png');
    await row.click();
    await page.getByTestId('invoice-page').waitFor();
    expect(await page.getByTestId('invoice-number').textContent()).toBe('Draft invoice');
    await page.getByTestId('invoice-finalize').click();
    await page.getByTestId('confirm-ok').click();
    await expect.poll(() => page.getByTestId('invoice-number').textContent()).toMatch(/^INV-[A-Z0-9]{3}-2027-000001$/);
    expect(await page.getByTestId('invoice-status').textContent()).toBe('Open');
    expect(await page.getByTestId('invoice-total-value').textContent()).toBe('EUR 174.93');
    expect(await page.getByTestId('invoice-issue-date-value').textContent()).toBe('2027-01-15');
    expect(await page.getByTestId('invoice-due-date-value').textContent()).toBe('2027-01-29'); // 14 days
    const lines = await page.getByTestId('invoice-lines').textContent();
    expect(lines).toContain('Fleet Pro monthly');
    expect(lines).toContain('2027-01-15 – 2027-02-14');
    expect(lines).toContain('VAT 19% on 147.00');
    expect(await page.getByTestId('invoice-totals-gross').textContent()).toBe('EUR 174.93');
    expect(await page.getByTestId('invoice-page').textContent()).toContain('VAT ID DE811907980');
    await screenshot(page, 'e2e-invoice.png');
    expectNoErrors();
  });

  it('records a partial payment, then the rest', async () => {
    await page.getByTestId('invoice-record-payment').click();
    await page.getByTestId('payment-dialog').waitFor();
    expect(await fieldInput(page, 'amount').inputValue()).toBe('174.93');
    await fill(page, 'amount', '100');
    await fill(page, 'reference', 'BANK-001');
    await page.getByTestId('payment-dialog-submit').click();
    await page.getByTestId('payment-dialog').waitFor({ state: 'detached' });
    await expect.poll(() => page.getByTestId('invoice-status').textContent()).toBe('Partly paid');
    expect(await page.getByTestId('invoice-amount-due-value').textContent()).toBe('EUR 74.93');
    await page.getByTestId('invoice-record-payment').click();
    expect(await fieldInput(page, 'amount').inputValue()).toBe('74.93');
    await page.getByTestId('payment-dialog-submit').click();
    await expect.poll(() => page.getByTestId('invoice-status').textContent()).toBe('Paid');
    expect(await page.getByTestId('invoice-payments').textContent()).toContain('BANK-001');
    expectNoErrors();
  });

  it('previews the proration of an upgrade in the change wizard before applying it', async () => {
    const subs = await api(server, 'subscriptions.list', { customerId: customer.id });
    await page.goto(`${server.origin}/#/subscriptions/${subs.items[0].id}`);
    await page.getByTestId('subscription-change').click();
    await page.getByTestId('change-wizard').waitFor();
    await pick(page, 'planId', 'Enterprise');
    await page.getByTestId('change-preview-button').click();
    await page.getByTestId('change-preview').waitFor();
    expect(await page.getByTestId('change-classification').textContent()).toBe('Upgrade');
    expect(await page.getByTestId('change-period-after').textContent()).toBe('EUR 297.00'); // 3 × 99
    const lines = page.locator('[data-testid="change-preview-lines"] [data-testid="line-row"]');
    await expect.poll(() => lines.count()).toBeGreaterThan(0);
    const text = await page.getByTestId('change-preview-lines').textContent();
    expect(text).toContain('Fleet Enterprise monthly');
    expect(text).toContain('2027-01-15 – 2027-02-14');
    const preview = await api(server, 'subscriptions.previewChange', { subscriptionId: subs.items[0].id, actions: [{ type: 'change_plan', itemId: subs.items[0].items[0].id, planId: (await api(server, 'plans.list', { search: 'ENT' })).items[0].id }] });
    const net = preview.changeLines.reduce((s: number, l: { amountMinor: number }) => s + l.amountMinor, 0);
    expect(net).toBe(15000); // (99 − 49) × 3 for the whole first period
    expect(text).toContain('150.00');
    await screenshot(page, 'e2e-change.png');

    await page.getByTestId('change-apply').click();
    await page.getByTestId('change-wizard').waitFor({ state: 'detached' });
    await expect.poll(() => page.getByTestId('subscription-title').textContent()).toBe('Fleet Enterprise monthly × 3');
    expectNoErrors();
  });

  it('pauses and resumes billing, and schedules a cancellation at the term end', async () => {
    await page.getByTestId('subscription-pause').click();
    await page.getByTestId('pause-dialog').waitFor();
    expect(await fieldInput(page, 'from').inputValue()).toBe('2027-01-15'); // the server's today, not the browser's
    await fill(page, 'from', '2027-02-15');
    await fill(page, 'until', '2027-03-15');
    await page.getByTestId('pause-dialog-submit').click();
    await page.getByTestId('pause-dialog').waitFor({ state: 'detached' });
    await expect.poll(() => page.getByTestId('subscription-items').textContent()).toContain('Paused 2027-02-15 – 2027-03-14');

    await page.getByTestId('subscription-cancel').click();
    await page.getByTestId('cancel-dialog').waitFor();
    await fill(page, 'reason', 'Moving to an in-house system');
    await page.getByTestId('cancel-dialog-submit').click();
    await page.getByTestId('cancel-dialog').waitFor({ state: 'detached' });
    await expect.poll(() => page.getByTestId('subscription-page').textContent()).toContain('Ends 2028-01-15');
    await page.getByTestId('subscription-reactivate').click();
    await page.getByTestId('confirm-ok').click();
    await expect.poll(() => page.getByTestId('subscription-cancel').count()).toBe(1);
    await screenshot(page, 'e2e-subscription-after.png');
    expect(browser.apiFailures).toEqual([]);
    expectNoErrors();
  });
});
