import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  EncryptedFileSecretStore, MissingSecretKeyError, SafeStorageSecretStore, SECRETS_FILE, webSecretStore, type SafeStorageLike,
} from '../../../main/sync/credentials';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'cadence-secrets-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('web mode: AES-256-GCM file keyed by CADENCE_SECRET_KEY', () => {
  it('round-trips values without plain text on disk, with mode 0600', async () => {
    const s = webSecretStore(dir, { CADENCE_SECRET_KEY: 'correct horse battery staple' });
    await s.set('tryton.password', 'S3cret-Pa55!');
    await s.set('rest.token', 'tok_live_abcdef');
    expect(await s.get('tryton.password')).toBe('S3cret-Pa55!');
    expect(await s.keys()).toEqual(['rest.token', 'tryton.password']);
    const file = path.join(dir, SECRETS_FILE);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('S3cret');
    expect(text).not.toContain('tok_live');
    expect(text).not.toContain('tryton.password');
    expect(JSON.parse(text)).toMatchObject({ version: 1, kind: 'aes-256-gcm', kdf: { name: 'scrypt', N: 32768 } });
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    // a second process with the same key reads it
    const again = new EncryptedFileSecretStore({ file, secret: 'correct horse battery staple' });
    expect(await again.get('rest.token')).toBe('tok_live_abcdef');
    await again.delete('rest.token');
    expect(await s.get('rest.token')).toBeNull();
    expect(await s.get('nope')).toBeNull();
  });

  it('names the variable when it is missing, and refuses a wrong key or a tampered file', async () => {
    expect(() => webSecretStore(dir, {})).toThrow(MissingSecretKeyError);
    expect(() => webSecretStore(dir, { CADENCE_SECRET_KEY: '  ' })).toThrow(/CADENCE_SECRET_KEY is not set/);
    const s = webSecretStore(dir, { CADENCE_SECRET_KEY: 'k1' });
    await s.set('a', 'b');
    await expect(webSecretStore(dir, { CADENCE_SECRET_KEY: 'k2' }).get('a')).rejects.toThrow(/CADENCE_SECRET_KEY is not the key this file was written with/);
    const file = path.join(dir, SECRETS_FILE);
    const f = JSON.parse(readFileSync(file, 'utf8'));
    const data = Buffer.from(f.data, 'base64');
    data[0] = data[0]! ^ 1;
    writeFileSync(file, JSON.stringify({ ...f, data: data.toString('base64') }));
    await expect(webSecretStore(dir, { CADENCE_SECRET_KEY: 'k1' }).get('a')).rejects.toThrow(/or the file was altered/);
  });

  it('concurrent sets are all kept', async () => {
    const s = webSecretStore(dir, { CADENCE_SECRET_KEY: 'k' });
    await Promise.all(Array.from({ length: 10 }, (_, i) => s.set(`k${i}`, `v${i}`)));
    expect(await s.keys()).toHaveLength(10);
    expect(await s.get('k7')).toBe('v7');
  });
});

describe('desktop: Electron safeStorage (injected)', () => {
  /** A stand-in for electron.safeStorage: XOR "encryption", availability switchable. */
  const fake = (available = true, backend = 'gnome_libsecret'): SafeStorageLike & { calls: number } => ({
    calls: 0,
    isEncryptionAvailable: () => available,
    getSelectedStorageBackend: () => backend,
    encryptString(p: string) {
      this.calls++;
      return Buffer.from(Buffer.from(`enc:${p}`).map((b) => b ^ 0x5a));
    },
    decryptString(b: Buffer) {
      const s = Buffer.from(b.map((x) => x ^ 0x5a)).toString();
      if (!s.startsWith('enc:')) throw new Error('bad blob');
      return s.slice(4);
    },
  });

  it('stores only safeStorage ciphertext', async () => {
    const ss = fake();
    const file = path.join(dir, 'secrets.safe.json');
    const s = new SafeStorageSecretStore({ safeStorage: ss, file });
    await s.set('rest.hmac', 'whsec_123');
    expect(await s.get('rest.hmac')).toBe('whsec_123');
    expect(ss.calls).toBe(1);
    expect(readFileSync(file, 'utf8')).not.toContain('whsec_123');
    expect(await s.keys()).toEqual(['rest.hmac']);
    await s.delete('rest.hmac');
    expect(await s.get('rest.hmac')).toBeNull();
  });

  it('refuses to store when the OS offers no encryption or only the basic_text backend', async () => {
    const file = path.join(dir, 'secrets.safe.json');
    await expect(new SafeStorageSecretStore({ safeStorage: fake(false), file }).set('a', 'b')).rejects.toThrow(/will not store credentials in plain text/);
    await expect(new SafeStorageSecretStore({ safeStorage: fake(true, 'basic_text'), file }).set('a', 'b')).rejects.toThrow(/no keyring/);
    await new SafeStorageSecretStore({ safeStorage: fake(true, 'basic_text'), file, allowBasicTextBackend: true }).set('a', 'b');
    expect(await new SafeStorageSecretStore({ safeStorage: fake(), file }).get('a')).toBe('b');
  });
});
