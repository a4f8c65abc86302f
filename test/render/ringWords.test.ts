// !ringdump's words (src/render/ringWords.ts): every problem, warning and note the reader and the
// analysis return renders to its line; a kind without words does not compile.
import { describe, expect, it } from 'vitest';
import type { RingProblem, RingWarning } from '../../src/analysis/rings/ringdump';
import { valueText } from '../../src/render/ringFormat';
import { arrayText, devnodeStateText, notShownText, ringNameText, ringNoteText, ringProblemText, ringWarningText } from '../../src/render/ringWords';

const byName = { kind: 'text', text: 'mydriver!g_History' } as const;
const byAddress = { kind: 'address', address: '89f00000' } as const;

/** One sample per problem kind: a kind missing here fails to compile. */
const PROBLEMS: { [K in RingProblem['kind']]: Extract<RingProblem, { kind: K }> } = {
  'not-a-symbol': { kind: 'not-a-symbol', text: 'g History' },
  'no-such-symbol': { kind: 'no-such-symbol', symbol: 'mydriver!g_Nope' },
  'no-type-for-path': { kind: 'no-type-for-path', symbol: 'mydriver!g_Log', path: '.History' },
  'no-such-member': { kind: 'no-such-member', symbol: 'mydriver!g_Log', typeName: '_LOG', member: 'Nope' },
  'type-not-found': { kind: 'type-not-found', module: 'mydriver', name: '_NOPE' },
  'ring-without-address': { kind: 'ring-without-address' },
  'value-not-a-ring': { kind: 'value-not-a-ring' },
  'no-address': { kind: 'no-address', name: byName },
  'ring-pointer-unreadable': { kind: 'ring-pointer-unreadable', name: byName },
  'ring-pointer-null': { kind: 'ring-pointer-null', name: byName },
  'ring-pointer-needs-count': { kind: 'ring-pointer-needs-count', name: byName, typeName: '_MY_HISTORY *' },
  'ring-pointer-needs-type': { kind: 'ring-pointer-needs-type', name: byName, typeName: 'void *' },
  'not-an-array': { kind: 'not-an-array', name: byName, typeName: 'unsigned long' },
  'address-needs-type-and-count': { kind: 'address-needs-type-and-count' },
  'no-type-information': { kind: 'no-type-information', name: byName },
  'needs-type-and-count': { kind: 'needs-type-and-count', name: byAddress },
  'element-without-size': { kind: 'element-without-size', name: byName, elementName: '_EMPTY' },
  'no-slots': { kind: 'no-slots', name: byName },
  'ring-too-big': { kind: 'ring-too-big', name: byAddress, capacity: 100000000, elementSize: 8, maxBytes: 67108864 },
  'index-is-an-address': { kind: 'index-is-an-address' },
  'index-without-type': { kind: 'index-without-type', name: { kind: 'unnamed' } },
  'index-not-an-integer': { kind: 'index-not-an-integer', name: byName, typeName: '_LOG' },
  'index-size-unsupported': { kind: 'index-size-unsupported', name: byName, size: 3 },
  'index-unreadable': { kind: 'index-unreadable', name: byName },
  'no-ring-named': { kind: 'no-ring-named' },
  'devnode-needs-kernel': { kind: 'devnode-needs-kernel' },
  'devnode-unreadable': { kind: 'devnode-unreadable', address: '8b56f5d0' },
};

const WARNINGS: { [K in RingWarning['kind']]: Extract<RingWarning, { kind: K }> } = {
  'slots-unreadable': { kind: 'slots-unreadable', unreadable: 2, capacity: 8 },
  'element-without-fields': { kind: 'element-without-fields', elementName: '_MY_HISTORY' },
  'seq-unusable': { kind: 'seq-unusable', problem: { kind: 'no-such-field', path: 'Seq', elementName: '_MY_HISTORY' } },
  'index-unusable': { kind: 'index-unusable', problem: { kind: 'index-unreadable', name: { kind: 'text', text: 'mydriver!g_Index' } } },
  'unknown-fields': { kind: 'unknown-fields', unknown: ['Nope'], fields: ['Irp', 'Status'] },
  'state-not-in-enum': { kind: 'state-not-in-enum', state: 99, stateEnum: '_PNP_DEVNODE_STATE', devnode: '8b56f5d0' },
  'no-history-index': { kind: 'no-history-index' },
  'history-index-out-of-range': { kind: 'history-index-out-of-range', next: 40, capacity: 20 },
};

describe('!ringdump words', () => {
  it('every problem kind is one line naming the ring as typed or by its address', () => {
    for (const p of Object.values(PROBLEMS)) {
      const line = ringProblemText(p, 4);
      expect(line, p.kind).not.toMatch(/undefined|\[object Object\]|\n/);
      expect(line.length, p.kind).toBeGreaterThan(10);
    }
    expect(ringProblemText(PROBLEMS['ring-pointer-null'], 4)).toBe('mydriver!g_History is NULL: the ring is not allocated');
    expect(ringProblemText(PROBLEMS['needs-type-and-count'], 8)).toBe('00000000`89f00000: give the element type and size with -type <T> -count <N>');
    expect(ringProblemText(PROBLEMS['index-without-type'], 4)).toBe('index has no type information (public symbols?): cannot tell its size');
    expect(ringProblemText(PROBLEMS['devnode-unreadable'], 8)).toBe('device node 00000000`8b56f5d0 is unreadable');
    expect(ringProblemText(PROBLEMS['no-such-member'], 4)).toBe('mydriver!g_Log (_LOG) has no member Nope');
  });

  it('every warning kind is one line', () => {
    for (const w of Object.values(WARNINGS)) expect(ringWarningText(w, 4), w.kind).not.toMatch(/undefined|\[object Object\]|\n/);
    expect(ringWarningText(WARNINGS['index-unusable'], 4)).toBe('index: mydriver!g_Index is unreadable: slot order shown');
    expect(ringWarningText(WARNINGS['seq-unusable'], 4)).toBe('-seq Seq: _MY_HISTORY has no such field: slot order shown');
    expect(ringWarningText(WARNINGS['unknown-fields'], 4)).toBe('-f: no field Nope in the entries (fields: Irp, Status)');
    expect(ringWarningText(WARNINGS['state-not-in-enum'], 4)).toBe('State 99 is not a _PNP_DEVNODE_STATE value: is 8b56f5d0 a device node?');
  });

  it('names, notes, device node states and the tail of a long array', () => {
    expect(ringNameText(byAddress, 8, 'ring')).toBe('00000000`89f00000');
    expect(arrayText({ kind: 'devnode-history', devnode: '8b56f5d0' }, 4)).toBe('8b56f5d0.StateHistory');
    expect(arrayText({ kind: 'placeholder', what: 'devnode' }, 4)).toBe('devnode');
    expect(ringNoteText({ kind: 'devnodes', total: 1, withHistory: 1 }, 4)).toBe('1 device node, 1 with a state history');
    expect(ringNoteText({ kind: 'devnodes', total: 12, withHistory: 3 }, 4)).toBe('12 device nodes, 3 with a state history');
    expect(ringNoteText('2 objects unreadable', 4)).toBe('2 objects unreadable');
    expect(devnodeStateText({ kind: 'value', value: 0x30a, name: 'DeviceNodeStarted' })).toBe('DeviceNodeStarted');
    expect(devnodeStateText({ kind: 'value', value: 99 })).toBe('#99');
    expect([devnodeStateText({ kind: 'none' }), devnodeStateText({ kind: 'unread' })]).toEqual(['none', '?']);
    expect(notShownText(12)).toBe('(12 more not shown)');
    // The text report quotes it like the text value it always was.
    expect(valueText({ kind: 'not-shown', count: 12 }, new Map(), 4)).toBe('"(12 more not shown)"');
  });
});
