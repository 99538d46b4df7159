import { preciseAmountOf, compileModel } from './shared/domain/pricing';
let seed = 42;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const qs: string[] = Array.from({ length: 4096 }, (_, i) => { const v = rnd() * 10 ** Math.floor(rnd() * 7); return i % 3 === 0 ? v.toFixed(2) : String(Math.floor(v)); });
function t(name: string, fn: (s: string) => unknown) {
  let sink = 0; const N = 3_000_000; const st = performance.now();
  for (let i = 0; i < N; i++) if (fn(qs[i & 4095]!)) sink++;
  console.log(name, Math.round(N / ((performance.now() - st) / 1000)));
}
const vol = { type: 'volume' as const, tiers: [{ upTo: '1000', unitPrice: '0.05', flatFee: '10' }, { upTo: '10000', unitPrice: '0.04' }, { upTo: '100000', unitPrice: '0.025' }, { upTo: null, unitPrice: '0.0125' }] };
const gra = { type: 'graduated' as const, tiers: vol.tiers };
for (let k = 0; k < 3; k++) { t('vol', (s) => preciseAmountOf(vol, s)); t('gra', (s) => preciseAmountOf(gra, s)); }
