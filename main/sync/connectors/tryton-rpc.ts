/**
 * A small Tryton (6.x) JSON-RPC client: login → session, one request at a time (Tryton on SQLite must not see
 * concurrent requests: no row locks → duplicate invoice numbers), Decimal/date JSON encoding, re-login once on an
 * expired session, short retries on "database is locked".
 */

export interface TrytonDecimalJson { __class__: 'Decimal'; decimal: string }
export interface TrytonDateJson { __class__: 'date'; year: number; month: number; day: number }

/** Decimal for Tryton: pass a decimal string ("29.00"), never a float. */
export const tDecimal = (v: string | number): TrytonDecimalJson => ({ __class__: 'Decimal', decimal: String(v) });
/** Date for Tryton from 'YYYY-MM-DD'. */
export function tDate(iso: string): TrytonDateJson {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) throw new Error(`not a date: ${iso}`);
  return { __class__: 'date', year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
/** JSON reviver: Decimal → decimal string, date → 'YYYY-MM-DD', datetime → ISO string (UTC as Tryton stores it). */
function revive(_k: string, v: unknown): unknown {
  if (v && typeof v === 'object' && '__class__' in v) {
    const o = v as Record<string, number | string>;
    switch (o.__class__) {
      case 'Decimal': return String(o.decimal);
      case 'date': return `${o.year}-${pad(o.month as number)}-${pad(o.day as number)}`;
      case 'datetime': return `${o.year}-${pad(o.month as number)}-${pad(o.day as number)}T${pad(o.hour as number)}:${pad(o.minute as number)}:${pad(o.second as number)}.${pad(Math.floor((o.microsecond as number) / 1000), 3)}Z`;
      case 'timedelta': return Number(o.seconds);
      case 'bytes': return Buffer.from(String(o.base64), 'base64');
      default: return v;
    }
  }
  return v;
}

export type TrytonErrorKind =
  | 'user' // UserError: validation, business rule → the row is refused
  | 'warning' // UserWarning: needs a human confirmation → refused with the message
  | 'concurrency' // ConcurrencyException / database locked → retry
  | 'auth' // login refused, session expired twice → retry later (configuration)
  | 'http' // HTTP status without a JSON-RPC answer
  | 'network' // no answer at all / timeout
  | 'server'; // any other exception on the server

export class TrytonError extends Error {
  constructor(message: string, readonly kind: TrytonErrorKind, readonly method: string, readonly status?: number, readonly rpcError?: unknown) {
    super(message);
    this.name = 'TrytonError';
  }
  /** Worth trying again later without changing anything? */
  get transient(): boolean {
    return this.kind === 'concurrency' || this.kind === 'network' || this.kind === 'auth' || (this.kind === 'http' && (this.status === 429 || (this.status ?? 0) >= 500));
  }
}

/** Turns a JSON-RPC `error` member into a TrytonError. */
export function trytonErrorOf(method: string, error: unknown): TrytonError {
  if (Array.isArray(error) && typeof error[0] === 'string') {
    const [name, args] = error as [string, unknown];
    if (name === 'UserError' && Array.isArray(args)) {
      const [msg, desc] = args as [string, string];
      return new TrytonError(desc ? `${msg} ${desc}`.trim() : String(msg), 'user', method, undefined, error);
    }
    if (name === 'UserWarning' && Array.isArray(args)) {
      const [wname, msg, desc] = args as [string, string, string];
      return new TrytonError(`${msg}${desc ? ` ${desc}` : ''} (Tryton warning "${wname}" needs confirmation)`, 'warning', method, undefined, error);
    }
    if (name === 'ConcurrencyException') return new TrytonError(String(args), 'concurrency', method, undefined, error);
    if (name === 'LoginException') return new TrytonError(`login required: ${JSON.stringify(args)}`, 'auth', method, undefined, error);
    // generic exception: [str(exception), traceback]
    const text = name.split('\n')[0]!.trim();
    if (/database is locked|could not obtain lock|could not serialize|deadlock detected/i.test(name)) return new TrytonError(text, 'concurrency', method, undefined, error);
    return new TrytonError(`${method}: ${text}`, 'server', method, undefined, error);
  }
  return new TrytonError(`${method}: ${JSON.stringify(error).slice(0, 500)}`, 'server', method, undefined, error);
}

export interface TrytonClientOptions {
  url: string; // http://127.0.0.1:8765
  database: string;
  username: string;
  password: string;
  language?: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** Called for every exchange (debug logging). */
  log?: (e: { method: string; ms: number; error?: string }) => void;
}

export type TrytonContext = Record<string, unknown>;

export class TrytonClient {
  private readonly base: string;
  private readonly opts: TrytonClientOptions;
  private readonly fetchFn: typeof fetch;
  private auth: string | null = null;
  private nextId = 0;
  private tail: Promise<unknown> = Promise.resolve();
  context: TrytonContext = {};
  userId: number | null = null;

  constructor(opts: TrytonClientOptions) {
    this.opts = opts;
    this.base = `${opts.url.replace(/\/+$/, '')}/${encodeURIComponent(opts.database)}/`;
    this.fetchFn = opts.fetch ?? fetch;
  }

  get loggedIn(): boolean {
    return this.auth !== null;
  }

  /** Runs fn after every earlier call finished: Tryton sees one request at a time. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.tail.then(fn, fn);
    this.tail = p.catch(() => undefined);
    return p;
  }

  private async exchange(method: string, params: unknown[], url = this.base, withAuth = true): Promise<unknown> {
    const t0 = performance.now();
    const timeoutMs = this.opts.timeoutMs ?? 60_000;
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), timeoutMs);
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (withAuth && this.auth) headers.Authorization = this.auth;
    let status = 0;
    let text = '';
    try {
      const res = await this.fetchFn(url, { method: 'POST', headers, body: JSON.stringify({ id: ++this.nextId, method, params }), signal: ac.signal });
      status = res.status;
      text = await res.text();
    } catch (e) {
      const why = ac.signal.aborted ? `timeout after ${timeoutMs} ms` : e instanceof Error ? `${e.message}${(e as { cause?: { code?: string } }).cause?.code ? ` (${(e as { cause?: { code?: string } }).cause!.code})` : ''}` : String(e);
      this.opts.log?.({ method, ms: performance.now() - t0, error: why });
      throw new TrytonError(`${method}: ${why}`, 'network', method);
    } finally {
      clearTimeout(timer);
    }
    this.opts.log?.({ method, ms: performance.now() - t0, ...(status >= 400 ? { error: `HTTP ${status}` } : {}) });
    if (status === 401) throw new TrytonError(`${method}: session expired or not logged in (HTTP 401)`, 'auth', method, 401);
    if (status === 403) throw new TrytonError(`${method}: forbidden (HTTP 403): wrong credentials or no access`, 'auth', method, 403);
    if (status === 429) throw new TrytonError(`${method}: too many requests (HTTP 429)`, 'http', method, 429);
    let json: { result?: unknown; error?: unknown };
    try {
      json = JSON.parse(text, revive) as typeof json;
    } catch {
      throw new TrytonError(`${method}: HTTP ${status}: ${text.slice(0, 300)}`, 'http', method, status);
    }
    if (json.error !== undefined && json.error !== null) throw trytonErrorOf(method, json.error);
    if (status >= 400) throw new TrytonError(`${method}: HTTP ${status}`, 'http', method, status);
    return json.result;
  }

  private async loginNow(): Promise<void> {
    let r: unknown;
    try {
      r = await this.exchange('common.db.login', [this.opts.username, { password: this.opts.password }, this.opts.language ?? 'en'], this.base, false);
    } catch (e) {
      if (e instanceof TrytonError && (e.status === 401 || e.status === 403)) {
        throw new TrytonError(`Tryton refused the login of user "${this.opts.username}" on database "${this.opts.database}"`, 'auth', 'common.db.login', e.status);
      }
      throw e;
    }
    const [userId, session] = r as [number, string];
    this.userId = userId;
    this.auth = `Session ${Buffer.from(`${this.opts.username}:${userId}:${session}`).toString('base64')}`;
    this.context = (await this.exchange('model.res.user.get_preferences', [true, {}])) as TrytonContext;
  }

  /** Logs in (if needed). Failed logins slow down later logins of the same user in Tryton: do not loop on it. */
  login(): Promise<void> {
    return this.serial(() => (this.auth ? Promise.resolve() : this.loginNow()));
  }

  async logout(): Promise<void> {
    if (!this.auth) return;
    await this.serial(async () => {
      try {
        await this.exchange('common.db.logout', []);
      } catch {
        /* best effort */
      }
      this.auth = null;
    });
  }

  /** Unauthenticated server call (common.server.version): true when Tryton answers. */
  async version(): Promise<string> {
    const url = `${this.opts.url.replace(/\/+$/, '')}/`;
    return this.serial(async () => String(await this.exchange('common.server.version', [], url, false)));
  }

  /** A raw RPC call, serialised; re-logs in once on 401; retries "database is locked" a few times. */
  call<T = unknown>(method: string, params: unknown[] | (() => unknown[])): Promise<T> {
    return this.serial(async () => {
      if (!this.auth) await this.loginNow();
      for (let attempt = 0; ; attempt++) {
        try {
          // params as a function: built after the (re-)login, so the session's context is the current one
          return (await this.exchange(method, typeof params === 'function' ? params() : params)) as T;
        } catch (e) {
          if (!(e instanceof TrytonError)) throw e;
          if (e.status === 401 && attempt === 0) {
            this.auth = null;
            await this.loginNow();
            continue;
          }
          if (e.kind === 'concurrency' && attempt < 4) {
            await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
            continue;
          }
          throw e;
        }
      }
    });
  }

  // ---- model helpers: the context is the last positional argument
  model<T = unknown>(model: string, method: string, ...args: unknown[]): Promise<T> {
    return this.call<T>(`model.${model}.${method}`, () => [...args, this.context]);
  }
  create(model: string, values: Record<string, unknown>[]): Promise<number[]> {
    return this.model<number[]>(model, 'create', values);
  }
  write(model: string, ids: number[], values: Record<string, unknown>): Promise<null> {
    return this.model<null>(model, 'write', ids, values);
  }
  delete(model: string, ids: number[]): Promise<null> {
    return this.model<null>(model, 'delete', ids);
  }
  search(model: string, domain: unknown[], offset = 0, limit: number | null = null, order: unknown = null): Promise<number[]> {
    return this.model<number[]>(model, 'search', domain, offset, limit, order);
  }
  read<T = Record<string, unknown>>(model: string, ids: number[], fields: string[]): Promise<T[]> {
    return this.model<T[]>(model, 'read', ids, fields);
  }
  searchRead<T = Record<string, unknown>>(model: string, domain: unknown[], fields: string[], offset = 0, limit: number | null = null, order: unknown = null): Promise<T[]> {
    return this.model<T[]>(model, 'search_read', domain, offset, limit, order, fields);
  }
  /** Opens a wizard on an active record: create → execute(state, data)… → close(). */
  async wizard(name: string, active: { model: string; id: number }): Promise<{ execute<T = unknown>(state: string, data: Record<string, unknown>): Promise<T>; close(): Promise<void> }> {
    const ctx = () => ({ ...this.context, active_model: active.model, active_id: active.id, active_ids: [active.id] });
    const [sid] = await this.call<[number, string, string]>(`wizard.${name}.create`, () => [ctx()]);
    return {
      execute: <T>(state: string, data: Record<string, unknown>) => this.call<T>(`wizard.${name}.execute`, () => [sid, data, state, ctx()]),
      close: async () => {
        await this.call(`wizard.${name}.delete`, () => [sid, ctx()]).catch(() => undefined);
      },
    };
  }
}
