import { describe, expect, it } from 'vitest';
import { escape, fromTokens, get, isValidPointer, parse, unescape } from '../../shared/schema/json-pointer';

describe('JSON Pointers', () => {
  const doc = { foo: ['bar', 'baz'], '': 0, 'a/b': 1, 'm~n': 8, nested: { list: [{ id: 'x' }] } };

  it('resolve the RFC 6901 examples', () => {
    expect(get(doc, '')).toBe(doc);
    expect(get(doc, '/foo')).toEqual(['bar', 'baz']);
    expect(get(doc, '/foo/0')).toBe('bar');
    expect(get(doc, '/')).toBe(0);
    expect(get(doc, '/a~1b')).toBe(1);
    expect(get(doc, '/m~0n')).toBe(8);
    expect(get(doc, '/nested/list/0/id')).toBe('x');
  });

  it('answer undefined for missing keys, out-of-range and malformed indexes', () => {
    expect(get(doc, '/nope')).toBeUndefined();
    expect(get(doc, '/foo/2')).toBeUndefined();
    expect(get(doc, '/foo/-')).toBeUndefined();
    expect(get(doc, '/foo/01')).toBeUndefined();
    expect(get(doc, '/foo/0/x')).toBeUndefined();
    expect(get(doc, 'foo')).toBeUndefined();
  });

  it('never reach into an object prototype', () => {
    expect(get({}, '/constructor')).toBeUndefined();
    expect(get({}, '/__proto__')).toBeUndefined();
    expect(get({ a: 1 }, '/toString')).toBeUndefined();
  });

  it('escape ~ before / so tokens round-trip', () => {
    expect(escape('a/b~c')).toBe('a~1b~0c');
    expect(unescape('~01')).toBe('~1');
    expect(fromTokens(['updated_fields', 0])).toBe('/updated_fields/0');
    expect(parse('/a~1b/~0')).toEqual(['a/b', '~']);
  });

  it('reject a tilde that is not an escape', () => {
    expect(isValidPointer('/a~2')).toBe(false);
    expect(parse('/a~')).toBeNull();
    expect(isValidPointer('')).toBe(true);
  });
});
