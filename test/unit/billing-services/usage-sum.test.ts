import { describe, expect, it } from 'vitest';
import { sumOrMax } from '../../../main/services/billing/state';

const q = (...xs: string[]) => xs.map((quantity) => ({ quantity }));

describe('usage aggregation: sum and max', () => {
  it('sums integers exactly, and decimals or sums past 2^53 by decimals', () => {
    expect(sumOrMax(q('1', '2', '-5'), false)).toBe('-2');
    expect(sumOrMax(q(), false)).toBe('0');
    expect(sumOrMax(q('5', '-5'), false)).toBe('0');
    expect(sumOrMax(q('1', '2.5', '0.25'), false)).toBe('3.75');
    expect(sumOrMax(q('0.1', '0.2'), false)).toBe('0.3');
    expect(sumOrMax(q('999999999999999', '999999999999999', '999999999999999', '999999999999999', '999999999999999', '999999999999999', '999999999999999', '999999999999999', '999999999999999', '999999999999999'), false)).toBe('9999999999999990');
    expect(sumOrMax(q('12345678901234567', '1'), false)).toBe('12345678901234568');
  });
  it('takes the maximum, never below 0', () => {
    expect(sumOrMax(q('3', '9', '4'), true)).toBe('9');
    expect(sumOrMax(q('-3', '-1'), true)).toBe('0');
    expect(sumOrMax(q('2', '7.25'), true)).toBe('7.25');
  });
});
