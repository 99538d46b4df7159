/** Minimal structured logger (stderr), silent in tests unless CADENCE_LOG is set. */
type Level = 'debug' | 'info' | 'warn' | 'error';
const order: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const threshold = (): number => order[(process.env.CADENCE_LOG as Level) ?? 'info'] ?? 20;
const silent = (): boolean => !!process.env.VITEST && !process.env.CADENCE_LOG;

function emit(level: Level, msg: string, data?: Record<string, unknown>): void {
  if (silent() || order[level] < threshold()) return;
  process.stderr.write(JSON.stringify({ t: new Date().toISOString(), level, msg, ...data }) + '\n');
}

export const log = {
  debug: (m: string, d?: Record<string, unknown>) => emit('debug', m, d),
  info: (m: string, d?: Record<string, unknown>) => emit('info', m, d),
  warn: (m: string, d?: Record<string, unknown>) => emit('warn', m, d),
  error: (m: string, d?: Record<string, unknown>) => emit('error', m, d),
};
