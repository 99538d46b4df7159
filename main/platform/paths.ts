import os from 'node:os';
import path from 'node:path';

/** Where Electron keeps app data for "Cadence" (app.getPath('userData')), computed the same way without Electron. */
export function defaultDataDir(): string {
  const home = os.homedir();
  switch (process.platform) {
    case 'win32':
      return path.join(process.env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Cadence');
    case 'darwin':
      return path.join(home, 'Library', 'Application Support', 'Cadence');
    default:
      return path.join(process.env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'Cadence');
  }
}

export const storeFile = (dataDir: string): string => path.join(dataDir, 'cadence.sqlite');
