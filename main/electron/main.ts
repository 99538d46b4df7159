/**
 * The thin Electron entry: one locked-down window, the app:// scheme serving the built renderer with a path guard,
 * the operation table over IPC. All logic lives in services (shared with web mode and the CLI).
 */
import { app, BrowserWindow, ipcMain, net, protocol, safeStorage, session } from 'electron';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { IPC_EVENT, PUSHED_EVENTS } from '../../shared/api/bridge';
import { CSP } from '../server/http';
import { createBackend } from '../services/backend';
import { registerIpc } from './ipc';
import { SafeStorageSecretStore } from '../sync/credentials';
import { APP_ORIGIN, APP_SCHEME, hardenContents, hardenSession } from './security';

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

const root = path.resolve(__dirname, '..', '..');
const rendererDir = path.join(root, 'dist', 'renderer');

async function start(): Promise<void> {
  await app.whenReady();
  hardenSession(session.defaultSession);
  hardenContents(app);
  protocol.handle(APP_SCHEME, (request) => {
    const url = new URL(request.url);
    const rel = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname);
    const file = path.resolve(rendererDir, '.' + rel);
    if (!file.startsWith(rendererDir + path.sep)) return new Response('forbidden', { status: 403 });
    return net.fetch(pathToFileURL(file).toString()).then((res) => {
      const headers = new Headers(res.headers);
      headers.set('Content-Security-Policy', CSP);
      return new Response(res.body, { status: res.status, headers });
    });
  });

  const userData = app.getPath('userData');
  const backend = await createBackend({
    dataDir: userData,
    mode: 'electron',
    background: true,
    secretStore: () => new SafeStorageSecretStore({ safeStorage, file: path.join(userData, 'secrets.safe.json') }),
  });
  registerIpc(ipcMain, backend, [APP_ORIGIN]);

  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'Cadence',
    show: false,
    webPreferences: {
      preload: path.join(root, 'dist', 'preload', 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  for (const event of PUSHED_EVENTS) backend.events.on(event, (payload) => win.webContents.send(IPC_EVENT, event, payload));
  win.once('ready-to-show', () => win.show());
  await win.loadURL(`${APP_ORIGIN}/index.html`);

  app.on('window-all-closed', async () => {
    await backend.close();
    app.quit();
  });
}

start().catch((e) => {
  console.error('Cadence failed to start', e);
  app.exit(1);
});
