/**
 * Orders E2E: web mode with a fixed clock (2027-01-15). A ship-to location is added on the customer page, a weekly
 * delivery schedule created on the delivery calendar; one upcoming delivery is edited (quantity for this delivery,
 * a one-off item, a new date), another skipped; the release run turns the due delivery into a numbered sales order.
 */
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, type Browser, buildRenderer, type CadenceServer, fieldInput, fill, findChromium, gridRow, launchBrowser, pick, screenshot, startServer, tmpDir } from './helpers';

const chromiumPath = findChromium();
if (!chromiumPath) console.warn('[e2e] skipped: no Chromium found (set CHROMIUM_PATH, or install chromium / google-chrome)');

describe.skipIf(!chromiumPath)('orders: locations, delivery schedules, upcoming-order edits and the release run', () => {
  let dataDir: string;
  let server: CadenceServer;
  let browser: Browser;
  let page: Page;
  let customerId: string;

  beforeAll(async () => {
    await buildRenderer();
    dataDir = tmpDir('cadence-e2e-orders-');
    [server, browser] = await Promise.all([startServer(dataDir, { now: '2027-01-15T09:00:00Z' }), launchBrowser(chromiumPath!)]);
    page = browser.page;
    page.setDefaultTimeout(15_000);
    customerId = (await api(server, 'customers.create', { name: 'Café Nordlicht', email: 'order@nordlicht.example', country: 'DE', currency: 'EUR' })).id;
    const beans = await api(server, 'products.create', { sku: 'BEANS-1KG', name: 'Espresso beans 1 kg', unit: 'pack', kind: 'physical', taxCategory: 'reduced' });
    const decaf = await api(server, 'products.create', { sku: 'DECAF-1KG', name: 'Decaf beans 1 kg', unit: 'pack', kind: 'physical', taxCategory: 'reduced' });
    await api(server, 'plans.create', { productId: beans.id, code: 'BEANS', name: 'Espresso beans', interval: 'month', prices: [{ currency: 'EUR', model: { type: 'per_unit', unitPrice: '18.50' } }] });
    await api(server, 'plans.create', { productId: decaf.id, code: 'DECAF', name: 'Decaf beans', interval: 'month', prices: [{ currency: 'EUR', model: { type: 'per_unit', unitPrice: '19.50' } }] });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** Fills a field inside the location dialog (the customer form behind it has fields with the same paths). */
  const dialogFill = (path: string, value: string) => page.locator(`[data-testid="location-dialog"] [data-testid="field-${path}"] input, [data-testid="location-dialog"] [data-testid="field-${path}"] textarea:not([aria-hidden=true])`).first().fill(value);
  const expectNoErrors = () => expect(browser.errors, browser.errors.join('\n')).toEqual([]);

  it('adds a ship-to location on the customer page', async () => {
    await page.goto(server.url);
    await gridRow(page, 'customers-grid', 'Café Nordlicht').click();
    await page.getByTestId('customer-locations').waitFor();
    await page.getByTestId('location-add').click();
    await page.getByTestId('location-dialog').waitFor();
    await dialogFill('name', 'Harbour shop');
    await dialogFill('line1', 'Hafenstraße 7');
    await dialogFill('postalCode', '20457');
    await dialogFill('city', 'Hamburg');
    await dialogFill('deliveryNotes', 'Ring twice; ramp at the back');
    await page.getByTestId('location-dialog-submit').click();
    await page.getByTestId('location-dialog').waitFor({ state: 'detached' });
    const card = page.getByTestId('location-Harbour shop');
    await card.waitFor();
    expect(await card.textContent()).toContain('Hafenstraße 7, 20457 Hamburg, DE');
    expect(await card.textContent()).toContain('Default');
    expect(await page.getByTestId('customer-form').count()).toBe(1); // the dialog's submit did not save or close the customer form
    await page.keyboard.press('Escape');
    await page.getByTestId('customer-form').waitFor({ state: 'detached' });
    expectNoErrors();
  });

  it('creates a weekly delivery schedule on the delivery calendar and shows the upcoming deliveries', async () => {
    await page.getByTestId('nav-deliveries').click();
    await page.getByTestId('deliveries-empty').waitFor();
    const input = page.locator('[data-testid="deliveries-customer"] input');
    await input.fill('Nordlicht');
    await page.locator('.MuiAutocomplete-popper [role="option"]').first().click();
    await page.getByTestId('deliveries-page').waitFor();
    await page.getByTestId('schedule-new').click();
    await page.getByTestId('schedule-dialog').waitFor();
    expect(await fieldInput(page, 'anchorDate').inputValue()).toBe('2027-01-15');
    await fill(page, 'name', 'Weekly espresso');
    await pick(page, 'items.0.productId', 'Espresso');
    await fill(page, 'items.0.quantity', '10');
    await page.getByTestId('schedule-dialog-submit').click();
    await page.getByTestId('schedule-dialog').waitFor({ state: 'detached' });
    await expect.poll(() => page.getByTestId('toast-success').textContent()).toBe('Schedule created: every week on Tuesday, next delivery 2027-01-19');
    await expect.poll(() => page.getByTestId('entry-2027-01-19').getAttribute('data-status')).toBe('upcoming');
    expect(await page.getByTestId('entry-2027-01-26').getAttribute('data-status')).toBe('upcoming');
    expect(await page.getByTestId('schedule-row').textContent()).toContain('10 × Espresso beans 1 kg');
    await expect.poll(() => page.getByTestId('next-delivery').first().textContent()).toContain('10 units · EUR 197.95'); // 10 × 18.50 + 7 %
    await screenshot(page, 'e2e-deliveries.png');
    expectNoErrors();
  });

  it('edits one upcoming delivery: quantity, a one-off item and a new date', async () => {
    await page.getByTestId('entry-2027-01-26').click();
    await page.getByTestId('order-drawer').waitFor();
    await expect.poll(() => page.getByTestId('order-title').textContent()).toBe('Delivery Tue 2027-01-26');
    const line = page.getByTestId('order-line-BEANS-1KG');
    await line.getByTestId('line-qty').fill('12');
    await line.getByTestId('line-qty-save').click();
    await expect.poll(() => line.textContent()).toContain('was 10');
    expect(await page.getByTestId('order-gross').textContent()).toBe('EUR 237.54'); // 12 × 18.50 = 222.00 + 15.54

    const product = page.locator('[data-testid="order-add-product"] input');
    await product.fill('Decaf');
    await page.locator('.MuiAutocomplete-popper [role="option"]').first().click();
    await page.getByTestId('order-add-qty').fill('2');
    await page.getByTestId('order-add').click();
    await expect.poll(() => page.getByTestId('order-line-DECAF-1KG').textContent()).toContain('One-off');
    expect(await page.getByTestId('order-gross').textContent()).toBe('EUR 279.27'); // + 2 × 19.50 → 261.00 net, 18.27 VAT

    await page.getByTestId('order-move-date').fill('2027-01-27');
    await page.getByTestId('order-move').click();
    await expect.poll(() => page.getByTestId('order-drawer').textContent()).toContain('Moved');
    await screenshot(page, 'e2e-order-editor.png');
    await page.getByTestId('order-close').click();
    await page.getByTestId('order-drawer').waitFor({ state: 'detached' });
    await expect.poll(() => page.getByTestId('entry-2027-01-27').getAttribute('data-status')).toBe('upcoming');
    expect(await page.getByTestId('entry-2027-02-02').getAttribute('data-status')).toBe('upcoming');
    // the schedule itself is unchanged: later deliveries keep 10 packs
    const orders = await api(server, 'orders.list', { customerId, from: '2027-02-02', to: '2027-02-02' });
    expect(orders.items[0].units).toBe('10');
    expectNoErrors();
  });

  it('skips a delivery with a reason', async () => {
    await page.getByTestId('entry-2027-02-02').click();
    await page.getByTestId('order-skip').click();
    await page.getByTestId('confirm-reason').fill('Shop closed for renovation');
    await page.getByTestId('confirm-ok').click();
    await expect.poll(() => page.getByTestId('order-status').textContent()).toBe('Skipped');
    expect(await page.getByTestId('order-drawer').textContent()).toContain('Shop closed for renovation');
    await page.getByTestId('order-close').click();
    await page.getByTestId('order-drawer').waitFor({ state: 'detached' });
    await expect.poll(() => page.getByTestId('entry-2027-02-02').getAttribute('data-status')).toBe('skipped');
    expectNoErrors();
  });

  it('releases the due order into a numbered sales order', async () => {
    await page.getByTestId('nav-orders').click();
    await gridRow(page, 'orders-grid', '2027-01-19').waitFor();
    await expect.poll(() => page.getByTestId('orders-due').textContent()).toBe('1'); // cut-off 2027-01-14
    await page.getByTestId('orders-release-now').click();
    await expect.poll(() => page.getByTestId('toast-success').textContent()).toMatch(/^1 order released: SO-[A-Z0-9]{3}-000001 · EUR 197\.95$/);
    const row = gridRow(page, 'orders-grid', '2027-01-19');
    await expect.poll(() => row.textContent()).toContain('Released');
    expect(await row.textContent()).toMatch(/SO-[A-Z0-9]{3}-000001/);
    expect(await page.getByTestId('orders-due').textContent()).toBe('0');
    await screenshot(page, 'e2e-orders.png');
    await row.click();
    await page.getByTestId('order-drawer').waitFor();
    await expect.poll(() => page.getByTestId('order-title').textContent()).toMatch(/^SO-/);
    expect(await page.getByTestId('order-status').textContent()).toBe('Released');
    expect(await page.getByTestId('order-gross').textContent()).toBe('EUR 197.95');
    await screenshot(page, 'e2e-order-released.png');
    expect(browser.apiFailures).toEqual([]);
    expectNoErrors();
  });
});
