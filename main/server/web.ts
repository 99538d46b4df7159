/** `npm run web -- --data DIR --port N [--now ISO]`: the backend in Node, serving the renderer on 127.0.0.1. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { flagString, parseArgs, parseNow } from '../platform/args';
import { offsetClock, systemClock } from '../platform/clock';
import { defaultDataDir } from '../platform/paths';
import { createBackend } from '../services/backend';
import { startWebServer } from './http';

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(here, '..', '..');

async function main(): Promise<void> {
  const { flags } = parseArgs(process.argv.slice(2));
  const dataDir = path.resolve(flagString(flags, 'data') ?? defaultDataDir());
  const portFlag = flagString(flags, 'port');
  const port = portFlag ? Number(portFlag) : 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port: "${portFlag}" is not a port number`);
  const now = parseNow(flagString(flags, 'now'));
  const backend = await createBackend({ dataDir, clock: now ? offsetClock(now) : systemClock, mode: 'web', background: !flags['no-background'] });
  const staticDir = flagString(flags, 'static') ?? path.join(REPO_ROOT, 'dist', 'renderer');
  const web = await startWebServer({ backend, port, staticDir, token: process.env.CADENCE_TOKEN || undefined });
  process.stdout.write(`Cadence is running at ${web.url}\n`);
  const stop = async () => {
    await web.close();
    await backend.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e) => {
  process.stderr.write(`Cadence failed to start: ${(e as Error).message}\n`);
  process.exit(1);
});
