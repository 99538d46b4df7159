import { flagString } from '../../platform/args';
import type { CliCommand } from '../index';

export const syncCommands: CliCommand[] = [
  {
    name: 'sync push',
    usage: 'sync push --data DIR',
    summary: 'Push pending outbox rows to the ERP once and print a summary',
    async run(ctx) {
      const backend = await ctx.open();
      const s = await backend.call('sync.pushNow', {});
      ctx.out(`sync push: sent ${s.sent}, retrying ${s.failed}, parked ${s.parked} (parked in total ${s.parkedTotal}), pending ${s.pending} (blocked ${s.blocked}), skipped ${s.skipped}; ERP ${s.online ? 'online' : 'offline'}; ${Math.round(s.durationMs)} ms`);
      return s.parked > 0 ? 3 : 0;
    },
  },
  {
    name: 'sync status',
    usage: 'sync status --data DIR [--json]',
    summary: 'Connector, online state, pending count, last success, parked rows with their errors',
    async run(ctx) {
      const backend = await ctx.open();
      const s = await backend.call('sync.status', {});
      if (ctx.args.flags.json) return void ctx.out(JSON.stringify(s, null, 2));
      ctx.out(`connector: ${s.connector}${s.configured ? '' : ' (not configured)'}${s.workOffline ? ' — working offline' : ''}`);
      ctx.out(`pending ${s.pending} (blocked ${s.blocked}), done ${s.done}, skipped ${s.skipped}, parked ${s.parked.length}`);
      ctx.out(`last success: ${s.lastSuccessAt ?? 'never'}${s.lastError ? `; last error: ${s.lastError}` : ''}`);
      for (const p of s.parked) ctx.out(`  parked ${p.id} ${p.eventType} ${p.aggregateType}/${p.aggregateId} #${p.aggregateSeq}: ${p.erpMessage ?? ''}`);
    },
  },
  {
    name: 'sync configure',
    usage: 'sync configure --data DIR --connector tryton|rest|none [--url U --database D --username N] [--secret-env VAR]',
    summary: 'Configure the ERP connector (the secret is read from an environment variable and stored encrypted)',
    async run(ctx) {
      const backend = await ctx.open();
      const f = ctx.args.flags;
      const connector = (flagString(f, 'connector') ?? 'none') as 'tryton' | 'rest' | 'none';
      const secretEnv = flagString(f, 'secret-env');
      const secret = secretEnv ? process.env[secretEnv] : undefined;
      if (secretEnv && !secret) throw new Error(`--secret-env: environment variable ${secretEnv} is empty`);
      const url = flagString(f, 'url') ?? '';
      const cfg = await backend.call('sync.configure', {
        connector,
        ...(connector === 'tryton' ? { tryton: { url, database: flagString(f, 'database') ?? '', username: flagString(f, 'username') ?? 'admin' } } : {}),
        ...(connector === 'rest' ? { rest: { baseUrl: url, auth: (flagString(f, 'auth') ?? (secret ? 'bearer' : 'none')) as 'none' | 'bearer' | 'basic' | 'hmac', username: flagString(f, 'username'), entities: {} } } : {}),
        ...(secret ? { secret } : {}),
      });
      ctx.out(`sync connector: ${cfg.connector}${cfg.hasSecret ? ' (secret stored encrypted)' : ''}`);
    },
  },
  {
    name: 'sync pull',
    usage: 'sync pull --data DIR [--entities product,customer] [--json]',
    summary: 'Pull changed products and customers from the ERP (field ownership, conflicts) and print a summary',
    async run(ctx) {
      const backend = await ctx.open();
      const list = flagString(ctx.args.flags, 'entities');
      const entities = list ? list.split(',').map((e) => e.trim()).filter(Boolean) as ('product' | 'customer')[] : undefined;
      const s = await backend.call('sync.pull', entities ? { entities } : {});
      if (ctx.args.flags.json) return void ctx.out(JSON.stringify(s, null, 2));
      for (const e of s.entities) {
        ctx.out(`${e.entity}s: fetched ${e.fetched}, unchanged ${e.unchanged}, created ${e.created}, updated ${e.updated}, kept ${e.kept}, conflicts ${e.conflicts}, skipped ${e.skipped}${e.since ? ` (changes since ${e.since})` : ''}`);
      }
      ctx.out(`sync pull: fetched ${s.fetched}, unchanged ${s.unchanged}, created ${s.created}, updated ${s.updated}, conflicts ${s.conflicts}, skipped ${s.skipped}; ${Math.round(s.durationMs)} ms`);
      for (const e of s.errors) ctx.out(`  skipped ${e.entity} ${e.externalId}: ${e.message}`);
      if (s.conflicts > 0) ctx.out('  open conflicts are listed by sync.conflicts and resolved with sync.resolveConflict');
      return s.skipped > 0 ? 3 : 0;
    },
  },
];
