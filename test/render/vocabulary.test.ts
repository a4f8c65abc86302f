// src/render/vocabulary.ts: one spelling per kind, counts that agree with their noun, and a singular
// for every warning kind (issue 18 items 9, 10; issue 16: kinds are one typed list, core/warnings.ts WARNING_KINDS).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { count, hopNoun, waitedNoun, warningCount, warningDetailText, warningLines, warningsText, warningWords } from '../../src/render/vocabulary';
import { WARNING_KINDS, Warnings } from '../../src/core/warnings';

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
  it('has words for every warning kind (WARNING_KINDS): one and many, different, none missing', () => {
    expect(WARNING_KINDS.length).toBeGreaterThan(20);
    const seen = new Set<string>();
    for (const kind of WARNING_KINDS) {
      const words = warningWords(kind);
      expect(words, kind).toBeDefined();
      expect(words!.one, kind).not.toBe(words!.many);
      expect(warningCount({ kind, count: 1 })).toBe(`1 ${words!.one}`);
      expect(warningCount({ kind, count: 2 })).toBe(`2 ${words!.many}`);
      expect(seen.has(words!.many), `${kind}: words shared with another kind`).toBe(false);
      seen.add(words!.many);
    }
  });
  it('has no kind src/ registers outside WARNING_KINDS, and every kind is registered somewhere', () => {
    const used = new Set<string>();
    for (const f of files(SRC)) for (const m of readFileSync(f, 'utf8').matchAll(/(?:warnings\.add\(|cutKind: )'([^']+)'/g)) used.add(m[1]);
    // kernel/lists.ts counts its cuts through a variable (the list's own kind, or list-cut / list-cycle-cut)
    for (const k of ['list-cut', 'list-cycle-cut']) used.add(k);
    expect([...used].filter((k) => !(WARNING_KINDS as readonly string[]).includes(k))).toEqual([]);
    expect(WARNING_KINDS.filter((k) => !used.has(k))).toEqual([]);
  });
  it('Warnings.summary is facts; warningLines writes them as before', () => {
    const w = new Warnings();
    w.add('object-unreadable', { object: 'IRP', address: '87000000' });
    w.add('list-cycle-cut');
    w.add('list-cycle-cut');
    expect(w.tally()).toEqual([{ kind: 'object-unreadable', count: 1 }, { kind: 'list-cycle-cut', count: 2 }]);
    expect(warningLines(w.summary())).toEqual(['1 object unreadable', '2 list cycles cut']);
    expect(w.details()).toEqual([{ kind: 'object-unreadable', object: 'IRP', address: '87000000' }]);
    expect(warningsText(warningLines(new Warnings().summary()))).toBe('0 warnings');
  });
  it('host categories come after the damage counted, computed when the summary is asked', () => {
    let asked = 0;
    const w = new Warnings(() => ({ stacksAsked: asked, stacksFailed: asked, userProcessesTried: 0, userProcessesFailed: 0, enumSources: {}, symbolsWithoutModule: 0 }));
    w.add('clock-value-assumed');
    expect(warningLines(w.summary())).toEqual(['1 clock value assumed']);
    asked = 1;
    expect(warningLines(w.summary())).toEqual(['1 clock value assumed', 'stacks unavailable for the one thread asked (frame-based facts unknown: !waitchain "-selftest")']);
  });
  it('writes detail lines from the facts: objects, lists, values', () => {
    expect(warningDetailText({ kind: 'object-unreadable', object: 'IRP', address: '87000000' })).toBe('IRP at 87000000 is unreadable');
    expect(warningDetailText({ kind: 'object-unreadable', object: 'thread', address: '87000000', part: 'rest' })).toBe('the rest of thread at 87000000 is unreadable');
    expect(warningDetailText({ kind: 'list-cut', list: { list: 'irp-list', owner: '87000000' }, value: '3', reason: 'link-bad' })).toBe('IRP list of thread 87000000: bad link 3');
    expect(warningDetailText({ kind: 'list-cycle-cut', list: { list: 'lpc-message-queue', owner: '89000000' }, value: 'e1000000', reason: 'cycle' })).toBe('message queue of LPC port 89000000: cycle at e1000000');
    expect(warningDetailText({ kind: 'list-elements-recovered', list: { list: 'thread-list', ownerName: 'App.exe' }, count: 2 })).toBe('thread list of App.exe: 2 element(s) reached through Blink after a cut');
    expect(warningDetailText({ kind: 'critical-section-list-cut', list: { list: 'critical-section-list', ownerName: 'App.exe' }, expected: 20000, reason: 'cap' })).toBe('critical section list of App.exe: more than 20000 elements');
    expect(warningDetailText({ kind: 'irp-stack-count-bad', object: 'IRP', address: '87000000', member: 'StackCount', value: 200 })).toBe('IRP 87000000: StackCount 200');
    expect(warningDetailText({ kind: 'owner-not-a-thread', object: 'resource', address: '88000000', member: 'shared owner', value: '89000000' })).toBe('ERESOURCE 88000000: shared owner 89000000 is not a thread of any process');
    expect(warningDetailText({ kind: 'lpc-message-claimed-twice', object: 'lpc', value: 0x30c, others: ['87000000', '87001000'] })).toBe('LPC message 0000030c: 87000000, 87001000');
    expect(warningDetailText({ kind: 'processors-unknown', reason: 'processor-block-missing' })).toBe('nt!KiProcessorBlock or _KPRCB not found: processors are not described');
    expect(warningDetailText({ kind: 'processor-block-entry-bad', object: 'nt!KiProcessorBlock', index: 2, value: '1' })).toBe('nt!KiProcessorBlock[2] = 1');
  });
  it('every kind has a detail line with no "undefined" in it for a fact with every field', () => {
    for (const kind of WARNING_KINDS) {
      const text = warningDetailText({ kind, object: 'IRP', address: '87000000', member: 'StackCount', index: 1, value: 5, expected: 6, others: ['87001000'], name: 'App.exe', count: 1 });
      expect(text, kind).not.toMatch(/undefined/);
    }
  });
});
