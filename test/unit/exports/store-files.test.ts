import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFile } from '../../../main/services/exports/store';

describe('export files', () => {
  it('writes into a relative --out folder (taken from the working directory) and refuses names that leave it', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cadence-out-'));
    const rel = path.relative(process.cwd(), path.join(tmp, 'out'));
    expect(path.isAbsolute(rel)).toBe(false);
    const f = writeFile({ dataDir: tmp }, 'id-1', { name: 'invoices.csv', mediaType: 'text/csv', data: 'a,b\n' }, rel);
    expect(f.path).toBe(path.join(tmp, 'out', 'invoices.csv'));
    expect(fs.readFileSync(f.path!, 'utf8')).toBe('a,b\n');
    expect(() => writeFile({ dataDir: tmp }, 'id-2', { name: '../escape.csv', mediaType: 'text/csv', data: '' }, rel)).toThrow(/not a plain file name/);
    // a folder that cannot be made is the caller's mistake, named as such
    fs.writeFileSync(path.join(tmp, 'a-file'), 'x');
    expect(() => writeFile({ dataDir: tmp }, 'id-3', { name: 'x.csv', mediaType: 'text/csv', data: '' }, path.join(tmp, 'a-file', 'sub'))).toThrow(/outDir: cannot write to .*ENOTDIR/);
    fs.rmSync(tmp, { recursive: true, force: true });
  });
});
