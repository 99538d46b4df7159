import { describe, expect, test } from 'vitest';
import { counterScope, formatNumber, NumberingError, validatePattern } from '../../../shared/domain/billing';

describe('formatNumber', () => {
  test.each([
    ['{INST}-{YYYY}-{SEQ:5}', 42, '2025-03-04', 'A', 'A-2025-00042'],
    ['INV-{YY}{MM}-{SEQ}', 7, '2025-03-04', undefined, 'INV-2503-7'],
    ['{YYYY}/{SEQ:3}', 12345, '2025-12-31', undefined, '2025/12345'], // a larger counter is printed in full
    ['CN-{INST}{SEQ:6}', 1, '2028-02-29', 'B7', 'CN-B7000001'],
    ['{SEQ:1}', 9, '2025-01-01', undefined, '9'],
  ])('%s with seq %i on %s → %s', (pattern, seq, date, installationPrefix, expected) => {
    expect(formatNumber(pattern, { seq, date, installationPrefix })).toBe(expected);
  });
  test('refuses an invalid pattern, counter or a missing installation prefix', () => {
    expect(() => formatNumber('INV-{YYYY}', { seq: 1, date: '2025-01-01' })).toThrow(NumberingError);
    expect(() => formatNumber('{SEQ}', { seq: 0, date: '2025-01-01' })).toThrow(/positive integer/);
    expect(() => formatNumber('{SEQ}', { seq: 1.5, date: '2025-01-01' })).toThrow(/positive integer/);
    expect(() => formatNumber('{INST}-{SEQ}', { seq: 1, date: '2025-01-01' })).toThrow(/no prefix/);
    expect(() => formatNumber('{SEQ}', { seq: 1, date: '2025-02-30' })).toThrow(/not a valid calendar date/);
  });
});

describe('validatePattern', () => {
  test('valid patterns', () => {
    expect(validatePattern('{INST}-{YYYY}-{SEQ:5}', 'yearly')).toEqual([]);
    expect(validatePattern('{YY}{MM}{SEQ:4}', 'monthly')).toEqual([]);
    expect(validatePattern('R{SEQ}')).toEqual([]);
  });
  test('what is wrong', () => {
    expect(validatePattern('INV-{YYYY}')).toEqual(['pattern must contain {SEQ} or {SEQ:n}']);
    expect(validatePattern('{SEQ}-{SEQ:2}')).toEqual(['pattern must contain only one {SEQ…} token']);
    expect(validatePattern('{FOO}-{SEQ}')).toEqual(['unknown token {FOO} (use {INST}, {YYYY}, {YY}, {MM}, {SEQ} or {SEQ:n})']);
    expect(validatePattern('{YYYY:2}-{SEQ}')).toEqual(['token {YYYY:2} takes no width']);
    expect(validatePattern('{SEQ:0}')).toEqual(['{SEQ:n} width must be 1..12, got 0']);
    expect(validatePattern('{SEQ}}')).toEqual(['unbalanced or malformed "{…}" in pattern']);
    expect(validatePattern('{seq}')).toEqual(['unbalanced or malformed "{…}" in pattern', 'pattern must contain {SEQ} or {SEQ:n}']);
    expect(validatePattern('  ')).toEqual(['pattern is empty']);
  });
  test('a series reset yearly or monthly must show the year (and month), or numbers would repeat', () => {
    expect(validatePattern('INV-{SEQ}', 'yearly')).toEqual(['a series reset every year must contain {YYYY} or {YY}']);
    expect(validatePattern('INV-{YYYY}-{SEQ}', 'monthly')).toEqual(['a series reset every month must contain the year ({YYYY} or {YY}) and {MM}']);
  });
});

describe('counterScope', () => {
  test('never / yearly / monthly', () => {
    expect(counterScope('never', '2025-03-04')).toBe('all');
    expect(counterScope('yearly', '2025-03-04')).toBe('2025');
    expect(counterScope('monthly', '2025-03-04')).toBe('2025-03');
    expect(counterScope('monthly', '2028-12-31')).toBe('2028-12');
  });
});
