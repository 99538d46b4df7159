/**
 * Build with esbuild: `tsx main/tools/build.ts [renderer|electron|all]`.
 * renderer → dist/renderer (index.html + assets), electron main → dist/main/electron.cjs, preload → dist/preload/preload.cjs.
 * esbuild (not tsc) because everything uses EntitySchema, so no decorator metadata is needed.
 */
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const out = path.join(root, 'dist');
const target = process.argv[2] ?? 'all';
const quiet = process.argv.includes('--quiet');

async function buildRenderer(): Promise<void> {
  const dir = path.join(out, 'renderer');
  fs.mkdirSync(path.join(dir, 'assets'), { recursive: true });
  await build({
    entryPoints: [path.join(root, 'renderer', 'src', 'main.tsx')],
    bundle: true,
    outfile: path.join(dir, 'assets', 'app.js'),
    format: 'esm',
    platform: 'browser',
    target: ['chrome120'],
    jsx: 'automatic',
    minify: process.env.NODE_ENV !== 'development',
    sourcemap: true,
    define: { 'process.env.NODE_ENV': JSON.stringify(process.env.NODE_ENV ?? 'production') },
    loader: { '.png': 'dataurl', '.svg': 'dataurl', '.woff2': 'file', '.woff': 'file', '.ttf': 'file' },
    logLevel: 'error',
  });
  fs.copyFileSync(path.join(root, 'renderer', 'index.html'), path.join(dir, 'index.html'));
}

async function buildElectron(): Promise<void> {
  const external = ['electron', 'better-sqlite3', 'typeorm', 'pdfkit', 'exceljs', 'reflect-metadata'];
  await build({
    entryPoints: [path.join(root, 'main', 'electron', 'main.ts')],
    bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: path.join(out, 'main', 'electron.cjs'),
    external, sourcemap: true, logLevel: 'error',
    define: { 'import.meta.url': 'importMetaUrl' }, banner: { js: "const importMetaUrl = require('url').pathToFileURL(__filename).href;" },
  });
  // The billing run's worker thread (main/services/billing/scheduler.ts looks for it beside the bundled main).
  await build({
    entryPoints: [path.join(root, 'main', 'services', 'billing', 'worker.ts')],
    bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: path.join(out, 'main', 'billing-worker.cjs'),
    external, sourcemap: true, logLevel: 'error',
    define: { 'import.meta.url': 'importMetaUrl' }, banner: { js: "const importMetaUrl = require('url').pathToFileURL(__filename).href;" },
  });
  // The sandboxed preload gets the operation names baked in, instead of bundling every zod schema.
  const { opNames } = await import('../../shared/api/index');
  const { PUSHED_EVENTS } = await import('../../shared/api/bridge');
  await build({
    entryPoints: [path.join(root, 'preload', 'index.ts')],
    bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: path.join(out, 'preload', 'preload.cjs'),
    external: ['electron'], sourcemap: true, logLevel: 'error',
    define: { __CADENCE_OP_NAMES__: JSON.stringify(opNames), __CADENCE_EVENTS__: JSON.stringify(PUSHED_EVENTS) },
  });
}

const t0 = Date.now();
if (target === 'renderer' || target === 'all') await buildRenderer();
if (target === 'electron' || target === 'all') await buildElectron();
if (!quiet) process.stderr.write(`built ${target} in ${Date.now() - t0} ms\n`);
