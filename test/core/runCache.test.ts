// The one caching mechanism (src/core/runCache.ts): typed per-run keys, and get-or-build on plain Maps.
import { describe, expect, it } from 'vitest';
import { appendTo, cacheKey, getOrBuild, getOrRead, RunCache } from '../../src/core/runCache';

describe('RunCache', () => {
  it('builds a value once per key and hands it back with the key’s type', () => {
    const cache = new RunCache();
    const key = cacheKey<Map<string, number>>('index');
    let builds = 0;
    const build = () => {
      builds++;
      return new Map([['a', 1]]);
    };
    const first = cache.get(key, build);
    const second = cache.get(key, build);
    expect(second).toBe(first);
    expect(second.get('a')).toBe(1);
    expect(builds).toBe(1);
  });

  it('keeps an undefined value (a reader the symbols cannot support is built once, not on every ask)', () => {
    const cache = new RunCache();
    const key = cacheKey<string | undefined>('absent');
    let builds = 0;
    expect(cache.get(key, () => (builds++, undefined))).toBeUndefined();
    expect(cache.get(key, () => (builds++, 'late'))).toBeUndefined();
    expect(builds).toBe(1);
    expect(cache.has(key)).toBe(true);
  });

  it('tells keys apart by identity: two modules may use the same name without sharing a value', () => {
    const cache = new RunCache();
    const one = cacheKey<number>('same name');
    const other = cacheKey<string>('same name');
    expect(cache.get(one, () => 1)).toBe(1);
    expect(cache.get(other, () => 'two')).toBe('two');
  });

  it('is per run: another cache builds its own value', () => {
    const key = cacheKey<object>('per run');
    const a = new RunCache().get(key, () => ({}));
    const b = new RunCache().get(key, () => ({}));
    expect(a).not.toBe(b);
  });

  it('remembers nothing when the build throws (the next ask builds again)', () => {
    const cache = new RunCache();
    const key = cacheKey<number>('throws');
    expect(() => cache.get(key, () => { throw new Error('damage'); })).toThrow('damage');
    expect(cache.has(key)).toBe(false);
    expect(cache.get(key, () => 7)).toBe(7);
  });
});

describe('getOrBuild / getOrRead', () => {
  it('getOrBuild builds a missing entry once and keeps falsy values (0, false, "")', () => {
    const map = new Map<string, number | boolean | string>();
    let builds = 0;
    for (const key of ['zero', 'zero', 'no', 'no', 'empty', 'empty']) {
      getOrBuild(map, key, (k) => (builds++, k === 'zero' ? 0 : k === 'no' ? false : ''));
    }
    expect(builds).toBe(3);
    expect([...map.values()]).toEqual([0, false, '']);
  });

  it('getOrRead reads an address once, found or not, and answers undefined for "not found"', () => {
    const map = new Map<string, { name: string } | null>();
    const reads: string[] = [];
    const read = (a: string) => (reads.push(a), a === 'good' ? { name: 'object' } : undefined);
    expect(getOrRead(map, 'good', read)).toEqual({ name: 'object' });
    expect(getOrRead(map, 'good', read)).toEqual({ name: 'object' });
    expect(getOrRead(map, 'bad', read)).toBeUndefined();
    expect(getOrRead(map, 'bad', read)).toBeUndefined();
    expect(reads).toEqual(['good', 'bad']);
    expect(map.get('bad')).toBeNull();
  });
});

describe('appendTo', () => {
  it('groups items by key in arrival order, making each list on its first item', () => {
    const groups = new Map<string, number[]>();
    appendTo(groups, 'a', 1);
    appendTo(groups, 'b', 2);
    appendTo(groups, 'a', 3);
    expect([...groups.entries()]).toEqual([
      ['a', [1, 3]],
      ['b', [2]],
    ]);
  });
});
