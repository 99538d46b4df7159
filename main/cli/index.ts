/**
 * Headless CLI over the same services: `npm run cadence -- <command> [--data DIR] [--now ISO] …`.
 * Commands are registered in cli/commands/*.ts.
 */
import path from 'node:path';
import { flagString, parseArgs, parseNow, type ParsedArgs } from '../platform/args';
import { type Clock, offsetClock, systemClock } from '../platform/clock';
import { defaultDataDir } from '../platform/paths';
import { type Backend, createBackend } from '../services/backend';
import { COMMANDS } from './commands/index';

export interface CliContext {
  args: ParsedArgs;
  /** Opens the backend on --data (or the default data folder). */
  open(): Promise<Backend>;
  out(text: string): void;
  clock: Clock;
  dataDir: string;
}

export interface CliCommand {
  /** e.g. "seed", "billing run", "sync push" */
  name: string;
  usage: string;
  summary: string;
  run(ctx: CliContext): Promise<number | void>;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
export { readStdin };

function help(): string {
  const lines = ['Usage: npm run cadence -- <command> [options]', '', 'Commands:'];
  for (const c of COMMANDS) lines.push(`  ${c.usage.padEnd(58)} ${c.summary}`);
  lines.push('', 'Common options: --data DIR (default: the desktop app data folder), --now ISO (pretend the time is …)');
  return lines.join('\n');
}

export async function runCli(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if (args.positional.length === 0 || args.flags.help) {
    process.stdout.write(help() + '\n');
    return args.positional.length === 0 && !args.flags.help ? 1 : 0;
  }
  // Longest matching command name ("billing run" before "billing").
  const words = args.positional;
  const cmd = [...COMMANDS]
    .sort((a, b) => b.name.split(' ').length - a.name.split(' ').length)
    .find((c) => c.name.split(' ').every((w, i) => words[i] === w));
  if (!cmd) {
    process.stderr.write(`Unknown command: ${words.join(' ')}\n\n${help()}\n`);
    return 2;
  }
  const rest: ParsedArgs = { flags: args.flags, positional: words.slice(cmd.name.split(' ').length) };
  const now = parseNow(flagString(args.flags, 'now'));
  const clock = now ? offsetClock(now) : systemClock;
  const dataDir = path.resolve(flagString(args.flags, 'data') ?? defaultDataDir());
  let backend: Backend | undefined;
  const ctx: CliContext = {
    args: rest,
    clock,
    dataDir,
    open: async () => (backend ??= await createBackend({ dataDir, clock, mode: 'cli' })),
    out: (t) => process.stdout.write(t.endsWith('\n') ? t : t + '\n'),
  };
  try {
    const code = await cmd.run(ctx);
    return typeof code === 'number' ? code : 0;
  } finally {
    await backend?.close();
  }
}

const invokedDirectly = process.argv[1] && /cli[\\/]index\.(ts|js|cjs|mjs)$/.test(process.argv[1]);
if (invokedDirectly) {
  runCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      const err = e as { message?: string; details?: unknown };
      process.stderr.write(`Error: ${err.message ?? String(e)}\n`);
      if (err.details) process.stderr.write(JSON.stringify(err.details, null, 2) + '\n');
      process.exit(1);
    },
  );
}
