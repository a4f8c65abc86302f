// src/render/vocabulary.ts: one spelling per kind, counts that agree with their noun, and a singular
// for every warning kind src/ registers (issue 18 items 9, 10).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { count, hopNoun, waitedNoun, warningCount } from '../../src/render/vocabulary';
import { Warnings } from '../../src/core/warnings';

const SRC = join(__dirname, '..', '..', 'src');
const files = (dir: string): string[] => readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : n.endsWith('.ts') ? [join(dir, n)] : []));

describe('vocabulary', () => {
  it('names every hop kind in words', () => {
    expect(['critical-section', 'resource', 'alpc', 'lpc', 'fast-mutex', 'guarded-mutex', 'thread'].map(hopNoun)).toEqual([
      'critical section', 'ERESOURCE', 'ALPC message', 'LPC message', 'fast mutex', 'guarded mutex', 'thread object',
    ]);
    expect(waitedNoun('alpc')).toBe('ALPC port');
    expect(waitedNoun('critical-section')).toBe('critical section');
    expect(hopNoun('some-new-kind')).toBe('some new kind');
  });
  it('agrees counts with nouns', () => {
    expect([count(1, 'finding'), count(2, 'finding'), count(1, 'process'), count(3, 'process'), count(1, 'device node'), count(0, 'thread')]).toEqual([
      '1 finding', '2 findings', '1 process', '3 processes', '1 device node', '0 threads',
    ]);
    expect(count(1, 'waiting thread')).toBe('1 waiting thread');
  });
  it('has a singular for every warning kind src/ registers', () => {
    const kinds = new Set<string>();
    for (const f of files(SRC)) for (const m of readFileSync(f, 'utf8').matchAll(/warnings\.add\('([^']+)'/g)) kinds.add(m[1]);
    kinds.add('lists cut at a bad link');
    kinds.add('list cycles cut');
    expect(kinds.size).toBeGreaterThan(20);
    for (const k of kinds) {
      const one = warningCount(1, k);
      expect(one, k).not.toBe(`1 ${k}`);
      expect(warningCount(2, k)).toBe(`2 ${k}`);
    }
  });
  it('Warnings.summary uses it', () => {
    const w = new Warnings();
    w.add('objects unreadable');
    w.add('list cycles cut');
    w.add('list cycles cut');
    expect(w.summary()).toEqual(['1 object unreadable', '2 list cycles cut']);
  });
});
