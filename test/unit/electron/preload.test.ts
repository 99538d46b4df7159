/** The built preload exposes exactly window.cadence = {invoke, on, platform}, checks names, and wraps callbacks. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { IPC_EVENT, IPC_INVOKE } from '../../../shared/api/bridge';

type Listener = (e: unknown, name: string, payload: unknown) => void;
let exposed: Record<string, unknown> = {};
const calls: unknown[][] = [];
const listeners = new Set<Listener>();

beforeAll(() => {
  execFileSync('npx', ['tsx', 'main/tools/build.ts', 'electron', '--quiet'], { stdio: 'inherit' });
  const code = fs.readFileSync('dist/preload/preload.cjs', 'utf8');
  const electron = {
    contextBridge: { exposeInMainWorld: (name: string, api: unknown) => { exposed[name] = api; } },
    ipcRenderer: {
      invoke: async (...args: unknown[]) => { calls.push(args); return { ok: true, data: 'pong' }; },
      on: (ch: string, l: Listener) => { expect(ch).toBe(IPC_EVENT); listeners.add(l); },
      removeListener: (_ch: string, l: Listener) => { listeners.delete(l); },
    },
  };
  exposed = {};
  const module = { exports: {} };
  new Function('require', 'module', 'exports', 'process', code)((m: string) => {
    if (m === 'electron') return electron;
    throw new Error(`preload may not require ${m}`);
  }, module, module.exports, { platform: 'linux' });
});

describe('preload bridge', () => {
  it('exposes only window.cadence with invoke, on and platform', () => {
    expect(Object.keys(exposed)).toEqual(['cadence']);
    expect(Object.keys(exposed.cadence as object).sort()).toEqual(['invoke', 'on', 'platform']);
  });
  it('forwards known operations over the one channel and refuses unknown ones without IPC', async () => {
    const bridge = exposed.cadence as { invoke(op: string, i: unknown): Promise<{ ok: boolean; error?: { code: string } }> };
    expect(await bridge.invoke('customers.list', {})).toEqual({ ok: true, data: 'pong' });
    expect(calls).toEqual([[IPC_INVOKE, 'customers.list', {}]]);
    const r = await bridge.invoke('shell.openExternal', {});
    expect(r.ok).toBe(false);
    expect(r.error!.code).toBe('UNKNOWN_OPERATION');
    expect(calls).toHaveLength(1);
  });
  it('wraps event callbacks (no IPC event object leaks) and returns an unsubscribe', () => {
    const bridge = exposed.cadence as { on(e: string, cb: (p: unknown) => void): () => void };
    const got: unknown[][] = [];
    const off = bridge.on('billing.progress', (...args) => got.push(args));
    expect(listeners.size).toBe(1);
    for (const l of listeners) { l({ sender: 'secret' }, 'billing.progress', { done: 1 }); l({}, 'sync.status', {}); }
    expect(got).toEqual([[{ done: 1 }]]);
    off();
    expect(listeners.size).toBe(0);
    expect(() => bridge.on('not.an.event', () => undefined)).toThrow(/Unknown event/);
  });
});
