/**
 * Exports E2E: web mode with a fixed clock; a finalized invoice billed through the API. The invoice's PDF and UBL are
 * downloaded from the invoice page (the PDF's text checked with pdftotext when available), a ZIP of the period's
 * documents from the Exports page with its progress, and the AR aging and deferred revenue reports show their totals.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Download, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, type Browser, buildRenderer, type CadenceServer, choose, findChromium, gridRow, launchBrowser, screenshot, startServer, tmpDir } from './helpers';

const chromiumPath = findChromium();
if (!chromiumPath) console.warn('[e2e] skipped: no Chromium found (set CHROMIUM_PATH, or install chromium / google-chrome)');

const pdftotext = ['/usr/bin/pdftotext', '/usr/local/bin/pdftotext'].find((p) => fs.existsSync(p)) ?? null;

describe.skipIf(!chromiumPath)('exports: invoice PDF / UBL, period exports and finance reports in the browser', () => {
  let dataDir: string;
  let downloads: string;
  let server: CadenceServer;
  let browser: Browser;
  let page: Page;
  let invoice: { id: string; number: string; grossMinor: number };

  beforeAll(async () => {
    await buildRenderer();
    dataDir = tmpDir('cadence-e2e-exports-');
    downloads = tmpDir('cadence-e2e-downloads-');
    [server, browser] = await Promise.all([startServer(dataDir, { now: '2027-01-15T09:00:00Z' }), launchBrowser(chromiumPath!)]);
    page = browser.page;
    page.setDefaultTimeout(15_000);
    await api(server, 'billing.updateSettings', { graceHours: 0 });
    const customer = await api(server, 'customers.create', {
      name: 'Helios Solar AG', email: 'billing@helios.example', country: 'DE', currency: 'EUR', vatId: 'DE811907980',
      billingAddress: { line1: 'Sonnenallee 5', postalCode: '12045', city: 'Berlin', country: 'DE' }, paymentTermsDays: 30,
    });
    const product = await api(server, 'products.create', { sku: 'MONITOR', name: 'Plant Monitoring', unit: 'license' });
    const plan = await api(server, 'plans.create', { productId: product.id, code: 'MON-Y', name: 'Monitoring yearly', interval: 'year', prices: [{ currency: 'EUR', model: { type: 'per_unit', unitPrice: '1200' } }] });
    await api(server, 'subscriptions.create', { customerId: customer.id, items: [{ planId: plan.id, quantity: '2' }], startDate: '2026-11-01', poNumber: 'PO-HEL-9' });
    const run = await api(server, 'billing.run', { wait: true });
    expect(run.run).toMatchObject({ status: 'completed', invoicesCreated: 1, finalized: 1 });
    const list = await api(server, 'invoices.list', { customerId: customer.id });
    invoice = list.items[0];
    expect(invoice.number).toMatch(/^INV-/);
    expect(invoice.grossMinor).toBe(285600); // 2 × 1200.00 + 19 %
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    for (const d of [dataDir, downloads]) if (d) fs.rmSync(d, { recursive: true, force: true });
  });

  const expectNoErrors = () => expect(browser.errors, browser.errors.join('\n')).toEqual([]);
  const save = async (d: Download): Promise<string> => {
    const file = path.join(downloads, d.suggestedFilename());
    await d.saveAs(file);
    return file;
  };

  it('downloads the invoice PDF from the invoice page, with the number, customer and total in its text', async () => {
    await page.goto(server.url);
    await page.getByTestId('nav-invoices').click();
    await gridRow(page, 'invoices-grid', invoice.number).click();
    await page.getByTestId('invoice-page').waitFor();
    expect(await page.getByTestId('invoice-number').textContent()).toBe(invoice.number);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('invoice-pdf').click()]);
    const file = await save(download);
    expect(path.basename(file)).toMatch(/\.pdf$/);
    const bytes = fs.readFileSync(file);
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(bytes.length).toBeGreaterThan(2000);
    if (pdftotext) {
      const { stdout } = await promisify(execFile)(pdftotext, ['-layout', file, '-']);
      expect(stdout).toContain(invoice.number);
      expect(stdout).toContain('Helios Solar AG');
      expect(stdout).toContain('2,856.00');
      expect(stdout).toContain('PO-HEL-9');
    } else console.warn('[e2e] pdftotext not found: checked the PDF header and size only');
    await page.getByTestId('toast-success').waitFor();
    await screenshot(page, 'e2e-invoice-pdf.png');
    expectNoErrors();
  });

  it('downloads the UBL e-invoice', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('invoice-ubl').click()]);
    const xml = fs.readFileSync(await save(download), 'utf8');
    expect(xml).toContain('<Invoice');
    expect(xml).toContain(`<cbc:ID>${invoice.number}</cbc:ID>`);
    expect(xml).toContain('2856.00');
    expectNoErrors();
  });

  it('exports the period documents as a ZIP with progress and downloads it', async () => {
    await page.getByTestId('nav-exports').click();
    await page.getByTestId('export-form').waitFor();
    await page.getByTestId('export-preset-this-year').click();
    await choose(page, 'format', 'zip');
    await page.getByTestId('export-run').click();
    await expect.poll(() => page.getByTestId('export-status').textContent(), { timeout: 30_000 }).toBe('Ready');
    expect(await page.getByTestId('export-job').textContent()).toContain('1 invoice');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-download').first().click()]);
    const zip = fs.readFileSync(await save(download));
    expect(zip.subarray(0, 2).toString('latin1')).toBe('PK');
    expect(zip.toString('latin1')).toContain('.pdf');
    await expect.poll(() => page.getByTestId('exports-recent').textContent()).toContain('ZIP');
    await screenshot(page, 'e2e-exports.png');
    expectNoErrors();
  });

  it('shows the AR aging with a totals row, the deferred revenue at month end and the MRR', async () => {
    await page.getByTestId('nav-reports').click();
    const row = gridRow(page, 'aging-grid', 'Helios Solar AG');
    await row.waitFor();
    expect(await row.textContent()).toContain('2,856.00');
    await expect.poll(() => page.locator('[data-testid="aging-grid"] .ag-row-pinned').first().textContent()).toContain('Total EUR');
    expect(await page.locator('[data-testid="aging-grid"] .ag-row-pinned').first().textContent()).toContain('2,856.00');
    await screenshot(page, 'e2e-aging.png');

    await page.getByTestId('reports-tab-deferred').click();
    await gridRow(page, 'deferred-customers-grid', 'Helios Solar AG').waitFor();
    const report = await api(server, 'reports.deferredRevenue', { month: '2027-01' });
    const deferred = report.byCustomer[0].deferredMinor as number;
    expect(deferred).toBeGreaterThan(0);
    expect(deferred).toBeLessThan(240000);
    const shown = (deferred / 100).toLocaleString('en', { minimumFractionDigits: 2 });
    expect(await gridRow(page, 'deferred-customers-grid', 'Helios Solar AG').textContent()).toContain(shown);
    expect(await page.getByTestId('deferred-balance').textContent()).toBe(`Deferred at 2027-01-31: EUR ${shown}`);
    await page.getByTestId('deferred-chart').waitFor();
    await screenshot(page, 'e2e-deferred.png');

    // MRR: the figure shown is the report's (an annual plan counts a twelfth of its price each month)
    await page.getByTestId('reports-tab-mrr').click();
    await page.getByTestId('mrr-chart').waitFor();
    const text = (await page.getByTestId('mrr-current').first().textContent())!;
    const month = /MRR at the end of (\d{4}-\d{2})/.exec(text)![1]!;
    const mrr = await api(server, 'reports.mrr', { fromMonth: month, toMonth: month, currency: 'EUR' });
    const end = mrr.months[0].endMinor as number;
    expect(end).toBeGreaterThan(0);
    const fmt = (minor: number) => (minor / 100).toLocaleString('en', { minimumFractionDigits: 2 });
    expect(text).toBe(`MRR at the end of ${month}: EUR ${fmt(end)} (ARR EUR ${fmt(end * 12)})`);
    expect(await gridRow(page, 'mrr-grid', month).textContent()).toContain(fmt(end));
    await screenshot(page, 'e2e-mrr.png');
    expectNoErrors();
  });
});
