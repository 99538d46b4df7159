/**
 * Document number series: pure formatting of patterns such as "{INST}-{YYYY}-{SEQ:5}" → "A-2025-00042".
 *
 * Tokens: {INST} installation prefix (each offline installation numbers its own series, so numbers stay
 * unique without a server); {YYYY} 4-digit year, {YY} 2-digit year, {MM} 2-digit month (of the document
 * date); {SEQ} the counter; {SEQ:n} the counter zero padded to n digits (1..12; a larger counter is printed
 * in full, never cut). Exactly one {SEQ…} token is required. Any other text is copied; "{" and "}" outside
 * tokens are refused so a typo cannot pass for a token.
 *
 * The counter is kept per scope (see counterScope): a series reset yearly must show the year, one reset
 * monthly the year and the month, or numbers would repeat — validatePattern refuses such patterns.
 */
import { dateParts, type IsoDate } from './dates';

export type ResetPolicy = 'never' | 'yearly' | 'monthly';

export interface NumberContext {
  seq: number;
  /** Document date (the year and month tokens). */
  date: IsoDate;
  installationPrefix?: string;
}

export class NumberingError extends Error {
  override name = 'NumberingError';
}

const TOKEN_RE = /\{([A-Z]+)(?::(\d+))?\}/g;
const KNOWN = new Set(['INST', 'YYYY', 'YY', 'MM', 'SEQ']);
export const MAX_NUMBER_LENGTH = 64;

/** Problems with a pattern (empty when it is usable). */
export function validatePattern(pattern: string, resetPolicy: ResetPolicy = 'never'): string[] {
  const problems: string[] = [];
  if (pattern.trim() === '') return ['pattern is empty'];
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(pattern)) problems.push('pattern contains control characters');
  let seqCount = 0;
  const tokens = new Set<string>();
  for (const m of pattern.matchAll(TOKEN_RE)) {
    const [whole, name, width] = m as unknown as [string, string, string | undefined];
    if (!KNOWN.has(name)) {
      problems.push(`unknown token ${whole} (use {INST}, {YYYY}, {YY}, {MM}, {SEQ} or {SEQ:n})`);
      continue;
    }
    if (width !== undefined && name !== 'SEQ') problems.push(`token ${whole} takes no width`);
    if (name === 'SEQ') {
      seqCount++;
      if (width !== undefined && (Number(width) < 1 || Number(width) > 12)) problems.push(`{SEQ:n} width must be 1..12, got ${width}`);
    }
    tokens.add(name);
  }
  const rest = pattern.replace(TOKEN_RE, '');
  if (/[{}]/.test(rest)) problems.push('unbalanced or malformed "{…}" in pattern');
  if (seqCount === 0) problems.push('pattern must contain {SEQ} or {SEQ:n}');
  if (seqCount > 1) problems.push('pattern must contain only one {SEQ…} token');
  const hasYear = tokens.has('YYYY') || tokens.has('YY');
  if (resetPolicy === 'yearly' && !hasYear) problems.push('a series reset every year must contain {YYYY} or {YY}');
  if (resetPolicy === 'monthly' && !(hasYear && tokens.has('MM'))) problems.push('a series reset every month must contain the year ({YYYY} or {YY}) and {MM}');
  return problems;
}

/** Patterns already validated (a billing run formats thousands of numbers with the same one). */
const validPatterns = new Set<string>();

/** Formats one number; throws NumberingError for an invalid pattern, counter or missing prefix. */
export function formatNumber(pattern: string, ctx: NumberContext): string {
  if (!validPatterns.has(pattern)) {
    const problems = validatePattern(pattern);
    if (problems.length) throw new NumberingError(`invalid number pattern "${pattern}": ${problems.join('; ')}`);
    if (validPatterns.size >= 1000) validPatterns.clear();
    validPatterns.add(pattern);
  }
  if (!Number.isSafeInteger(ctx.seq) || ctx.seq < 1) throw new NumberingError(`sequence must be a positive integer, got ${ctx.seq}`);
  const [y, m] = dateParts(ctx.date);
  const out = pattern.replace(TOKEN_RE, (_whole, name: string, width?: string) => {
    switch (name) {
      case 'INST':
        if (!ctx.installationPrefix) throw new NumberingError('pattern uses {INST} but the installation has no prefix');
        return ctx.installationPrefix;
      case 'YYYY':
        return String(y).padStart(4, '0');
      case 'YY':
        return String(y % 100).padStart(2, '0');
      case 'MM':
        return String(m).padStart(2, '0');
      default:
        return width === undefined ? String(ctx.seq) : String(ctx.seq).padStart(Number(width), '0');
    }
  });
  if (out.length > MAX_NUMBER_LENGTH) throw new NumberingError(`number "${out}" is longer than ${MAX_NUMBER_LENGTH} characters`);
  return out;
}

/** The counter a document date draws from: "all", "2025" or "2025-03". */
export function counterScope(resetPolicy: ResetPolicy, date: IsoDate): string {
  const [y, m] = dateParts(date);
  if (resetPolicy === 'yearly') return String(y);
  if (resetPolicy === 'monthly') return `${y}-${String(m).padStart(2, '0')}`;
  return 'all';
}
