import { describe, expect, it } from 'vitest';
import { IPC_INVOKE } from '../../../shared/api/bridge';
import { isTrustedSender, registerIpc, type IpcInvokeEventLike, type IpcMainLike } from '../../../main/electron/ipc';
import { createBackend } from '../../../main/services/backend';

class FakeIpcMain implements IpcMainLike {
  handlers = new Map<string, (event: IpcInvokeEventLike, ...args: unknown[]) => unknown>();
  handle(channel: string, listener: (event: IpcInvokeEventLike, ...args: unknown[]) => unknown) {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string) {
    this.handlers.delete(channel);
  }
  send(frameUrl: string | null, parent: unknown, ...args: unknown[]) {
    const h = this.handlers.get(IPC_INVOKE)!;
    return h({ senderFrame: frameUrl === null ? null : { url: frameUrl, parent } }, ...args);
  }
}

describe('Electron IPC wiring of the operation table', () => {
  it('routes operations from the trusted main frame to the backend', async () => {
    const backend = await createBackend({ dataDir: ':memory:', inMemory: true });
    const ipc = new FakeIpcMain();
    const off = registerIpc(ipc, backend, ['app://cadence']);
    const created = (await ipc.send('app://cadence/index.html', null, 'customers.create', { name: 'Kestrel AB', country: 'SE', currency: 'SEK', email: 'ap@kestrel.example', vatId: 'SE556677889901' })) as { ok: boolean; data: { number: string } };
    expect(created.ok).toBe(true);
    const list = (await ipc.send('app://cadence/index.html', null, 'customers.list', {})) as { ok: true; data: { total: number } };
    expect(list.data.total).toBe(1);
    off();
    expect(ipc.handlers.size).toBe(0);
    await backend.close();
  });

  it('refuses untrusted senders, sub-frames and unknown operations, and validates input', async () => {
    const backend = await createBackend({ dataDir: ':memory:', inMemory: true });
    const ipc = new FakeIpcMain();
    registerIpc(ipc, backend, ['app://cadence']);
    expect(await ipc.send('https://evil.example/', null, 'customers.list', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await ipc.send('app://cadence/index.html', { url: 'app://cadence/' }, 'customers.list', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await ipc.send(null, null, 'customers.list', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await ipc.send('app://cadence/index.html', null, 'fs.readFile', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_OPERATION' } });
    const bad = (await ipc.send('app://cadence/index.html', null, 'customers.create', { name: '', country: 'DE', currency: 'EUR', email: 'x' })) as { ok: false; error: { code: string; details: { fields: { path: string }[] } } };
    expect(bad.error.code).toBe('VALIDATION');
    expect(bad.error.details.fields.map((f) => f.path).sort()).toEqual(['email', 'name']);
    await backend.close();
  });

  it('isTrustedSender accepts only the listed origins', () => {
    expect(isTrustedSender({ url: 'app://cadence/x', parent: null }, ['app://cadence'])).toBe(true);
    expect(isTrustedSender({ url: 'app://other/x', parent: null }, ['app://cadence'])).toBe(false);
    expect(isTrustedSender({ url: 'not a url', parent: null }, ['app://cadence'])).toBe(false);
  });
});
