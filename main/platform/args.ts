/** Tiny flag parser shared by web mode and the CLI: --name value, --flag, positional words. */
export interface ParsedArgs {
  positional: string[];
  flags: Record<string, string | true>;
}

export function parseArgs(argv: string[]): ParsedArgs {
  const positional: string[] = [];
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') continue;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) flags[a.slice(2, eq)] = a.slice(eq + 1);
      else if (i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) flags[a.slice(2)] = argv[++i]!;
      else flags[a.slice(2)] = true;
    } else positional.push(a);
  }
  return { positional, flags };
}

export function flagString(flags: ParsedArgs['flags'], name: string): string | undefined {
  const v = flags[name];
  return typeof v === 'string' ? v : undefined;
}

/** Parses --now as an ISO date or date-time; a bare date means midnight UTC. */
export function parseNow(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(d.getTime())) throw new Error(`--now: "${value}" is not an ISO date or date-time`);
  // Date rolls impossible days forward (2026-02-30 → 2 March): the calendar date given must be the one parsed
  const day = /^(\d{4}-\d{2}-\d{2})/.exec(value)?.[1];
  if (day && !/T.*[+-]\d{2}(:?\d{2})?$/.test(value) && d.toISOString().slice(0, 10) !== day) throw new Error(`--now: "${value}" is not a calendar date`);
  return d;
}
