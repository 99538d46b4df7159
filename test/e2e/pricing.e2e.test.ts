/**
 * Contract pricing E2E (web mode + Chromium): open a customer, add a contract price and watch the live preview follow
 * every keystroke (discount, fixed price, an invalid price flagged under its cell), save it, change it as a new
 * version, see the history and an overlap refused under the date field; then the bundle builder and the price
 * calculator. Screenshot: test-results/e2e-pricing.png. Fails on any console or page error.
 */
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, buildRenderer, type CadenceServer, findChromium, launchBrowser, screenshot, startServer, tmpDir } from './helpers';

const chromiumPath = findChromium();
if (!chromiumPath) console.warn('[e2e] skipped: no Chromium found (set CHROMIUM_PATH, or install chromium / google-chrome)');

describe.skipIf(!chromiumPath)('pricing: contract prices, bundles and the price calculator in the browser', () => {
  let dataDir: string;
  let server: CadenceServer;
  let browser: Browser;
  let page: Page;
  const ids: Record<string, string> = {};

  const api = async (op: string, body: unknown) => {
    const r = await fetch(`${server.origin}/api/${op}`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${server.token}` }, body: JSON.stringify(body) });
    const json = await r.json();
    if (!r.ok) throw new Error(`${op}: ${JSON.stringify(json)}`);
    return json;
  };
  /** The <input> of an MUI TextField by its data-testid. */
  const input = (testId: string) => page.locator(`[data-testid="${testId}"] input:not([type=hidden]), [data-testid="${testId}"] textarea:not([aria-hidden=true])`).first();
  const text = (testId: string) => page.getByTestId(testId).textContent();
  const select = async (testId: string, option: string) => {
    await page.locator(`[data-testid="${testId}"] [role="combobox"]`).click();
    await page.getByTestId(option).click();
    await page.locator('.MuiMenu-root').waitFor({ state: 'detached' });
  };

  beforeAll(async () => {
    await buildRenderer();
    dataDir = tmpDir('cadence-e2e-pricing-');
    [server, browser] = await Promise.all([startServer(dataDir, { now: '2026-03-01T09:00:00Z' }), launchBrowser(chromiumPath!, { width: 1440, height: 960 })]);
    page = browser.page;
    page.setDefaultTimeout(10_000);
    const product = await api('products.create', { sku: 'CAD-SEAT', name: 'Cadence seat', unit: 'seat' });
    ids.seats = (await api('plans.create', {
      productId: product.id, code: 'SEATS-M', name: 'Seats monthly',
      prices: [{ currency: 'EUR', model: { type: 'per_unit', unitPrice: '12' } }, { currency: 'USD', model: { type: 'per_unit', unitPrice: '14' } }],
    })).id;
    ids.api = (await api('plans.create', {
      productId: product.id, code: 'API-M', name: 'API calls',
      prices: [{ currency: 'EUR', model: { type: 'graduated', tiers: [{ upTo: '1000', unitPrice: '0.02', flatFee: '10' }, { upTo: '10000', unitPrice: '0.015' }, { upTo: null, unitPrice: '0.01' }] } }],
    })).id;
    ids.support = (await api('plans.create', { productId: product.id, code: 'SUPPORT', name: 'Premium support', prices: [{ currency: 'EUR', model: { type: 'flat', price: '49' } }] })).id;
    ids.acme = (await api('customers.create', { name: 'Acme Industrial GmbH', country: 'DE', currency: 'EUR', email: 'billing@acme.example', vatId: 'DE123456789' })).id;
    await api('pricebooks.create', { customerId: ids.acme, planId: ids.api, currency: 'EUR', kind: 'discount', discountPercent: '10', validFrom: '2026-01-01', note: 'Framework agreement 2026' });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const expectNoErrors = () => expect(browser.errors, browser.errors.join('\n')).toEqual([]);

  it('shows the customer\'s contract prices in the customer editor', async () => {
    await page.goto(server.url);
    await page.getByTestId('page-title').waitFor();
    await page.goto(`${server.origin}/#/customers/${ids.acme}`);
    await page.getByTestId('customer-form').waitFor();
    const panel = page.getByTestId('contract-pricing');
    await panel.scrollIntoViewIfNeeded();
    await page.getByTestId('contract-price-row-API-M-EUR').waitFor();
    expect(await page.getByTestId('contract-price-row-API-M-EUR').textContent()).toContain('10 % off catalog');
    expectNoErrors();
  });

  it('adds a contract price: the live preview follows the discount, the fixed price and flags a negative price under its cell', async () => {
    await page.getByTestId('contract-price-add').click();
    await page.getByTestId('contract-price-dialog').waitFor();
    await select('cp-plan', 'cp-plan-option-SEATS-M');
    expect(await text('cp-catalog')).toBe('EUR 12.00 / unit');
    // a 10 % discount (the default) on 10 seats: 10 × 12 × 0.9
    await expect.poll(() => text('cp-preview-total')).toBe('EUR 108.00');
    expect(await text('cp-preview-compare')).toContain('EUR 120.00');
    await input('cp-discount').fill('15');
    await expect.poll(() => text('cp-preview-total')).toBe('EUR 102.00');
    await input('cp-discount').fill('150');
    await expect.poll(() => text('cp-discount-error')).toBe('Must be between 0 and 100');
    // a negotiated per-unit price instead
    await page.getByTestId('cp-kind-fixed_price').click();
    await input('cp-model-unitPrice').fill('-1');
    await expect.poll(() => text('cp-model-unitPrice-error')).toBe('Must not be negative');
    await page.getByTestId('cp-preview-incomplete').waitFor();
    await input('cp-model-unitPrice').fill('9.5');
    await expect.poll(() => text('cp-preview-total')).toBe('EUR 95.00');
    await input('cp-preview-quantity').fill('20');
    await expect.poll(() => text('cp-preview-total')).toBe('EUR 190.00');
    expect(await text('cp-preview-compare')).toMatch(/EUR 240\.00\s*saves 50\.00 \(−20\.8 %\)/);
    await input('cp-validFrom').fill('2026-01-01');
    await page.getByTestId('cp-save').click();
    await page.getByTestId('contract-price-dialog').waitFor({ state: 'detached' });
    const row = page.getByTestId('contract-price-row-SEATS-M-EUR');
    await row.waitFor();
    expect(await row.textContent()).toMatch(/Fixed price.*EUR 9\.50 \/ unit.*2026-01-01.*v1/);
    expectNoErrors();
  });

  it('changes it as a new price from a date (a version), with the preview beside the editor', async () => {
    await page.getByTestId('contract-price-row-SEATS-M-EUR').getByTestId('contract-price-edit').click();
    await page.getByTestId('contract-price-dialog').waitFor();
    await page.getByTestId('cp-kind-discount').click();
    await input('cp-discount').fill('12.5');
    await page.getByTestId('cp-apply-from_date').click();
    await input('cp-effectiveFrom').fill('2026-07-01');
    await input('cp-preview-quantity').fill('25');
    // 25 × 12 × 0.875
    await expect.poll(() => text('cp-preview-total')).toBe('EUR 262.50');
    await expect.poll(() => text('cp-preview-subtitle')).toBe('12.5 % off catalog → EUR 10.50 / unit');
    await page.getByTestId('cp-preview-chart').locator('canvas').waitFor();
    const toastClose = page.getByTestId('toast-success').locator('button');
    if (await toastClose.count()) await toastClose.click();
    await page.waitForTimeout(400); // let the chart and the toast settle
    const file = await screenshot(page, 'e2e-pricing.png');
    expect(fs.statSync(file).size).toBeGreaterThan(30_000);
    await page.getByTestId('cp-save').click();
    await page.getByTestId('contract-price-dialog').waitFor({ state: 'detached' });
    // the table reloads after the save: wait for both versions
    const seatRows = async () => (await page.getByTestId('contract-pricing-table').locator('tbody tr').allTextContents()).filter((r) => r.includes('Seats monthly'));
    await expect.poll(async () => (await seatRows()).length).toBe(2);
    const rows = await seatRows();
    // version 1 stays in force until the new price starts (the server's clock says 2026-03-01)
    expect(rows).toEqual([
      expect.stringMatching(/EUR 9\.50 \/ unit.*2026-01-01.*until 2026-07-01.*In force.*v1/),
      expect.stringMatching(/12\.5 % off catalog.*2026-07-01.*open-ended.*Scheduled.*v2/),
    ]);
    const toastClose2 = page.getByTestId('toast-success').locator('button');
    if (await toastClose2.count()) await toastClose2.click();
    await page.getByTestId('contract-pricing').scrollIntoViewIfNeeded();
    await page.waitForTimeout(300);
    await screenshot(page, 'e2e-pricing-panel.png');
    expectNoErrors();
  });

  it('shows the version history, and refuses an overlapping contract price under the date field', async () => {
    await page.getByTestId('contract-price-row-SEATS-M-EUR').first().getByTestId('contract-price-history').click();
    await page.getByTestId('contract-price-history-dialog').waitFor();
    expect(await page.getByTestId('history-row-2').textContent()).toMatch(/v2New price from date12\.5 % off catalog2026-07-01 → open-ended/);
    expect(await page.getByTestId('history-row-1').textContent()).toMatch(/v1CreatedEUR 9\.50 \/ unit2026-01-01 → 2026-07-01/);
    await page.getByTestId('contract-price-history-close').click();
    await page.getByTestId('contract-price-history-dialog').waitFor({ state: 'detached' });

    await page.getByTestId('contract-price-add').click();
    await page.getByTestId('contract-price-dialog').waitFor();
    await select('cp-plan', 'cp-plan-option-SEATS-M');
    await input('cp-validFrom').fill('2026-03-01');
    await page.getByTestId('cp-save').click();
    await expect.poll(() => text('cp-validFrom-error')).toMatch(/^Overlaps the contract price for SEATS-M in EUR valid 2026-01-01 → 2026-07-01 \(version 1\)/);
    expect(browser.apiFailures.some((f) => /status of 409/.test(f))).toBe(true);
    await page.getByTestId('cp-cancel').click();
    await page.getByTestId('contract-price-dialog').waitFor({ state: 'detached' });
    expectNoErrors();
  });

  it('builds a bundle with a live quote of its parts', async () => {
    await page.goto(`${server.origin}/#/catalog/bundles`);
    expect(await page.locator('nav a').allTextContents()).toContain('Bundles');
    await page.getByTestId('bundle-new').click();
    await page.getByTestId('bundle-form').waitFor();
    await page.locator('[data-testid="field-code"] input').fill('STARTER');
    await page.locator('[data-testid="field-name"] input').fill('Starter suite');
    const pickPlan = async (i: number, text: string) => {
      const el = page.locator(`[data-testid="field-items.${i}.planId"] input`);
      await el.fill(text);
      await page.locator('.MuiAutocomplete-popper [role="option"]').first().waitFor();
      await el.press('Enter');
    };
    await pickPlan(0, 'Seats');
    await page.locator('[data-testid="field-items.0.quantity"] input').fill('5');
    await page.getByTestId('bundle-part-add').click();
    await pickPlan(1, 'Premium');
    await page.locator('[data-testid="field-discountPercent"] input').fill('20');
    // (5 × 12 + 49) × 0.8
    await expect.poll(() => text('bundle-quote-total')).toBe('EUR 87.20');
    expect(await text('bundle-quote-label')).toBe('Starter suite (parts: Seats monthly, Premium support)');
    await page.getByTestId('bundle-save').click();
    await page.getByTestId('bundle-form').waitFor({ state: 'detached' });
    expect(await page.getByTestId('bundles-grid').locator('.ag-row').first().textContent()).toMatch(/STARTER.*Starter suite.*Seats monthly × 5, Premium support.*20 % off the parts/);
    expectNoErrors();
  });

  it('the price calculator validates tiers as they are typed', async () => {
    await page.goto(`${server.origin}/#/catalog/price-calculator`);
    await page.getByTestId('price-calculator').waitFor();
    await expect.poll(() => text('calc-preview-total')).toBe('EUR 56.00'); // the example at 12 units
    await input('calc-model-tiers.1.upTo').fill('4');
    await expect.poll(() => text('calc-model-tiers.1.upTo-error')).toBe('Must be above 5 (tier 1): bounds ascend');
    await input('calc-model-tiers.2.upTo').fill('100');
    await expect.poll(() => text('calc-model-tiers.2.upTo-error')).toBe('The last tier must be open: leave "up to" empty');
    await input('calc-model-tiers.1.upTo').fill('50');
    await input('calc-model-tiers.2.upTo').fill('');
    await expect.poll(() => text('calc-preview-total')).toBe('EUR 56.00');
    expectNoErrors();
  });
});
