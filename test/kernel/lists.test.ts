// The one bounded list walker (src/kernel/lists.ts) over synthetic LIST_ENTRY lists in a fake 32-bit memory:
// forward in list order, cut at a bad link or a cycle, recovered backwards through Blink, bounded.
import { describe, expect, it } from 'vitest';
import { Warnings } from '../../src/core/warnings';
import type { KernelContext } from '../../src/kernel/context';
import { LinkGuard, readList, walkChain, walkList } from '../../src/kernel/lists';
import { warningLines } from '../../src/render/vocabulary';

const hex = (n: number) => n.toString(16);

/** A fake kernel: 4-byte pointers in a word map; `reads` counts the walker's own reads. */
function fakeKernel(words: Map<number, number>) {
  let reads = 0;
  const k = {
    pointerSize: 4,
    warnings: new Warnings(),
    plausible: (a: string | undefined) => a !== undefined && a !== '0' && (parseInt(a, 16) & 3) === 0,
    plausibleLink: (a: string) => k.plausible(a),
    target: {
      read(address: string, size: number) {
        reads++;
        const out: number[] = [];
        for (let o = 0; o < size; o += 4) {
          const w = words.get(parseInt(address, 16) + o);
          if (w === undefined) return undefined;
          out.push(w & 0xff, (w >>> 8) & 0xff, (w >>> 16) & 0xff, (w >>> 24) & 0xff);
        }
        return out;
      },
    },
  };
  return { k: k as unknown as KernelContext, reads: () => reads, lines: () => warningLines(k.warnings.summary()) };
}

/** A circular list head -> e[0] -> ... -> head, each LIST_ENTRY { Flink, Blink } in `words`. */
function list(head: number, n: number): { words: Map<number, number>; elements: number[] } {
  const words = new Map<number, number>();
  const elements = Array.from({ length: n }, (_, i) => 0x1000 + i * 0x100);
  const all = [head, ...elements];
  all.forEach((e, i) => {
    words.set(e, all[(i + 1) % all.length]);
    words.set(e + 4, all[(i + all.length - 1) % all.length]);
  });
  return { words, elements };
}

const HEAD = 0x800;
const REF = { list: 'irp-list' as const, owner: '87000000' };

function walk(words: Map<number, number>, options = {}) {
  const f = fakeKernel(words);
  const seen: number[] = [];
  const w = walkList(f.k, hex(HEAD), REF, (e) => {
    seen.push(parseInt(e, 16));
    return undefined;
  }, options);
  return { ...f, seen, w };
}

describe('walkList', () => {
  it('walks an intact list in order, closed, no warning', () => {
    const { words, elements } = list(HEAD, 5);
    const r = walk(words);
    expect(r.seen).toEqual(elements);
    expect(r.w).toMatchObject({ closed: true, capped: false, visited: 5, recovered: 0 });
    expect(r.lines()).toEqual([]);
  });

  it('recovers the elements after a smashed Flink backwards through Blink', () => {
    const { words, elements } = list(HEAD, 5);
    words.set(elements[1], 3);
    const r = walk(words);
    expect(r.seen).toEqual([elements[0], elements[1], elements[4], elements[3], elements[2]]);
    expect(r.w).toMatchObject({ closed: false, recovered: 3, visited: 5 });
    expect(r.lines()).toEqual(['1 list cut at a bad link', '1 list element recovered backwards']);
  });

  it('puts recovered elements back in list order (readList)', () => {
    const { words, elements } = list(HEAD, 5);
    words.set(elements[2], 0);
    const f = fakeKernel(words);
    const got = readList(f.k, hex(HEAD), REF, (e) => ({ item: parseInt(e, 16), links: undefined }));
    expect(got.items).toEqual(elements);
    expect(f.lines()).toEqual(['1 list cut at a bad link', '1 list element recovered backwards']);
  });

  it('cuts a cycle once; nothing is left to recover when the tail was reached', () => {
    const { words, elements } = list(HEAD, 4);
    words.set(elements[3], elements[0]); // the last entry points back at the first, never at the head
    const r = walk(words);
    expect(r.seen).toEqual(elements);
    expect(r.lines()).toEqual(['1 list cycle cut']);
  });

  it('a smashed Flink and a smashed Blink: what lies between stays unseen, said by the cut', () => {
    const { words, elements } = list(HEAD, 6);
    words.set(elements[1], 3);
    words.set(elements[4] + 4, 5);
    const r = walk(words);
    expect(r.seen).toEqual([elements[0], elements[1], elements[5], elements[4]]);
    expect(r.lines()).toEqual(['1 list cut at a bad link', '1 list element recovered backwards']);
  });

  it('a given cap ends the walk quietly and recovers nothing (a long list is not damage)', () => {
    const { words, elements } = list(HEAD, 10);
    const r = walk(words, { cap: 4 });
    expect(r.seen).toEqual(elements.slice(0, 4));
    expect(r.w).toMatchObject({ closed: false, capped: true, recovered: 0 });
    expect(r.lines()).toEqual([]);
    expect(walk(words, { cap: 4, capIsDamage: true }).lines()).toEqual(['1 list cycle cut']);
  });

  it('counts the cuts under the list\'s own kind where it has one', () => {
    const { words, elements } = list(HEAD, 3);
    words.set(elements[0], 2);
    expect(walk(words, { cutKind: 'critical-section-list-cut' }).lines()).toEqual(['1 critical section list cut', '1 list element recovered backwards']);
  });

  it('says an unreadable head once and visits nothing', () => {
    const r = walk(new Map());
    expect(r.seen).toEqual([]);
    expect(r.lines()).toEqual(['1 list head unreadable']);
  });

  it('costs one read per element when the visitor gives the links, and never asks for Blink on an intact list', () => {
    const { words, elements } = list(HEAD, 5);
    const f = fakeKernel(words);
    let blinkAsked = 0;
    const links = (e: number) => ({
      flink: hex(words.get(e)!),
      get blink() {
        blinkAsked++;
        return hex(words.get(e + 4)!);
      },
    });
    walkList(f.k, hex(HEAD), REF, (e) => links(parseInt(e, 16)), { links: links(HEAD) });
    expect([f.reads(), blinkAsked]).toEqual([0, 0]);
    words.set(elements[1], 3);
    walkList(f.k, hex(HEAD), REF, (e) => links(parseInt(e, 16)), { links: links(HEAD) });
    expect(f.reads()).toBe(0);
    expect(blinkAsked).toBe(4); // the head's, then each element recovered
  });
});

describe('walkChain', () => {
  it('walks a null-terminated chain to its end; a bad link and a cycle cut it', () => {
    const words = new Map([[0x100, 0x200], [0x200, 0x300], [0x300, 0]]);
    const seen: string[] = [];
    const f = fakeKernel(words);
    expect(walkChain(f.k, '100', REF, (e) => void seen.push(e)).closed).toBe(true);
    expect(seen).toEqual(['100', '200', '300']);
    words.set(0x300, 0x100);
    expect(walkChain(f.k, '100', REF, () => undefined).closed).toBe(false);
    words.set(0x300, 0x301);
    expect(walkChain(f.k, '100', REF, () => undefined).closed).toBe(false);
    expect(f.lines()).toEqual(['1 list cycle cut', '1 list cut at a bad link']);
  });
});

describe('walkChain over a ring without a head (KWAIT_BLOCK.NextWaitBlock)', () => {
  it('closes on its first element; a ring that loops elsewhere is cut once, each element visited once', () => {
    const words = new Map([[0x100, 0x200], [0x200, 0x300], [0x300, 0x100]]);
    const f = fakeKernel(words);
    const seen: string[] = [];
    const ring = { list: 'wait-block-ring' as const, owner: '87000000' };
    expect(walkChain(f.k, '100', ring, (e) => void seen.push(e), { end: '100', cutKind: 'wait-block-ring-cut' }).closed).toBe(true);
    expect(seen).toEqual(['100', '200', '300']);
    expect(f.lines()).toEqual([]);
    words.set(0x300, 0x200);
    seen.length = 0;
    expect(walkChain(f.k, '100', ring, (e) => void seen.push(e), { end: '100', cutKind: 'wait-block-ring-cut' }).closed).toBe(false);
    expect(seen).toEqual(['100', '200', '300']);
    expect(f.lines()).toEqual(['1 wait block ring cut']);
  });
});

describe('LinkGuard (shared with the device tree walk)', () => {
  it('takes a step once per address, refuses implausible ones and stops at its bound', () => {
    const g = new LinkGuard((a) => a !== '0', 2);
    expect([g.step('10'), g.step('10'), g.step('0'), g.step('20'), g.step('30')]).toEqual(['ok', 'seen', 'bad', 'ok', 'cap']);
  });

  it('remembers every address of a long walk too (past the short-walk array), and counts them', () => {
    const g = new LinkGuard(() => true, 100);
    const addresses = Array.from({ length: 40 }, (_, i) => (0x1000 + i * 8).toString(16));
    expect(addresses.map((a) => g.step(a)).every((s) => s === 'ok')).toBe(true);
    expect([g.size, g.step(addresses[0]), g.step(addresses[20]), g.has(addresses[39]), g.has('1')]).toEqual([40, 'seen', 'seen', true, false]);
  });
});
