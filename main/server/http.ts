/**
 * Web mode: serves the renderer and answers every operation of the table at POST /api/<operation>, on 127.0.0.1 only.
 * Security: every API request needs the session token (Authorization: Bearer, or the HttpOnly cookie set by
 * /?token=…); requests whose Host or Origin is not Cadence's own get 403, so a page open in the user's browser
 * cannot drive the local API (CSRF, DNS rebinding).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { AppError, httpStatusOf } from '../../shared/api/errors';
import { buildOpenApi } from '../../shared/api/openapi';
import type { Backend } from '../services/backend';
import { APP_VERSION } from '../services/backend';
import { resolveFile } from '../services/exports/store';

export interface WebServerOptions {
  backend: Backend;
  port?: number;
  token?: string;
  /** Folder with the built renderer (index.html, assets). */
  staticDir: string;
}

export interface WebServer {
  url: string;
  port: number;
  token: string;
  server: http.Server;
  close(): Promise<void>;
}

const COOKIE = 'cadence_token';
const MAX_BODY = 20 * 1024 * 1024;
const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.json': 'application/json', '.png': 'image/png', '.svg': 'image/svg+xml', '.ico': 'image/x-icon',
  '.woff2': 'font/woff2', '.woff': 'font/woff', '.ttf': 'font/ttf', '.map': 'application/json',
};
export const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && crypto.timingSafeEqual(ab, bb);
}

function cookieToken(req: http.IncomingMessage): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === COOKIE) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const data = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
  res.end(data);
}

const err = (res: http.ServerResponse, status: number, code: string, message: string) => sendJson(res, status, { error: { code, message } });

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function startWebServer(opts: WebServerOptions): Promise<WebServer> {
  const token = opts.token ?? crypto.randomBytes(24).toString('base64url');
  let port = opts.port ?? 0;
  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const allowedOrigins = () => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);
  const staticRoot = path.resolve(opts.staticDir);
  const openapi = buildOpenApi(APP_VERSION);

  const server = http.createServer(async (req, res) => {
    try {
      const host = req.headers.host ?? '';
      if (!allowedHosts().has(host)) return err(res, 403, 'FORBIDDEN', `Host ${host} is not Cadence's own`);
      const origin = req.headers.origin;
      if (origin !== undefined && !allowedOrigins().has(origin)) return err(res, 403, 'FORBIDDEN', `Origin ${origin} may not use Cadence's API`);
      const fetchSite = req.headers['sec-fetch-site'];
      if (fetchSite === 'cross-site') return err(res, 403, 'FORBIDDEN', 'cross-site requests are refused');

      const url = new URL(req.url ?? '/', `http://${host}`);
      const authorized = (): boolean => {
        const auth = req.headers.authorization;
        if (auth?.startsWith('Bearer ') && safeEqual(auth.slice(7).trim(), token)) return true;
        const c = cookieToken(req);
        return !!c && safeEqual(c, token);
      };

      if (url.pathname.startsWith('/api/')) {
        if (url.pathname === '/api/openapi.json' && req.method === 'GET') return sendJson(res, 200, openapi);
        if (!authorized()) return err(res, 401, 'UNAUTHORIZED', 'Missing or wrong token: send Authorization: Bearer <token> or open the URL printed at start');
        if (url.pathname === '/api/events' && req.method === 'GET') return serveEvents(req, res, opts.backend);
        if (url.pathname.startsWith('/api/download/') && (req.method === 'GET' || req.method === 'HEAD')) return serveDownload(url.pathname.slice('/api/download/'.length), req, res, opts.backend);
        if (req.method !== 'POST') return err(res, 405, 'BAD_REQUEST', 'Use POST /api/<operation> with a JSON body');
        const name = decodeURIComponent(url.pathname.slice('/api/'.length));
        const ctype = req.headers['content-type'] ?? '';
        if (!/^application\/json\b/i.test(ctype)) return err(res, 415, 'BAD_REQUEST', 'Content-Type must be application/json');
        let input: unknown;
        try {
          const text = await readBody(req);
          input = text.trim() === '' ? {} : JSON.parse(text);
        } catch (e) {
          return err(res, 400, 'BAD_REQUEST', `Malformed JSON body: ${(e as Error).message}`);
        }
        const result = await opts.backend.invoke(name, input);
        if (result.ok) return sendJson(res, 200, result.data);
        return sendJson(res, httpStatusOf(result.error.code), { error: result.error });
      }

      if (req.method !== 'GET' && req.method !== 'HEAD') return err(res, 405, 'BAD_REQUEST', 'Method not allowed');
      // /?token=… sets the session cookie and redirects to a clean URL.
      const qToken = url.searchParams.get('token');
      if (qToken !== null) {
        if (!safeEqual(qToken, token)) return err(res, 401, 'UNAUTHORIZED', 'Wrong token');
        res.writeHead(302, {
          'Set-Cookie': `${COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`,
          Location: url.pathname || '/',
          'Cache-Control': 'no-store',
        });
        return res.end();
      }
      return serveStatic(url.pathname, res, staticRoot, authorized());
    } catch (e) {
      if (!res.headersSent) err(res, 500, 'INTERNAL', (e as Error).message);
      else res.end();
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    server,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    }),
  };
}

function serveEvents(req: http.IncomingMessage, res: http.ServerResponse, backend: Backend): void {
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
  res.write(': connected\n\n');
  const off = backend.events.on('*', (msg) => {
    const { event, payload } = msg as { event: string; payload: unknown };
    res.write(`event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`);
  });
  const ping = setInterval(() => res.write(': ping\n\n'), 15000);
  req.on('close', () => { off(); clearInterval(ping); });
}

/** A file prepared by an export operation (exports.run), as an attachment. */
function serveDownload(id: string, req: http.IncomingMessage, res: http.ServerResponse, backend: Backend): void {
  let file: ReturnType<typeof resolveFile>;
  try {
    file = resolveFile(backend.base, decodeURIComponent(id));
  } catch (e) {
    if (e instanceof AppError) return sendJson(res, httpStatusOf(e.code), { error: e.toBody() });
    throw e;
  }
  res.writeHead(200, {
    'Content-Type': file.mediaType,
    'Content-Length': String(file.size),
    'Content-Disposition': `attachment; filename="${file.name.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(file.name)}`,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  if (req.method === 'HEAD') return void res.end();
  fs.createReadStream(file.path).pipe(res);
}

function serveStatic(pathname: string, res: http.ServerResponse, root: string, authorized: boolean): void {
  let rel = decodeURIComponent(pathname);
  if (rel === '/' || rel === '') rel = '/index.html';
  const file = path.resolve(root, '.' + rel);
  if (!file.startsWith(root + path.sep)) return err(res, 403, 'FORBIDDEN', 'Path outside the app');
  let target = file;
  if (!fs.existsSync(target) || fs.statSync(target).isDirectory()) {
    if (path.extname(rel)) return err(res, 404, 'NOT_FOUND', `No file ${rel}`);
    target = path.join(root, 'index.html'); // client-side routes
  }
  if (!fs.existsSync(target)) return err(res, 404, 'NOT_FOUND', 'The renderer is not built: run npm run build');
  const ext = path.extname(target);
  const headers: Record<string, string> = {
    'Content-Type': MIME[ext] ?? 'application/octet-stream',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  };
  if (ext === '.html') {
    headers['Content-Security-Policy'] = CSP;
    headers['Cache-Control'] = 'no-store';
    headers['X-Frame-Options'] = 'DENY';
    if (!authorized) {
      res.writeHead(401, headers);
      return void res.end('<!doctype html><meta charset="utf-8"><title>Cadence</title><link rel="icon" href="data:,"><body style="font-family:sans-serif;padding:2em"><h1>Cadence</h1><p>Open the URL printed by <code>npm run web</code> (it carries the session token).</p></body>');
    }
  }
  res.writeHead(200, headers);
  fs.createReadStream(target).pipe(res);
}
