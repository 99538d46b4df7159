/**
 * `export <what> --data DIR --out DIR [--from DATE --to DATE]`: finance exports from the command line.
 * Runs the `exports.run` operation (waiting for it) and prints every file it wrote.
 */
import { flagString } from '../../platform/args';
import type { ExportRunInput } from '../../../shared/api/ops/exports';
import type { CliCommand } from '../index';

const KINDS = ['pdf', 'ubl', 'cii', 'zip', 'csv', 'xlsx', 'journal', 'deferred', 'aging', 'statement'] as const;
type Kind = (typeof KINDS)[number];

const USAGE =
  'export <pdf|ubl|cii|zip|csv|xlsx|journal|deferred|aging|statement> --data DIR --out DIR [--from DATE] [--to DATE] [--zip] [--formats pdf,ubl,cii] [--xlsx] [--as-of DATE] [--customer ID|NUMBER] [--from-month YYYY-MM] [--to-month YYYY-MM] [--locale en|de]';

function sizeText(n: number): string {
  return n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** The exports.run input of a command line (throws on bad flags). */
export function exportInputOf(kind: string, flags: Record<string, string | true>): Omit<ExportRunInput, 'documentFormats' | 'locale' | 'wait'> & Partial<ExportRunInput> {
  if (!(KINDS as readonly string[]).includes(kind)) throw new Error(`export: what to export? one of ${KINDS.join(', ')}`);
  const k = kind as Kind;
  const out = flagString(flags, 'out');
  if (!out) throw new Error('export: --out DIR is required (the folder the files are written to)');
  const xlsx = flags.xlsx === true || flagString(flags, 'format') === 'xlsx';
  const common = {
    from: flagString(flags, 'from'),
    to: flagString(flags, 'to'),
    asOf: flagString(flags, 'as-of'),
    fromMonth: flagString(flags, 'from-month'),
    toMonth: flagString(flags, 'to-month'),
    locale: (flagString(flags, 'locale') ?? 'en') as 'en' | 'de',
    outDir: out,
    wait: true,
  };
  const formatsFlag = flagString(flags, 'formats');
  const formats = formatsFlag ? (formatsFlag.split(',').map((s) => s.trim()).filter(Boolean) as ('pdf' | 'ubl' | 'cii')[]) : undefined;
  switch (k) {
    case 'pdf':
    case 'ubl':
    case 'cii':
      return flags.zip ? { ...common, type: 'documents', format: 'zip', documentFormats: formats ?? [k] } : { ...common, type: 'documents', format: k };
    case 'zip':
      return { ...common, type: 'documents', format: 'zip', documentFormats: formats ?? ['pdf', 'ubl', 'cii'] };
    case 'csv':
    case 'xlsx':
      return { ...common, type: 'tables', format: k };
    case 'journal':
    case 'deferred':
    case 'aging':
      return { ...common, type: k, format: xlsx ? 'xlsx' : 'csv' };
    case 'statement':
      return { ...common, type: 'statement', format: 'pdf' };
  }
}

export const exportCommands: CliCommand[] = [
  {
    name: 'export',
    usage: USAGE,
    summary: 'Write finance exports: invoice documents, CSV/XLSX tables, GL journal, deferred revenue, AR aging, statements',
    async run(ctx) {
      const kind = ctx.args.positional[0];
      if (!kind) throw new Error(`usage: npm run cadence -- ${USAGE}`);
      const input = exportInputOf(kind, ctx.args.flags);
      const backend = await ctx.open();
      const customer = flagString(ctx.args.flags, 'customer');
      if (customer) {
        const row = backend.base.raw.prepare('SELECT id FROM customers WHERE id = ? OR number = ?').get(customer, customer) as { id: string } | undefined;
        if (!row) throw new Error(`export: no customer with id or number "${customer}"`);
        input.customerId = row.id;
      } else if (input.type === 'statement') {
        throw new Error('export statement: --customer ID|NUMBER is required');
      }
      const off = backend.events.on('export.progress', (p) => {
        const { done, total } = p as { done: number; total: number };
        if (total > 1) process.stderr.write(`  ${done}/${total}\r`);
      });
      try {
        const job = await backend.call('exports.run', input);
        if (job.status !== 'done') throw new Error(`export failed: ${job.error?.message ?? job.status}`);
        for (const f of job.files) ctx.out(`wrote ${f.path ?? f.name} (${sizeText(f.size)})`);
        ctx.out(`${job.summary}: ${job.files.length} file${job.files.length === 1 ? '' : 's'}`);
      } finally {
        off();
      }
    },
  },
];
