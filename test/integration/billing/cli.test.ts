/**
 * The billing CLI (in-process): `billing run` prints a summary, `invoices list --json` the documents with lines;
 * `simulate` runs the example scenario of test/fixtures and prints every invoice and credit note.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../../main/cli/index';
import { createBackend } from '../../../main/services/backend';
import { ManualClock } from '../../../main/platform/clock';
import { simulate, type SimulationResult } from '../../../main/services/billing/simulate';

const ROOT = path.resolve(__dirname, '../../..');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

async function cli(argv: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    const code = await runCli(argv);
    return { code, out };
  } finally {
    spy.mockRestore();
  }
}

describe('billing CLI', () => {
  it('billing run --now prints a summary; invoices list --json prints the invoices with lines and totals', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cadence-billing-cli-'));
    dirs.push(dir);
    const b = await createBackend({ dataDir: dir, clock: new ManualClock('2026-01-01T00:00:00Z'), mode: 'cli' });
    await b.call('billing.updateSettings', { graceHours: 0 });
    const p = await b.call('products.create', { sku: 'CORE', name: 'Core' });
    const plan = await b.call('plans.create', { productId: p.id, code: 'SEAT-M', name: 'Seats', interval: 'month', prices: [{ currency: 'EUR', model: { type: 'per_unit', unitPrice: '10' } }] });
    for (let i = 0; i < 3; i++) {
      const c = await b.call('customers.create', { name: `C${i}`, country: 'DE', currency: 'EUR', email: `c${i}@example.com` });
      await b.call('subscriptions.create', { customerId: c.id, startDate: '2026-01-01', items: [{ planId: plan.id, quantity: String(i + 1) }] });
    }
    await b.close();
    const run = await cli(['billing', 'run', '--data', dir, '--now', '2026-02-01T06:00:00Z']);
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/^Billing run [0-9a-f-]+ completed as of 2026-02-01T06:00:00/);
    expect(run.out).toMatch(/due 3, processed 3: billed 3, skipped 0, failed 0/);
    expect(run.out).toMatch(/invoices 3 \(6 lines\), finalized 3/);
    const list = await cli(['invoices', 'list', '--data', dir, '--json']);
    const docs = JSON.parse(list.out) as { number: string; grossMinor: number; lines: { periodStart: string }[] }[];
    expect(docs.map((d) => d.grossMinor)).toEqual([2380, 4760, 7140]);
    expect(docs[0]!.lines.map((l) => l.periodStart)).toEqual(['2026-01-01', '2026-02-01']);
    const again = await cli(['billing', 'run', '--data', dir, '--now', '2026-02-01T07:00:00Z']);
    expect(again.out).toMatch(/due 0, processed 0/);
  });
});

describe('simulate', () => {
  it('runs the example scenario: proration, add-on invoiced at once, pause, contract price, reverse charge, credit note', async () => {
    const scenario = JSON.parse(fs.readFileSync(path.join(ROOT, 'test/fixtures/simulate-example.json'), 'utf8')) as unknown;
    const r: SimulationResult = await simulate(scenario);
    expect(r.runs).toBe(365);
    const byNo = (n: number, kind = 'invoice') => r.documents.filter((d) => d.kind === kind)[n - 1]!;
    const view = (d: SimulationResult['documents'][number]) => d.lines.map((l) => `${l.kind} ${l.periodStart}..${l.periodEnd} ${l.amount}`);
    // Jan 15 – 31 of a period anchored on the 1st: 17/31 × 10 × 49.00 = 268.71
    expect(view(byNo(1))).toEqual(['charge 2026-01-15..2026-01-31 268.71']);
    // January usage 42,000 calls: 10,000 free, 32,000 × 0.002 = 64.00, billed in arrears with February
    expect(view(byNo(2))).toEqual(['charge 2026-02-01..2026-02-28 490.00', 'usage 2026-01-15..2026-01-31 64.00']);
    // Dupont (FR, VAT id): annual, 14-day trial, reverse charge; 351/365 × 5 × 490.00 = 2356.03
    expect(byNo(3)).toMatchObject({ customer: 'Dupont Logistique SAS', issueDate: '2026-02-15', gross: '2356.03', taxBreakdown: [{ category: 'AE', rate: '0' }] });
    // 10 → 15 seats on Mar 11 (21/31 of March), on the next invoice
    expect(view(byNo(5))).toEqual(['proration_credit 2026-03-11..2026-03-31 -331.94', 'proration_charge 2026-03-11..2026-03-31 497.90', 'charge 2026-04-01..2026-04-30 735.00']);
    // add-on on Apr 10, invoiced at once: 21/30 × 299.00 = 209.30
    expect(byNo(6)).toMatchObject({ issueDate: '2026-04-10', net: '209.30', gross: '249.07' });
    // June paused; July on the contract price 45.00
    const issued = r.documents.filter((d) => d.subscription === 'acme-core').map((d) => d.issueDate);
    expect(issued).not.toContain('2026-06-01');
    expect(view(byNo(8))).toEqual(['charge 2026-07-01..2026-07-31 675.00', 'charge 2026-07-01..2026-07-31 299.00']);
    // Dupont canceled on Sep 30 with a prorated credit note: 124/365 × 2450.00 = 832.33
    expect(byNo(1, 'credit_note')).toMatchObject({ issueDate: '2026-09-30', gross: '832.33', precedingInvoice: byNo(3).number });
    expect(r.subscriptions.find((s) => s.ref === 'dupont-annual')).toMatchObject({ status: 'canceled', cancelAt: '2026-09-30' });
    const seqs = r.documents.filter((d) => d.kind === 'invoice').map((d) => Number(d.number!.split('-').pop()));
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
  });

  it('refuses a malformed scenario, naming the field', async () => {
    await expect(simulate({ start: '2026-01-01' })).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(/end/) });
  });
});
