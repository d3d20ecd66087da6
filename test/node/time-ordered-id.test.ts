import { describe, expect, it } from 'vitest';
import { randomId, timeOrderedId } from '../../shared/ids';

describe('timeOrderedId', () => {
  it('sorts as text by creation time, with the shape and length of a random id', () => {
    const times = [0, 1, 31, 32, 1_700_000_000_000, 1_700_000_000_001, 1_800_000_000_000, 2 ** 48 - 1];
    const ids = times.map((t) => timeOrderedId('req', t));
    expect([...ids].sort()).toEqual(ids);
    for (const id of ids) {
      expect(id).toMatch(/^req_[0-9a-hjkmnp-tv-z]{26}$/);
      expect(id.length).toBe(randomId('req').length);
    }
  });

  it('draws its tail at random, so ids made in one millisecond differ', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => timeOrderedId('req', 1_700_000_000_000)));
    expect(ids.size).toBe(1000);
  });
});
