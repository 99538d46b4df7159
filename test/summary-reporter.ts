/** Prints one plain closing line `N passed, N failed, N skipped` after vitest's own report (read by CI). */
import type { Reporter } from 'vitest/reporters';

interface TaskLike { type: string; mode?: string; result?: { state?: string }; tasks?: TaskLike[] }

export default class SummaryReporter implements Reporter {
  onFinished(files: TaskLike[] = []): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    const walk = (t: TaskLike) => {
      if (t.tasks) t.tasks.forEach(walk);
      if (t.type !== 'test') return;
      const state = t.result?.state;
      if (state === 'pass') passed++;
      else if (state === 'fail') failed++;
      else if (t.mode === 'skip' || t.mode === 'todo' || state === 'skip') skipped++;
    };
    files.forEach(walk);
    const fileFailures = files.filter((f) => f.result?.state === 'fail' && !(f.tasks ?? []).length).length;
    process.stdout.write(`\n${passed} passed, ${failed + fileFailures} failed, ${skipped} skipped\n`);
  }
}
