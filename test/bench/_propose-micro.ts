/** Profiling aid: the cost of one subscription's proposal (reads + proposeLines) on a copy of a seeded store. */
import Database from 'better-sqlite3';
import { cachePreparedStatements } from '../../main/db/statement-cache';
import { batchLookups, loadStates, propose } from '../../main/services/billing/state';
import { proposeLines } from '../../shared/domain/billing';

const db = cachePreparedStatements(new Database(process.argv[2] ?? '/tmp/prof/store100k/cadence.sqlite', { readonly: true }));
const ids = (db.prepare('SELECT id FROM subscriptions ORDER BY id LIMIT 2000').all() as { id: string }[]).map((r) => r.id);
const T = '2026-03-01';
for (let rep = 0; rep < 3; rep++) {
  let tProp = 0, tLines = 0, tLoad = 0, n = 0;
  for (let i = 0; i < ids.length; i += 200) {
    let t = performance.now();
    const states = loadStates(db, ids.slice(i, i + 200));
    const batch = batchLookups(db, states.values());
    tLoad += performance.now() - t;
    for (const s of states.values()) {
      t = performance.now();
      const p = propose(db, s, T, { batch });
      tProp += performance.now() - t;
      const input = { subscriptions: [p.snapshot], usage: [] as never[], existing: p.existing, targetDate: T };
      t = performance.now();
      proposeLines(input);
      tLines += performance.now() - t;
      n++;
    }
  }
  console.log(`load ${(tLoad * 1000 / n).toFixed(1)} µs, propose ${(tProp * 1000 / n).toFixed(1)} µs, of which proposeLines ~${(tLines * 1000 / n).toFixed(1)} µs per subscription`);
}
