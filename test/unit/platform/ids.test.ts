import { validate, version } from 'uuid';
import { describe, expect, it } from 'vitest';
import { newId } from '../../../main/platform/ids';

describe('newId (UUIDv7)', () => {
  it('is a valid RFC 9562 version 7 UUID carrying the current millisecond', () => {
    const before = Date.now();
    const id = newId();
    expect(validate(id)).toBe(true);
    expect(version(id)).toBe(7);
    const ms = parseInt(id.replace(/-/g, '').slice(0, 12), 16);
    expect(ms).toBeGreaterThanOrEqual(before);
    expect(ms).toBeLessThanOrEqual(Date.now());
  });
  it('is strictly increasing within one process (records sort by creation) and unique', () => {
    const ids = Array.from({ length: 20_000 }, () => newId());
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
