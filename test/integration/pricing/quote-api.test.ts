/**
 * pricing.quote over HTTP (web mode) and the quote CLI: the issue's example answer, the 422 cases with their field
 * paths, and the CLI printing exactly what the API answers.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../main/platform/clock';
import { startWebServer, type WebServer } from '../../../main/server/http';
import { type Backend, createBackend } from '../../../main/services/backend';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

let dir: string;
let backend: Backend;
let web: WebServer;
const post = (op: string, body: unknown) =>
  fetch(`http://127.0.0.1:${web.port}/api/${op}`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${web.token}` }, body: JSON.stringify(body) });

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cadence-quote-'));
  backend = await createBackend({ dataDir: dir, clock: new ManualClock('2026-03-01T09:00:00Z') });
  web = await startWebServer({ backend, staticDir: path.join(dir, 'no-renderer') });
});
afterAll(async () => {
  await web.close();
  await backend.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs `npx tsx main/cli/index.ts quote` with `stdin`; resolves its exit code and stdout. */
function cliQuote(stdin: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['tsx', 'main/cli/index.ts', 'quote'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

const EXAMPLE_REQUEST = { currency: 'USD', quantity: '12', model: { type: 'graduated', tiers: [{ upTo: '5', unitPrice: '5', flatFee: '10' }, { upTo: null, unitPrice: '3' }] } };
const EXAMPLE_ANSWER = {
  currency: 'USD', amount: '56.00', amountMinor: 5600, preciseAmount: '56',
  lines: [
    { description: 'Tier 1 (0-5)', quantity: '5', unitPrice: '5', flatFee: '10', amount: '35' },
    { description: 'Tier 2 (above 5)', quantity: '7', unitPrice: '3', amount: '21' },
  ],
};

const tiers = (...ts: { upTo: string | null; unitPrice: string }[]) => ({ currency: 'EUR', quantity: '10', model: { type: 'graduated', tiers: ts } });

/** The 422 cases of the issue: request → the field path (and message) the error names. */
const INVALID: [string, unknown, string, RegExp][] = [
  ['unordered tiers', tiers({ upTo: '10', unitPrice: '5' }, { upTo: '5', unitPrice: '4' }, { upTo: null, unitPrice: '3' }), 'model.tiers.1.upTo', /must be greater than the upTo of tiers\.0 \(10\)/],
  ['overlapping tiers (equal bounds)', tiers({ upTo: '5', unitPrice: '5' }, { upTo: '5', unitPrice: '4' }, { upTo: null, unitPrice: '3' }), 'model.tiers.1.upTo', /ascend strictly and do not overlap/],
  ['last tier not open', tiers({ upTo: '5', unitPrice: '5' }, { upTo: '100', unitPrice: '3' }), 'model.tiers.1.upTo', /the last tier must be open/],
  ['negative price', tiers({ upTo: '5', unitPrice: '-5' }, { upTo: null, unitPrice: '3' }), 'model.tiers.0.unitPrice', /must not be negative/],
  ['missing quantity', { currency: 'EUR', model: { type: 'per_unit', unitPrice: '2' } }, 'quantity', /is required for a per_unit model/],
];

describe('POST /api/pricing.quote', () => {
  it('answers the example of the issue exactly (extra fields allowed)', async () => {
    const r = await post('pricing.quote', EXAMPLE_REQUEST);
    expect(r.status).toBe(200);
    const body = await r.json();
    expect(body).toMatchObject(EXAMPLE_ANSWER);
    expect(body.lines).toStrictEqual(EXAMPLE_ANSWER.lines);
    expect(body.effectiveUnitPrice).toBe('4.6666666667');
  });

  for (const [name, request, field, message] of INVALID) {
    it(`422 for ${name}, naming ${field}`, async () => {
      const r = await post('pricing.quote', request);
      expect(r.status).toBe(422);
      const body = await r.json();
      expect(body.error.code).toBe('VALIDATION');
      const issue = body.error.details.fields.find((f: { path: string }) => f.path === field);
      expect(issue, JSON.stringify(body.error.details.fields)).toBeDefined();
      expect(issue.message).toMatch(message);
    });
  }

  it('pricing.curve gives the chart points (amount and effective unit price per quantity)', async () => {
    const r = await post('pricing.curve', { currency: 'USD', model: EXAMPLE_REQUEST.model, quantities: ['0', '5', '12'] });
    expect(await r.json()).toStrictEqual({
      currency: 'USD',
      points: [
        { quantity: '0', amount: '10.00', preciseAmount: '10', effectiveUnitPrice: null },
        { quantity: '5', amount: '35.00', preciseAmount: '35', effectiveUnitPrice: '7' },
        { quantity: '12', amount: '56.00', preciseAmount: '56', effectiveUnitPrice: '4.6666666667' },
      ],
    });
  });
});

describe('npm run cadence -- quote < request.json', () => {
  it('prints exactly the JSON the web API answers, with no data folder', async () => {
    const [cli, http] = await Promise.all([cliQuote(JSON.stringify(EXAMPLE_REQUEST)), post('pricing.quote', EXAMPLE_REQUEST).then((r) => r.text())]);
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout.trim()).toBe(http);
    expect(JSON.parse(cli.stdout)).toMatchObject(EXAMPLE_ANSWER);
  }, 60_000);

  it('a validation error prints {"error":{…}} (the API\'s error body) and exits 1', async () => {
    const request = INVALID[2]![1];
    const [cli, http] = await Promise.all([cliQuote(JSON.stringify(request)), post('pricing.quote', request).then((r) => r.text())]);
    expect(cli.code).toBe(1);
    expect(cli.stdout.trim()).toBe(http);
    expect(JSON.parse(cli.stdout).error.details.fields[0].path).toBe('model.tiers.1.upTo');
    const garbage = await cliQuote('{nope');
    expect(garbage.code).toBe(1);
    expect(JSON.parse(garbage.stdout).error).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/^Malformed JSON body/) });
  }, 60_000);
});
