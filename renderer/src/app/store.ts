/** App-wide state loaded once at start: system info and installation settings. */
import { create } from 'zustand';
import type { OpOutput } from '../../../shared/api/index';
import { invoke } from '../api/client';

export type SystemInfo = OpOutput<'system.info'>;
export type Settings = OpOutput<'settings.get'>;

interface AppState {
  info: SystemInfo | null;
  /** Server clock − browser clock (the backend may run with a shifted clock, e.g. --now). */
  clockOffsetMs: number;
  settings: Settings | null;
  loadError: string | null;
  load: () => Promise<void>;
  setSettings: (s: Settings) => void;
}

export const useAppStore = create<AppState>((set) => ({
  info: null,
  clockOffsetMs: 0,
  settings: null,
  loadError: null,
  async load() {
    try {
      const [info, settings] = await Promise.all([invoke('system.info', {}), invoke('settings.get', {})]);
      set({ info, settings, loadError: null, clockOffsetMs: Date.parse(info.now) - Date.now() });
    } catch (e) {
      set({ loadError: (e as Error).message });
    }
  },
  setSettings: (settings) => set({ settings }),
}));

/** The backend's current time (its clock may be shifted, e.g. web mode started with --now). */
export const serverNow = (): Date => new Date(Date.now() + useAppStore.getState().clockOffsetMs);
/** The backend's today as YYYY-MM-DD (UTC, like the billing dates). */
export const serverToday = (): string => serverNow().toISOString().slice(0, 10);
