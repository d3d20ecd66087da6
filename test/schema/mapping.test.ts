import { describe, expect, it } from 'vitest';
import { applyMapping } from '../../shared/schema/mapping';

describe('applyMapping', () => {
  const payload = { patient: { id: 'p1', tags: ['a', 'b'] }, 'a/b': 2, event: 'chart_updated' };

  it('builds the input from JSON Pointers into the payload', () => {
    expect(applyMapping(payload, { patient_id: '/patient/id', first_tag: '/patient/tags/0', slash: '/a~1b', event: '/event' })).toEqual({
      patient_id: 'p1',
      first_tag: 'a',
      slash: 2,
      event: 'chart_updated',
    });
  });

  it('leaves out fields whose pointer reaches nothing', () => {
    expect(applyMapping(payload, { missing: '/patient/name', id: '/patient/id' })).toEqual({ id: 'p1' });
  });

  it('maps the whole payload with the root pointer', () => {
    expect(applyMapping(payload, { all: '' })).toEqual({ all: payload });
  });

  it('keeps an input field named __proto__ as a plain field', () => {
    const input = applyMapping(payload, ['__proto__'].reduce<Record<string, string>>((m, k) => Object.defineProperty(m, k, { value: '/event', enumerable: true }), {}));
    expect(Object.getPrototypeOf(input)).toBe(Object.prototype);
    expect(Object.hasOwn(input, '__proto__')).toBe(true);
  });
});
