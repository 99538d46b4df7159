import path from 'node:path';
import fs from 'node:fs';
import os from 'node:os';
import Database from 'better-sqlite3';
import { ManualClock } from '../../main/platform/clock';
import { runBilling } from '../../main/services/billing/run';
import { createBackend } from '../../main/services/backend';
const file = process.argv[2]!;
const db = new Database(file);
db.pragma('journal_mode = WAL');
const t0 = performance.now();
runBilling(db, new ManualClock('2026-03-01T02:00:00Z'), { trigger: 'x', finalize: process.argv[3] !== 'nofin' }).then((r) => {
  const cu = process.cpuUsage(); console.log(r.processed, r.invoices_created, ((performance.now() - t0) / 1000).toFixed(2), 's wall', ((cu.user + cu.system) / 1e6).toFixed(2), 's cpu(total)');
});
