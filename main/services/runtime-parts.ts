import type { Backend, BackendOptions } from './backend';

/**
 * Parts of the runtime (sync manager, scheduler…) created for every backend. Each returns a stop function.
 * Areas register here instead of editing createBackend.
 */
export type RuntimePartFactory = (backend: Backend, opts: BackendOptions) => Promise<(() => Promise<void>) | void>;
export const RUNTIME_FACTORIES: { name: string; create: RuntimePartFactory }[] = [];
export function registerRuntimePart(name: string, create: RuntimePartFactory): void {
  if (!RUNTIME_FACTORIES.some((f) => f.name === name)) RUNTIME_FACTORIES.push({ name, create });
}
