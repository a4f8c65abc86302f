// !ringdump end to end: the real bundle on the mock WinDbg, under every layout a scenario allows
// (x86 scenarios also on the x64 layouts, with the driver's types rebuilt by x64 C rules and every
// address relocated). Seed 004's rings, rings that have and have not wrapped, -pre/-post, indices of
// 8/32/64 bits signed and unsigned, -seq with a wrapped counter, -f/-n/-grep, -array, member paths,
// pointers with -type/-count, -devnode <address>|all, both argument forms and the dx form, bad input.
import { join } from 'node:path';
import { layoutNamed } from '../../mocks/layouts';
import { describe, expect, it } from 'vitest';
import { buildSnapshot, loadScenario, relocateExpect } from '../../mocks/builder';
import { checkRing, checkRingOn, ringCommand } from '../../mocks/harness/ringExpect';
import { bundleCode, displayRelocation, layoutsOf, relocateJson, relocateText, runOnSnapshot } from '../../mocks/harness/run';
import { loadScript } from '../../mocks/loader';
import { irqlReadable, lpcOnly, testLayoutsOf } from '../layoutMatrix';

const SEED = '004-codemachine-circular-trace-buffers';
const DEVNODE_SEED = '004-devnode-pnp-state-history-wrapped';
const DRIVER = join(__dirname, '..', 'scenarios', 'ring-driver-rings.json');
const DEVNODES = join(__dirname, '..', 'scenarios', 'ring-devnodes.json');
const X64 = join(__dirname, '..', 'scenarios', 'ring-x64-native.json');

interface Entry {
  position: number;
  slot: number;
  sequence?: string;
  address: string;
  unreadable?: boolean;
  fields: Record<string, unknown>;
  symbols?: Record<string, unknown>;
  enumValues?: Record<string, number>;
}
interface Ring {
  array: string;
  capacity: number;
  newestSlot: number | null;
  wrapped: boolean | null;
  order: string;
  total: number;
  entries: Entry[];
  warnings: string[];
  error?: string;
  index?: { name: string; value: string; decimal: string; bits: number };
  devnode?: { address: string; instancePath: string; state: string; previousState: string };
  notes?: string[];
}

interface Run {
  output: string;
  json: Ring & { rings?: Ring[] };
  value: unknown;
  error?: string;
  readCalls: number;
}

/**
 * One loaded script per scenario and layout; output and JSON mapped back to the scenario's addresses.
 * `{addr}` in a command is the scenario address `addr` as the layout holds it (relocated on x64).
 */
function session(id: string, layout: string): (command: string) => Run {
  const scenario = loadScenario(id);
  const snapshot = buildSnapshot(scenario, layout);
  const relocation = displayRelocation(scenario, layout);
  const script = loadScript(bundleCode(), snapshot);
  return (line) => {
    const command = line.replace(/\{([0-9a-f]{8})\}/g, (_, a: string) => (relocation ? relocation.toTarget(a) : a));
    script.counters.reset();
    const r = script.run(command);
    const raw = r.value && typeof (r.value as { __toJSON?: unknown }).__toJSON === 'function' ? (r.value as { __toJSON(): unknown }).__toJSON() : undefined;
    return {
      output: relocation ? relocateText(r.output, relocation) : r.output,
      json: (relocation ? relocateJson(raw, relocation) : raw) as Run['json'],
      value: r.value,
      error: r.error,
      readCalls: script.counters.snapshot().byApi['memory.readMemoryValues'] || 0,
    };
  };
}

const fieldsOf = (r: Ring, key: string) => r.entries.map((e) => e.fields[key]);
const slotsOf = (r: Ring) => r.entries.map((e) => e.slot);

describe.each(testLayoutsOf(SEED))('seed 004 rings, %s', (layout) => {
  const run = session(SEED, layout);

  it('meets expect.ring through the harness checker (the lead\'s --check wiring)', () => {
    const scenario = loadScenario(SEED);
    const snapshot = buildSnapshot(scenario, layout);
    const expectation = relocateExpect(scenario.expect, displayRelocation(scenario, layout)) as { ring: unknown };
    expect(ringCommand(expectation.ring as { array: string })).toBe('!ringdump (mydriver!g_History, mydriver!g_Index)');
    expect(checkRingOn(expectation.ring, (c) => runOnSnapshot(snapshot, c))).toEqual([]);
  });

  it('g_History has wrapped: oldest slot 6, newest slot 5, writes 6..13, in both argument forms and the dx form', () => {
    const forms = [
      '!ringdump (mydriver!g_History, mydriver!g_Index)',
      '!ringdump "mydriver!g_History mydriver!g_Index"',
      '!ringdump "mydriver!g_History mydriver!g_Index -pre"',
      'dx @$ringdump("mydriver!g_History", "mydriver!g_Index")',
      '!ringdump (mydriver!g_History, "mydriver!g_Index")',
    ];
    for (const form of forms) {
      const r = run(form);
      expect(r.error, form).toBeUndefined();
      expect(r.json.array, form).toBe('mydriver!g_History');
      expect(r.json.capacity).toBe(8);
      expect(r.json.wrapped).toBe(true);
      expect(r.json.newestSlot).toBe(5);
      expect(slotsOf(r.json)).toEqual([6, 7, 0, 1, 2, 3, 4, 5]);
      expect(r.json.entries.map((e) => e.sequence)).toEqual(['6', '7', '8', '9', '10', '11', '12', '13']);
      expect(fieldsOf(r.json, 'Information')).toEqual(['89f06008', '89f07008', '89f08008', '89f09008', '89f0a008', '89f0b008', '89f0c008', '89f0d008']);
    }
    const text = run('!ringdump (mydriver!g_History, mydriver!g_Index)').output;
    expect(text).toMatch(/^mydriver!g_History: _MY_HISTORY\[8\] at .*-pre: slot = \+\+index mod 8\n  wrapped: all 8 slots hold entries, oldest first; newest in slot 5\n/);
    expect(text).toMatch(/\n {2}0 \[6\] #6 +Information: 89f06008\n/);
    expect(text).toMatch(/\n {2}7 \[5\] #13 +Information: 89f0d008 +<- newest\n$/);
  });

  it('-post reads the same memory as index++ % N', () => {
    const r = run('!ringdump "mydriver!g_History mydriver!g_Index -post"');
    expect(r.json.order).toBe('post');
    expect(r.json.newestSlot).toBe(4);
    expect(slotsOf(r.json)).toEqual([5, 6, 7, 0, 1, 2, 3, 4]);
  });

  it('the backtrace ring has not wrapped: slots 1..5 only, one symbolised frame per line', () => {
    const r = run('!ringdump (mydriver!g_BackTraceHistory, mydriver!g_BackTraceIndex)');
    expect(r.json.wrapped).toBe(false);
    expect(r.json.capacity).toBe(1024);
    expect(slotsOf(r.json)).toEqual([1, 2, 3, 4, 5]);
    expect(fieldsOf(r.json, 'Hash')).toEqual([523918455, 1796091281, 523918455, 743410179, 1796091281]);
    expect(r.json.entries[0].symbols!.Address).toEqual(['mydriver!MyReferenceContext+0x1e', 'mydriver!MyPreCreate+0x9c', 'mydriver!MyDispatchCreate+0x41']);
    expect(r.output).toContain(
      [
        '  0 [   1] #1  Hash: 0x1f3a5c77',
        '               Address: mydriver!MyReferenceContext+0x1e',
        '                        mydriver!MyPreCreate+0x9c',
        '                        mydriver!MyDispatchCreate+0x41',
      ].join('\n'),
    );
    // one read for the 16 KB array, one for the index
    expect(r.readCalls).toBeLessThanOrEqual(3);
  });

  it('-array dumps the freed-structure cache in slot order, enums by name, nested structures flattened', () => {
    const r = run('!ringdump "-array mydriver!g_MyStructCache"');
    expect(r.json.order).toBe('slots');
    expect(r.json.newestSlot).toBeNull();
    expect(fieldsOf(r.json, 'Sequence')).toEqual([27, 26]);
    expect(fieldsOf(r.json, 'State')).toEqual(['InCompletionQueue', 'NotQueued']);
    expect(r.json.entries[0].enumValues).toEqual({ State: 2 });
    expect(Object.keys(r.json.entries[0].fields)).toEqual(['Reserved.Flink', 'Reserved.Blink', 'Sequence', 'Irp', 'Data', 'Links.Flink', 'Links.Blink', 'State']);
    expect(r.output).toContain('State: 2 (InCompletionQueue)');
    expect(r.output).toContain('Data: ""');
    // the bare symbol form is the same plain slot order, and says how to get time order
    const bare = run('!ringdump mydriver!g_MyStructCache');
    expect(slotsOf(bare.json)).toEqual([0, 1]);
    expect(bare.output).toContain('no index: give the index variable, or -seq <field>, for time order');
  });

  it('-seq orders the cache by its sequence numbers; -f picks fields', () => {
    const r = run('!ringdump "mydriver!g_MyStructCache -seq Sequence -f State,Irp"');
    expect(slotsOf(r.json)).toEqual([1, 0]);
    expect(r.json.entries.map((e) => e.sequence)).toEqual(['26', '27']);
    expect(Object.keys(r.json.entries[0].fields)).toEqual(['Irp', 'State']);
    expect(r.output).toMatch(/ 1 \[0\] #27 +Irp: 89f0d008 {2}State: 2 \(InCompletionQueue\) +<- newest/);
  });

  it('dx @$ringdump() is a collection of entries with Position, Slot, Sequence and the native element', () => {
    const r = run('dx @$ringdump("mydriver!g_History", "mydriver!g_Index")');
    const list = r.value as { Position: number; Slot: number; Sequence: number; Information: string; Element: { Information: { address: { toString(radix: number): string } } }; toString(): string }[];
    expect(Array.isArray(list)).toBe(true);
    expect(list.length).toBe(8);
    expect(list.map((e) => [e.Position, e.Slot, e.Sequence])).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((p) => [p, (p + 6) % 8, p + 6]));
    expect(list[0].Information).toMatch(/89f06008$|`/);
    // click-through: the element as a native _MY_HISTORY, its field readable
    const native = list[7].Element;
    expect(native).toBeTruthy();
    expect(native.Information.address.toString(16)).toMatch(layout.endsWith('x64') ? /^ffffa/ : /^89f0d008$/);
    expect(String(list)).toBe('mydriver!g_History: 8 of 8 entries (wrapped, newest slot 5)');
    expect(String(list[0])).toMatch(/^\[0\] slot 6: Information: /);
    // grid-friendly: flat properties only
    expect(Object.keys(list[0]).filter((k) => !k.startsWith('__'))).toEqual(['Position', 'Slot', 'Sequence', 'Information']);
  });

  it('-n and -grep select the newest and the matching entries, keeping positions', () => {
    const r = run('!ringdump "mydriver!g_BackTraceHistory mydriver!g_BackTraceIndex -grep MyPreCreate -n 1"');
    expect(r.json.total).toBe(5);
    expect(r.json.entries.map((e) => e.position)).toEqual([2]);
    expect(r.output).toContain('1 of 5 entries shown');
    const none = run('!ringdump "mydriver!g_History mydriver!g_Index -grep nothing-like-this"');
    expect(none.json.entries).toEqual([]);
    expect(none.output).toContain('no entry matches');
  });

  it('"-?" prints the usage; a bad option gives a one-line message and the usage', () => {
    const help = run('!ringdump "-?"');
    expect(help.output).toMatch(/^usage: !ringdump \(<array>, <index>\)/);
    expect(help.output).toContain('-devnode <address>|all');
    expect(help.value).toBeUndefined();
    for (const [cmd, message] of [
      ['!ringdump "mydriver!g_History -x"', /^ringdump: unknown option -x\nusage:/],
      ['!ringdump "mydriver!g_History -n"', /^ringdump: -n needs a value\nusage:/],
      ['!ringdump', /^ringdump: name the ring \(an array symbol\), or -devnode\nusage:/],
      ['!ringdump "-devnode zz"', /^ringdump: -devnode: 'zz' is not a device node address \(or all\)\nusage:/],
      ['!ringdump "mydriver!g_History mydriver!g_Index mydriver!g_Index"', /^ringdump: too many arguments/],
    ] as [string, RegExp][]) {
      const r = run(cmd);
      expect(r.error, cmd).toBeUndefined();
      expect(r.output, cmd).toMatch(message);
    }
  });
});

describe.each(testLayoutsOf(DEVNODE_SEED))('seed 004 devnode state history, %s', (layout) => {
  const run = session(DEVNODE_SEED, layout);

  it('meets expect.ring through the harness checker', () => {
    const scenario = loadScenario(DEVNODE_SEED);
    const snapshot = buildSnapshot(scenario, layout);
    const expectation = relocateExpect(scenario.expect, displayRelocation(scenario, layout)) as { ring: { array: string } };
    expect(ringCommand(expectation.ring)).toMatch(/^!ringdump "-devnode [0-9a-f]+"$/);
    expect(checkRingOn(expectation.ring, (c) => runOnSnapshot(snapshot, c))).toEqual([]);
  });

  it('StateHistoryEntry 7 is the next slot to write: oldest slot 7, newest slot 6, states by name, instance path', () => {
    const r = run('!ringdump "-devnode {8b56f5d0}"');
    expect(r.json.array).toBe('8b56f5d0.StateHistory');
    expect(r.json.wrapped).toBe(true);
    expect(r.json.newestSlot).toBe(6);
    expect(slotsOf(r.json)).toEqual([7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 0, 1, 2, 3, 4, 5, 6]);
    expect(fieldsOf(r.json, 'State')[19]).toBe('DeviceNodeEnumerateCompletion');
    expect(r.json.devnode).toMatchObject({ instancePath: 'SCSI\\Disk&Ven_A&Prod_Virtual_disk&Rev_1.0\\4&1588251b&0&000', state: 'DeviceNodeStarted', previousState: 'DeviceNodeEnumerateCompletion' });
    expect(r.output).toMatch(/^devnode 8b56f5d0 {2}SCSI\\Disk&Ven_A&Prod_Virtual_disk&Rev_1.0\\4&1588251b&0&000 {2}\(service disk\)\n/);
    // The value is the build's own (24H2 inserted two states before it: 0x30a there, 0x308 before).
    const started = layoutNamed(layout).types.nt.find((t) => t.name === '_PNP_DEVNODE_STATE')!.values!.DeviceNodeStarted;
    expect(r.output).toContain(`0 [ 7]  State: 0x${started.toString(16)} (DeviceNodeStarted)`);
  });

  it('-devnode all walks the tree from nt!IopRootDeviceNode and shows the nodes with a history', () => {
    const r = run('!ringdump "-devnode all"');
    expect(r.json.rings!.map((x) => x.array)).toEqual(['8b56f5d0.StateHistory']);
    expect(r.json.notes).toContain('2 device nodes, 1 with a state history');
    expect(checkRing({ array: '8b56f5d0.StateHistory', entries: ['DeviceNodeStarted'], newestSlot: 6 }, r.json)).toEqual(['ring 8b56f5d0.StateHistory: 20 entries, expected 1']);
  });
});

describe.each(testLayoutsOf(DRIVER))('driver rings, %s', (layout) => {
  const run = session(DRIVER, layout);
  const x64 = layout.endsWith('x64');

  it('a wrapped ring of structures: slots 4..7,0..3, written sequence = the entry\'s own Sequence, element size per layout', () => {
    const r = run('!ringdump (mydriver!g_Ring, mydriver!g_RingIndex)');
    expect(slotsOf(r.json)).toEqual([4, 5, 6, 7, 0, 1, 2, 3]);
    expect(r.json.entries.map((e) => String(e.fields.Sequence))).toEqual(r.json.entries.map((e) => e.sequence));
    expect(fieldsOf(r.json, 'State')).toEqual(['ReqCompleted', 'ReqCompleted', 'ReqCompleted', 'ReqCompleted', 'ReqCompleted', 'ReqInDevice', 'ReqQueued', 'ReqQueued']);
    expect(fieldsOf(r.json, 'Tag')[7]).toBe('IOCTL');
    expect(fieldsOf(r.json, 'Io.Status')[6]).toBe(-1073741536);
    expect(fieldsOf(r.json, 'Io.Information')[4]).toBe(512);
    // the x86 and x64 builds of the driver lay _REQ_ENTRY out differently (48 vs 80 bytes)
    const a = BigInt(`0x${r.json.entries[0].address}`);
    const b = BigInt(`0x${r.json.entries[1].address}`);
    expect(Number(b - a)).toBe(x64 ? 80 : 48);
    expect(r.output).toContain('Io.Status: 0xc0000120 (-1073741536)');
    expect(r.output).toContain('Caller: mydriver!MyDeviceControl+0x112  <- newest');
    expect(r.output).toMatch(/\n {13}Stack: mydriver!MyRead\+0x3c\n {20}mydriver!MyDispatch\+0x20\n {20}nt!IofCallDriver\+0x48\n/);
  });

  it('a ring that has not wrapped shows only the written slots', () => {
    const r = run('!ringdump (mydriver!g_Small, mydriver!g_SmallIndex)');
    expect(r.json.wrapped).toBe(false);
    expect(slotsOf(r.json)).toEqual([1, 2, 3]);
    expect(r.output).toContain('not wrapped: 3 of 8 slots written, oldest first; newest in slot 3');
  });

  it('-post with a 64-bit index; a scalar element is one Value field', () => {
    const r = run('!ringdump "mydriver!g_PostRing mydriver!g_PostIndex -post"');
    expect(r.json.index).toMatchObject({ name: 'mydriver!g_PostIndex', decimal: '6', bits: 64 });
    expect(slotsOf(r.json)).toEqual([2, 3, 0, 1]);
    expect(fieldsOf(r.json, 'Value')).toEqual([0x102, 0x103, 0x104, 0x105]);
  });

  it('a 64-bit index past 2^32 keeps exact slots and write numbers', () => {
    const r = run('!ringdump (mydriver!g_WideRing, mydriver!g_WideIndex)');
    expect(r.json.newestSlot).toBe(4);
    expect(slotsOf(r.json)).toEqual([0, 1, 2, 3, 4]);
    expect(r.json.entries.map((e) => e.sequence)).toEqual(['4294967295', '4294967296', '4294967297', '4294967298', '4294967299']);
    expect(fieldsOf(r.json, 'Value')).toEqual([0xa0, 0xa1, 0xa2, 0xa3, 0xa4]);
  });

  it('signed indices count as the unsigned value of their width (32-bit -2, 64-bit -3), and an 8-bit one works', () => {
    const neg = run('!ringdump "mydriver!g_NegRing mydriver!g_NegIndex"');
    expect(neg.json.index).toMatchObject({ value: 'fffffffe', bits: 32 });
    expect(neg.json.newestSlot).toBe(14);
    expect(slotsOf(neg.json)[0]).toBe(15);
    const neg64 = run('!ringdump "mydriver!g_NegRing mydriver!g_Neg64Index -post"');
    expect(neg64.json.index).toMatchObject({ value: 'fffffffffffffffd', bits: 64 });
    expect(neg64.json.newestSlot).toBe(12);
    expect(neg64.json.entries[15].sequence).toBe('18446744073709551612');
    const byte = run('!ringdump "mydriver!g_NegRing mydriver!g_ByteIndex"');
    expect(byte.json.index).toMatchObject({ value: 'ff', bits: 8 });
    expect(byte.json.newestSlot).toBe(15);
  });

  it('the index as a dx value (a number) and as a literal in the string', () => {
    for (const cmd of ['!ringdump (mydriver!g_NegRing, mydriver!g_NegIndex)', '!ringdump "mydriver!g_NegRing 0xfffffffe"', '!ringdump (mydriver!g_NegRing, -2)']) {
      const r = run(cmd);
      expect(r.json.newestSlot, cmd).toBe(14);
      expect(r.json.index!.value, cmd).toBe('fffffffe');
    }
    expect(run('!ringdump "mydriver!g_Small 0n3"').json.newestSlot).toBe(3);
  });

  it('-seq orders by a 16-bit sequence number that wrapped, leaving the never-written slots out', () => {
    const r = run('!ringdump "mydriver!g_SeqRing -seq Seq"');
    expect(slotsOf(r.json)).toEqual([3, 4, 5, 6, 0, 1]);
    expect(r.json.entries.map((e) => e.sequence)).toEqual(['65533', '65534', '65535', '0', '1', '2']);
    expect(r.json.newestSlot).toBe(1);
    expect(r.json.wrapped).toBe(false);
  });

  it('a ring and its index inside a structure global (member paths)', () => {
    const r = run('!ringdump "mydriver!g_Log.History mydriver!g_Log.Index"');
    expect(r.json.array).toBe('mydriver!g_Log.History');
    expect(fieldsOf(r.json, 'Value')).toEqual([0x1001, 0x1002]);
  });

  it('a pointer to the ring with -count (and -type for a PVOID); -f, -n, -grep', () => {
    const typed = run('!ringdump "mydriver!g_pRing mydriver!g_RingIndex -count 8 -f Sequence,State -n 3"');
    expect(slotsOf(typed.json)).toEqual([1, 2, 3]);
    expect(Object.keys(typed.json.entries[0].fields)).toEqual(['Sequence', 'State']);
    const untyped = run('!ringdump "mydriver!g_pAnyRing mydriver!g_RingIndex -count 8 -type _REQ_ENTRY -grep MyWrite -f Tag"');
    expect(untyped.json.entries.map((e) => e.position)).toEqual([1, 5]);
    expect(fieldsOf(untyped.json, 'Tag')).toEqual(['WRITE', 'WRITE']);
    // the pointer as a dx value: its value is the ring's address
    const native = run('!ringdump (mydriver!g_pRing, mydriver!g_RingIndex, "-count 8")');
    expect(native.json.newestSlot).toBe(3);
    expect(fieldsOf(native.json, 'Sequence')).toEqual([4, 5, 6, 7, 8, 9, 10, 11]);
    expect(run('!ringdump "mydriver!g_pRing mydriver!g_RingIndex"').output).toBe('ringdump: mydriver!g_pRing is a pointer (_REQ_ENTRY *): give the ring\'s size with -count <N>\n');
    expect(run('!ringdump "mydriver!g_pAnyRing mydriver!g_RingIndex -count 8"').output).toBe('ringdump: mydriver!g_pAnyRing is a void *: give the element type with -type <T>\n');
  });

  it('unreadable slots: a warning, those slots marked, the rest decoded (a partial result)', () => {
    const r = run('!ringdump (mydriver!g_Broken, mydriver!g_BrokenIndex)');
    const bad = r.json.entries.filter((e) => e.unreadable).map((e) => e.slot);
    // the 16 hole bytes are 2 slots on x86; the relocation scales the hole by 8 on x64
    expect(bad).toEqual(x64 ? Array.from({ length: 16 }, (_, i) => 16 + i) : [2, 3]);
    expect(r.json.warnings).toContain(`${bad.length} of 64 slots unreadable`);
    const good = r.json.entries.filter((e) => !e.unreadable);
    expect(good.length).toBe(64 - bad.length);
    for (const e of good) expect(e.fields.Value).toBe(0x1000 + Number(e.sequence));
    expect(r.output).toMatch(x64 ? /\[16\] #80 +<unreadable>/ : /\[ 2\] #66 +<unreadable>/);
  });

  it('bad input: a clear one-line message, and a partial result where there is one', () => {
    const cases: [string, string][] = [
      ['!ringdump "mydriver!g_Nope mydriver!g_RingIndex"', 'ringdump: mydriver!g_Nope: no such symbol (check the module name; .reload)\n'],
      ['!ringdump "nosuchdriver!g_Ring"', 'ringdump: nosuchdriver!g_Ring: no such symbol (check the module name; .reload)\n'],
      ['!ringdump "mydriver!g_NotArray mydriver!g_RingIndex"', 'ringdump: mydriver!g_NotArray is not an array (unsigned long): give an array, or a pointer or address with -type <T> -count <N>\n'],
      ['!ringdump "mydriver!g_Log.Nope"', 'ringdump: mydriver!g_Log (_LOG) has no member Nope\n'],
      ['!ringdump "mydriver!g_pAnyRing -count 8 -type _NO_SUCH_TYPE"', 'ringdump: type mydriver!_NO_SUCH_TYPE not found (check the module name; .reload)\n'],
      ['!ringdump "mydriver!g_pNullRing -count 8"', 'ringdump: mydriver!g_pNullRing is NULL: the ring is not allocated\n'],
    ];
    for (const [cmd, text] of cases) {
      const r = run(cmd);
      expect(r.error, cmd).toBeUndefined();
      expect(r.output, cmd).toBe(text);
      expect(r.json.error, cmd).toBe(text.replace(/^ringdump: /, '').trim());
      expect(r.json.entries, cmd).toEqual([]);
    }
    const noIndex = run('!ringdump "mydriver!g_Ring mydriver!g_Nope"');
    expect(noIndex.json.warnings).toEqual(['index: mydriver!g_Nope: no such symbol (check the module name; .reload): slot order shown']);
    expect(slotsOf(noIndex.json)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const indexNotInt = run('!ringdump "mydriver!g_Ring mydriver!g_Log"');
    expect(indexNotInt.json.warnings[0]).toBe('index: mydriver!g_Log is not an integer (_LOG): slot order shown');
    const badSeq = run('!ringdump "mydriver!g_Ring -seq Nope"');
    expect(badSeq.json.warnings).toEqual(['-seq Nope: _REQ_ENTRY has no such field: slot order shown']);
    const badF = run('!ringdump "mydriver!g_Ring mydriver!g_RingIndex -f State,Bogus"');
    expect(badF.json.warnings).toEqual(['-f: no field Bogus in _REQ_ENTRY (fields: Sequence, State, Irp, Major, Tag, Io, Caller, Stack)']);
    expect(Object.keys(badF.json.entries[0].fields)).toEqual(['State']);
  });
});

describe.each(testLayoutsOf(DEVNODES))('devnode rings, %s', (layout) => {
  const run = session(DEVNODES, layout);

  it('-devnode all: depth first from the root, only nodes with a history, each ordered by its own rule', () => {
    const r = run('!ringdump "-devnode all"');
    expect(r.json.rings!.map((x) => x.devnode!.address)).toEqual(['8b200000', '8b400000', '8b500000']);
    expect(r.json.notes).toContain('5 device nodes, 3 with a state history');
    const [notWrapped, outOfRange, wrappedAtZero] = r.json.rings!;
    expect(notWrapped.wrapped).toBe(false);
    expect(fieldsOf(notWrapped, 'State')).toEqual(['DeviceNodeUninitialized', 'DeviceNodeInitialized', 'DeviceNodeDriversAdded', 'DeviceNodeResourcesAssigned']);
    expect(outOfRange.order).toBe('slots');
    expect(outOfRange.warnings).toEqual(['StateHistoryEntry 25 is outside the 20-slot ring (index out of range): slot order shown']);
    expect(fieldsOf(outOfRange, 'State')).toEqual(['DeviceNodeInitialized', 'DeviceNodeDriversAdded']);
    expect(wrappedAtZero.wrapped).toBe(true);
    expect(slotsOf(wrappedAtZero)[0]).toBe(0);
    expect(wrappedAtZero.newestSlot).toBe(19);
    expect(r.output).toContain('devnode 8b400000  ROOT\\BROKEN\\0000\n  State: DeviceNodeStarted  PreviousState: none');
  });

  it('a node whose history is empty says so; -n works per ring', () => {
    const empty = run('!ringdump "-devnode {8b300000}"');
    expect(empty.json.entries).toEqual([]);
    expect(empty.output).toContain('empty: nothing written yet');
    const newest = run('!ringdump "-devnode {8b500000} -n 2"');
    expect(fieldsOf(newest.json, 'State')).toEqual(['DeviceNodeEnumerateCompletion', 'DeviceNodeStarted']);
  });

  it('an unreadable device node is one line', () => {
    const r = run('!ringdump "-devnode {8b900000}"');
    expect(r.output).toMatch(/^ringdump: device node (8b900000|ffffa000`5c800000) is unreadable\n$/);
    expect(r.json.error).toMatch(/^device node .* is unreadable$/);
  });
});

describe.each(testLayoutsOf(X64))('native x64 driver, %s', (layout) => {
  const run = session(X64, layout);

  it('a ULONG64 index past 2^53: exact slot and write numbers', () => {
    const index = 0xffff000000000007n;
    const r = run('!ringdump (mydriver!g_Trace, mydriver!g_TraceIndex)');
    expect(r.json.newestSlot).toBe(Number(index % 6n));
    expect(r.json.entries[5].sequence).toBe(index.toString());
    expect(r.json.entries[0].sequence).toBe((index - 5n).toString());
    expect(r.json.index).toMatchObject({ value: 'ffff000000000007', bits: 64 });
    expect(fieldsOf(r.json, 'Time')).toEqual([1002, 1003, 1004, 1005, 1000, 1001]);
  });

  it('a ring at a bare address with -type -count', () => {
    const r = run('!ringdump "fffff80010020000 mydriver!g_TraceIndex -type mydriver!_TRACE_ENTRY -count 6"');
    expect(r.json.array).toBe('fffff800`10020000');
    expect(fieldsOf(r.json, 'Code')).toEqual([3, 4, 5, 6, 1, 2]);
    expect(run('!ringdump "fffff80010020000"').output).toBe('ringdump: a ring at an address needs -type <T> -count <N>\n');
  });

  it('an element type without fields: a warning, entries as bytes', () => {
    const r = run('!ringdump (mydriver!g_Opaque, mydriver!g_OpaqueIndex)');
    expect(r.json.warnings).toEqual(['element type _OPAQUE has no fields in the symbols (public symbols only?): entries shown as bytes']);
    expect(fieldsOf(r.json, 'Bytes')).toEqual(['00000000000000000000000000000000', '00000000000000000000000000000000']);
  });

  it('a ring of return addresses: each entry symbolised', () => {
    const r = run('!ringdump "mydriver!g_Stacks mydriver!g_StackIndex"');
    expect(r.json.entries.map((e) => e.symbols!.Value)).toEqual(['mydriver!MyRead+0x3c', 'mydriver!MyWrite+0x51', 'mydriver!MyRead+0x40']);
    expect(r.output).toContain('2 [3] #3  Value: mydriver!MyRead+0x40  <- newest');
  });
});

describe('checkRing (mocks/harness/ringExpect.ts)', () => {
  const ring = {
    array: 'mydriver!g_Ring',
    capacity: 4,
    newestSlot: 1,
    wrapped: true,
    entries: [
      { position: 0, slot: 2, fields: { State: 'InCompletionQueue', Irp: '89f0c008', 'Links.Flink': '0', Stack: ['80401010', '0'] }, enumValues: { State: 2 }, symbols: { Stack: ['mydriver!MyRead+0x3c', null] } },
      { position: 1, slot: 1, fields: { State: 'NotQueued', Irp: '89f0d008', 'Links.Flink': '0', Stack: ['0', '0'] }, enumValues: { State: 0 } },
    ],
  };

  it('compares exactly what is given: names or numbers for enums, addresses, symbols, nested objects', () => {
    expect(checkRing({ array: 'mydriver!g_Ring', entries: [{ State: 2, Irp: '0x89f0c008', Links: { Flink: '00000000' }, Stack: ['mydriver!MyRead+0x3c'] }, { State: 'NotQueued' }], newestSlot: 1, wrapped: true, capacity: 4 }, ring)).toEqual([]);
    expect(checkRing([{ array: 'mydriver!g_Ring', entries: [{}, {}] }], { rings: [ring] })).toEqual([]);
  });

  it('names each unmet expectation', () => {
    expect(checkRing({ array: 'mydriver!g_Ring', entries: [{ State: 'NotQueued' }, { Irp: '89f0d009', Bogus: 1 }], newestSlot: 0 }, ring)).toEqual([
      'ring mydriver!g_Ring: newest slot 1, expected 0',
      'ring mydriver!g_Ring entry 0 (slot 2): State = "InCompletionQueue", expected "NotQueued"',
      'ring mydriver!g_Ring entry 1 (slot 1): Irp = "89f0d008", expected "89f0d009"',
      'ring mydriver!g_Ring entry 1 (slot 1): no field Bogus (fields: State, Irp, Links.Flink, Stack)',
    ]);
    expect(checkRing({ array: 'mydriver!g_Other', entries: [] }, ring)).toEqual(['ring mydriver!g_Other: not in the result (got mydriver!g_Ring)']);
    expect(checkRing({ array: 'mydriver!g_Ring', entries: [{}] }, ring)).toEqual(['ring mydriver!g_Ring: 2 entries, expected 1']);
  });

  it('derives the command line from the array name', () => {
    expect(ringCommand({ array: 'mydriver!g_BackTraceHistory' })).toBe('!ringdump (mydriver!g_BackTraceHistory, mydriver!g_BackTraceIndex)');
    expect(ringCommand({ array: 'mydriver!g_MyStructCache' })).toBe('!ringdump "-array mydriver!g_MyStructCache"');
    expect(ringCommand({ array: 'mydriver!g_MyStructCache', seq: 'Sequence' })).toBe('!ringdump "mydriver!g_MyStructCache -seq Sequence"');
    expect(ringCommand({ array: 'ffffa0005ab7ae80.StateHistory' })).toBe('!ringdump "-devnode ffffa0005ab7ae80"');
    expect(ringCommand({ array: 'mydriver!g_X', index: 'mydriver!g_Y' })).toBe('!ringdump (mydriver!g_X, mydriver!g_Y)');
  });
});
