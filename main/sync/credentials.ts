/**
 * Connector credentials (API tokens, ERP passwords, HMAC secrets) are never stored in plain text.
 *
 * - Desktop: `SafeStorageSecretStore` encrypts each value with Electron's safeStorage (OS keychain / DPAPI /
 *   libsecret), injected here so this module does not import electron.
 * - Web mode: `EncryptedFileSecretStore` keeps one AES-256-GCM encrypted file in the data folder; the key is
 *   derived (scrypt, random salt per file) from the environment variable CADENCE_SECRET_KEY.
 */
import { createCipheriv, createDecipheriv, randomBytes, scrypt as scryptCb, type ScryptOptions } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

export interface SecretStore {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
  keys(): Promise<string[]>;
}

export class SecretStoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretStoreError';
  }
}

export const SECRET_KEY_ENV = 'CADENCE_SECRET_KEY';
export const SECRETS_FILE = 'secrets.enc.json';

export class MissingSecretKeyError extends SecretStoreError {
  constructor(file: string) {
    super(
      `${SECRET_KEY_ENV} is not set. Web mode keeps connector credentials encrypted (AES-256-GCM) in ${file} with a key ` +
        `derived from the environment variable ${SECRET_KEY_ENV}. Set ${SECRET_KEY_ENV} to a long random string ` +
        `(e.g. the output of "openssl rand -base64 32") and keep it outside the data folder.`,
    );
    this.name = 'MissingSecretKeyError';
  }
}

async function writeFileAtomic(file: string, text: string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await fs.writeFile(tmp, text, { mode: 0o600 });
  await fs.rename(tmp, file);
}

async function readJson<T>(file: string): Promise<T | null> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new SecretStoreError(`${file} is not a Cadence secrets file (invalid JSON)`);
  }
}

/** Serialises read-modify-write cycles of one store. */
class Mutex {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.tail.then(fn, fn);
    this.tail = p.catch(() => undefined);
    return p;
  }
}

// ---------------------------------------------------------------- Electron safeStorage
/** The part of Electron's `safeStorage` used here (pass `electron.safeStorage`). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only: 'basic_text' means no keyring is available (the "encryption" uses a hard-coded key). */
  getSelectedStorageBackend?(): string;
}

interface SafeFile { version: 1; kind: 'electron-safe-storage'; entries: Record<string, string> }

export class SafeStorageSecretStore implements SecretStore {
  private readonly mutex = new Mutex();
  constructor(private readonly opts: { safeStorage: SafeStorageLike; file: string; allowBasicTextBackend?: boolean }) {}

  private check(): void {
    const ss = this.opts.safeStorage;
    if (!ss.isEncryptionAvailable()) {
      throw new SecretStoreError('the operating system offers no encryption to Electron (safeStorage); Cadence will not store credentials in plain text');
    }
    if (!this.opts.allowBasicTextBackend && ss.getSelectedStorageBackend?.() === 'basic_text') {
      throw new SecretStoreError('no keyring (gnome-keyring / kwallet) is available, so safeStorage would use a fixed key; unlock or install a keyring to store credentials');
    }
  }

  private async load(): Promise<SafeFile> {
    const f = await readJson<SafeFile>(this.opts.file);
    if (!f) return { version: 1, kind: 'electron-safe-storage', entries: {} };
    if (f.kind !== 'electron-safe-storage' || !f.entries) throw new SecretStoreError(`${this.opts.file} is not a safeStorage secrets file`);
    return f;
  }

  async get(key: string): Promise<string | null> {
    const enc = (await this.load()).entries[key];
    if (enc === undefined) return null;
    this.check();
    try {
      return this.opts.safeStorage.decryptString(Buffer.from(enc, 'base64'));
    } catch (e) {
      throw new SecretStoreError(`cannot decrypt credential "${key}" (was it written by another user or machine?): ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  set(key: string, value: string): Promise<void> {
    return this.mutex.run(async () => {
      this.check();
      const f = await this.load();
      f.entries[key] = this.opts.safeStorage.encryptString(value).toString('base64');
      await writeFileAtomic(this.opts.file, JSON.stringify(f, null, 2));
    });
  }

  delete(key: string): Promise<void> {
    return this.mutex.run(async () => {
      const f = await this.load();
      if (!(key in f.entries)) return;
      delete f.entries[key];
      await writeFileAtomic(this.opts.file, JSON.stringify(f, null, 2));
    });
  }

  async keys(): Promise<string[]> {
    return Object.keys((await this.load()).entries).sort();
  }
}

// ---------------------------------------------------------------- web mode: AES-256-GCM file
interface EncFile {
  version: 1;
  kind: 'aes-256-gcm';
  kdf: { name: 'scrypt'; salt: string; N: number; r: number; p: number };
  iv: string;
  tag: string;
  data: string;
}

const AAD = Buffer.from('cadence-secrets:v1');
const KDF = { N: 2 ** 15, r: 8, p: 1 };

function scrypt(password: string, salt: Buffer, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scryptCb(password, salt, 32, opts, (err, key) => (err ? reject(err) : resolve(key))));
}

export class EncryptedFileSecretStore implements SecretStore {
  private readonly mutex = new Mutex();
  private readonly keyCache = new Map<string, Buffer>();

  constructor(private readonly opts: { file: string; secret: string }) {
    if (!opts.secret) throw new MissingSecretKeyError(opts.file);
  }

  get file(): string {
    return this.opts.file;
  }

  private async key(salt: Buffer, kdf: { N: number; r: number; p: number }): Promise<Buffer> {
    const id = `${salt.toString('base64')}:${kdf.N}:${kdf.r}:${kdf.p}`;
    let k = this.keyCache.get(id);
    if (!k) {
      k = await scrypt(this.opts.secret, salt, { N: kdf.N, r: kdf.r, p: kdf.p, maxmem: 256 * kdf.N * kdf.r + 1024 * 1024 });
      this.keyCache.set(id, k);
    }
    return k;
  }

  private async load(): Promise<{ entries: Record<string, string>; salt: Buffer | null }> {
    const f = await readJson<EncFile>(this.opts.file);
    if (!f) return { entries: {}, salt: null };
    if (f.kind !== 'aes-256-gcm' || f.kdf?.name !== 'scrypt') throw new SecretStoreError(`${this.opts.file} is not a Cadence encrypted secrets file`);
    const salt = Buffer.from(f.kdf.salt, 'base64');
    const key = await this.key(salt, f.kdf);
    try {
      const d = createDecipheriv('aes-256-gcm', key, Buffer.from(f.iv, 'base64'));
      d.setAAD(AAD);
      d.setAuthTag(Buffer.from(f.tag, 'base64'));
      const plain = Buffer.concat([d.update(Buffer.from(f.data, 'base64')), d.final()]).toString('utf8');
      return { entries: JSON.parse(plain) as Record<string, string>, salt };
    } catch {
      throw new SecretStoreError(`cannot decrypt ${this.opts.file}: ${SECRET_KEY_ENV} is not the key this file was written with (or the file was altered)`);
    }
  }

  private async save(entries: Record<string, string>, salt: Buffer | null): Promise<void> {
    const s = salt ?? randomBytes(16);
    const key = await this.key(s, KDF);
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', key, iv);
    c.setAAD(AAD);
    const data = Buffer.concat([c.update(JSON.stringify(entries), 'utf8'), c.final()]);
    const f: EncFile = {
      version: 1, kind: 'aes-256-gcm', kdf: { name: 'scrypt', salt: s.toString('base64'), ...KDF },
      iv: iv.toString('base64'), tag: c.getAuthTag().toString('base64'), data: data.toString('base64'),
    };
    await writeFileAtomic(this.opts.file, JSON.stringify(f, null, 2));
  }

  async get(key: string): Promise<string | null> {
    return (await this.load()).entries[key] ?? null;
  }

  set(key: string, value: string): Promise<void> {
    return this.mutex.run(async () => {
      const { entries, salt } = await this.load();
      entries[key] = value;
      await this.save(entries, salt);
    });
  }

  delete(key: string): Promise<void> {
    return this.mutex.run(async () => {
      const { entries, salt } = await this.load();
      if (!(key in entries)) return;
      delete entries[key];
      await this.save(entries, salt);
    });
  }

  async keys(): Promise<string[]> {
    return Object.keys((await this.load()).entries).sort();
  }
}

/** Web mode's store: `<dataDir>/secrets.enc.json`, key from CADENCE_SECRET_KEY (throws MissingSecretKeyError naming it). */
export function webSecretStore(dataDir: string, env: Record<string, string | undefined> = process.env): EncryptedFileSecretStore {
  const file = path.join(dataDir, SECRETS_FILE);
  const secret = env[SECRET_KEY_ENV];
  if (!secret || !secret.trim()) throw new MissingSecretKeyError(file);
  return new EncryptedFileSecretStore({ file, secret });
}
