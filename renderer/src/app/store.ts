/** App-wide state loaded once at start: system info and installation settings. */
import { create } from 'zustand';
import type { OpOutput } from '../../../shared/api/index';
import { invoke } from '../api/client';

export type SystemInfo = OpOutput<'system.info'>;
export type Settings = OpOutput<'settings.get'>;

interface AppState {
  info: SystemInfo | null;
  settings: Settings | null;
  loadError: string | null;
  load: () => Promise<void>;
  setSettings: (s: Settings) => void;
}

export const useAppStore = create<AppState>((set) => ({
  info: null,
  settings: null,
  loadError: null,
  async load() {
    try {
      const [info, settings] = await Promise.all([invoke('system.info', {}), invoke('settings.get', {})]);
      set({ info, settings, loadError: null });
    } catch (e) {
      set({ loadError: (e as Error).message });
    }
  },
  setSettings: (settings) => set({ settings }),
}));
