// Hand-built snapshots for the mock-host tests: a tiny kernel (x64 or x86) with three processes,
// threads, a driver with globals, user memory in two address spaces and an unreadable hole.
// Deliberately independent of mocks/layouts and mocks/builder: offsets are made up but plausible.
import { SNAPSHOT_FORMAT, type Snapshot } from '../../mocks/format/snapshot';
import type { TypeDef } from '../../mocks/format/typedef';
import { createMockHost, type MockHost } from '../../mocks/host';
import { loadScript, type LoadedScript } from '../../mocks/loader';

export type Arch = 'x64' | 'x86';

const h = (v: bigint) => v.toString(16);

/** Sparse memory made of regions; writes go into the region that holds the address. */
export class Mem {
  regions: { start: bigint; bytes: Uint8Array; process?: bigint }[] = [];

  alloc(start: bigint, size: number, process?: bigint): void {
    this.regions.push({ start, bytes: new Uint8Array(size), process });
  }

  private region(addr: bigint, process?: bigint) {
    const r = this.regions.find((x) => addr >= x.start && addr < x.start + BigInt(x.bytes.length) && x.process === process);
    if (!r) throw new Error(`fixture: no region for ${h(addr)}`);
    return r;
  }

  write(addr: bigint, bytes: ArrayLike<number>, process?: bigint): void {
    const r = this.region(addr, process);
    r.bytes.set(bytes, Number(addr - r.start));
  }

  int(addr: bigint, size: number, v: bigint | number, process?: bigint): void {
    let x = BigInt.asUintN(size * 8, BigInt(v));
    const b: number[] = [];
    for (let i = 0; i < size; i++) { b.push(Number(x & 0xffn)); x >>= 8n; }
    this.write(addr, b, process);
  }

  ascii(addr: bigint, s: string, process?: bigint): void {
    this.write(addr, [...s].map((c) => c.charCodeAt(0)).concat([0]), process);
  }

  wide(addr: bigint, s: string, withNul = true): void {
    const b: number[] = [];
    for (const c of s) b.push(c.charCodeAt(0) & 0xff, c.charCodeAt(0) >> 8);
    if (withNul) b.push(0, 0);
    this.write(addr, b);
  }

  toRanges(): Snapshot['memory'] {
    return this.regions.map((r) => ({
      address: h(r.start), hex: Buffer.from(r.bytes).toString('hex'), ...(r.process !== undefined ? { process: h(r.process) } : {}),
    }));
  }
}

export function ntTypes(P: 4 | 8): TypeDef[] {
  return [
    { name: '_LIST_ENTRY', kind: 'struct', size: 2 * P, fields: [
      { name: 'Flink', offset: 0, type: '_LIST_ENTRY*' }, { name: 'Blink', offset: P, type: '_LIST_ENTRY*' }] },
    { name: '_CLIENT_ID', kind: 'struct', size: 2 * P, fields: [
      { name: 'UniqueProcess', offset: 0, type: 'VOID*' }, { name: 'UniqueThread', offset: P, type: 'VOID*' }] },
    { name: '_UNICODE_STRING', kind: 'struct', size: 2 * P, fields: [
      { name: 'Length', offset: 0, type: 'USHORT' }, { name: 'MaximumLength', offset: 2, type: 'USHORT' },
      { name: 'Buffer', offset: P, type: 'WCHAR*' }] },
    { name: '_KWAIT_REASON', kind: 'enum', size: 4, values: { Executive: 0, FreePage: 1, UserRequest: 6, WrQueue: 15 } },
    { name: '_EPROCESS', kind: 'struct', size: 0x100, fields: [
      { name: 'UniqueProcessId', offset: 0x40, type: 'VOID*' },
      { name: 'ActiveProcessLinks', offset: 0x48, type: '_LIST_ENTRY' },
      { name: 'ImageFileName', offset: 0x60, type: 'UCHAR[15]' },
      { name: 'ThreadListHead', offset: 0x70, type: '_LIST_ENTRY' },
      { name: 'Peb', offset: 0x80, type: 'VOID*' },
      { name: 'CreateTime', offset: 0x88, type: 'LONGLONG' },
      { name: 'Flags', offset: 0x90, type: 'ULONG' },
      // A member whose name clashes with a projected name (docs/jsprovider.md §Property lookup): reachable via getObjectValue.
      { name: 'address', offset: 0x94, type: 'ULONG' }] },
    { name: '_ETHREAD', kind: 'struct', size: 0x100, fields: [
      { name: 'State', offset: 0, type: 'UCHAR' },
      { name: 'WaitReason', offset: 4, type: '_KWAIT_REASON' },
      { name: 'MiscFlags', offset: 8, type: 'ULONG' },
      { name: 'AutoAlignment', offset: 8, type: 'ULONG', bitPos: 0, bitLen: 1 },
      { name: 'DisableBoost', offset: 8, type: 'ULONG', bitPos: 1, bitLen: 1 },
      { name: 'Spare', offset: 8, type: 'ULONG', bitPos: 2, bitLen: 2 },
      { name: 'SignedBits', offset: 8, type: 'LONG', bitPos: 4, bitLen: 3 },
      { name: 'Priority', offset: 0xc, type: 'CHAR' },
      { name: 'BigFlags', offset: 0x10, type: 'ULONG64' },
      { name: 'HighBits', offset: 0x10, type: 'ULONG64', bitPos: 40, bitLen: 20 },
      { name: 'Cid', offset: 0x20, type: '_CLIENT_ID' },
      { name: 'ThreadListEntry', offset: 0x30, type: '_LIST_ENTRY' },
      { name: 'Process', offset: 0x40, type: '_EPROCESS*' },
      { name: 'WaitTime', offset: 0x48, type: 'ULONG' },
      { name: 'Counter', offset: 0x50, type: 'ULONG64' },
      { name: 'Teb', offset: 0x58, type: 'VOID*' },
      { name: 'Name', offset: 0x60, type: 'WCHAR[8]' },
      { name: 'Self', offset: 0x70, type: '_ETHREAD*' },
      { name: 'SelfRef', offset: 0x78, type: '_ETHREAD**' },
      { name: 'Matrix', offset: 0x80, type: 'USHORT[2][3]' },
      { name: 'Reasons', offset: 0x90, type: '_KWAIT_REASON[2]' },
      { name: 'Label', offset: 0xa0, type: '_UNICODE_STRING' },
      { name: 'Wild', offset: 0xb0, type: '_EPROCESS*' },
      { name: 'Null', offset: 0xb8, type: '_EPROCESS*' },
      { name: 'Tail', offset: 0xf8, type: 'ULONG' }] },
  ];
}

export interface SystemOptions {
  /** Process names to leave out of PsActiveProcessHead (present in memory, unlinked). */
  unlink?: string[];
  /** Make the process list circular without returning to the head (corrupt). */
  corruptProcessList?: boolean;
  /** No `current` block. */
  noCurrent?: boolean;
}

export interface SystemAddresses {
  ntBase: bigint;
  psHead: bigint;
  processes: { name: string; pid: number; eprocess: bigint; threads: { tid: number; ethread: bigint }[] }[];
  user: bigint;
  shared: bigint;
  hole: bigint;
  g_History: bigint;
  g_Index: bigint;
  kernelBlob: bigint;
  wideString: bigint;
}

export function addressesFor(arch: Arch): SystemAddresses {
  const x64 = arch === 'x64';
  const k = (lo: bigint) => (x64 ? 0xffffe00000000000n : 0x89000000n) + lo;
  return {
    ntBase: x64 ? 0xfffff80000000000n : 0x80800000n,
    psHead: x64 ? 0xfffff80000100000n : 0x80900000n,
    processes: [
      { name: 'System', pid: 4, eprocess: k(0x1000n), threads: [{ tid: 8, ethread: k(0x11000n) }] },
      { name: 'foo.exe', pid: 0x1b4, eprocess: k(0x2000n), threads: [{ tid: 0x1c0, ethread: k(0x12000n) }, { tid: 0x1c4, ethread: k(0x12400n) }] },
      { name: 'bar.exe', pid: 0x2c0, eprocess: k(0x3000n), threads: [{ tid: 0x2c4, ethread: k(0x13000n) }] },
    ],
    user: x64 ? 0x7ff000001000n : 0x7f001000n,
    shared: 0x7ffe0000n,
    hole: k(0x50000n),
    g_History: x64 ? 0xfffff80001000000n : 0x81000000n,
    g_Index: x64 ? 0xfffff80001000040n : 0x81000040n,
    kernelBlob: k(0x40000n),
    wideString: k(0x58000n),
  };
}

export function buildSystem(arch: Arch = 'x64', opts: SystemOptions = {}): Snapshot {
  const P = arch === 'x64' ? 8 : 4;
  const a = addressesFor(arch);
  const m = new Mem();
  const ptr = (addr: bigint, v: bigint, process?: bigint) => m.int(addr, P, v, process);
  const link = (head: bigint, entries: bigint[]) => {
    const all = [head, ...entries];
    all.forEach((e, i) => {
      ptr(e, all[(i + 1) % all.length]);
      ptr(e + BigInt(P), all[(i + all.length - 1) % all.length]);
    });
  };

  m.alloc(a.psHead, 0x100);
  for (const p of a.processes) {
    m.alloc(p.eprocess, 0x100);
    ptr(p.eprocess + 0x40n, BigInt(p.pid));
    m.ascii(p.eprocess + 0x60n, p.name);
    m.int(p.eprocess + 0x88n, 8, 0x01d9000012345678n);
    m.int(p.eprocess + 0x94n, 4, 0xadd);
    for (const t of p.threads) {
      m.alloc(t.ethread, 0x100);
      ptr(t.ethread + 0x20n, BigInt(p.pid));
      ptr(t.ethread + 0x20n + BigInt(P), BigInt(t.tid)); // Cid.UniqueThread
      ptr(t.ethread + 0x40n, p.eprocess);
    }
    link(p.eprocess + 0x70n, p.threads.map((t) => t.ethread + 0x30n));
  }
  const linked = a.processes.filter((p) => !opts.unlink?.includes(p.name));
  link(a.psHead, linked.map((p) => p.eprocess + 0x48n));
  if (opts.corruptProcessList) {
    // Last entry points back to the first entry, never to the head.
    ptr(linked[linked.length - 1].eprocess + 0x48n, linked[0].eprocess + 0x48n);
  }

  // The thread used by the typed-object tests: foo.exe's first thread.
  const t = a.processes[1].threads[0].ethread;
  m.int(t + 0x0n, 1, 5); // State
  m.int(t + 0x4n, 4, 6); // WaitReason = UserRequest
  // MiscFlags: AutoAlignment=1, DisableBoost=0, Spare=3, SignedBits=0b101 (-3 as a signed 3-bit field)
  m.int(t + 0x8n, 4, 0b1011101);
  m.int(t + 0xcn, 1, -2); // Priority (CHAR)
  m.int(t + 0x10n, 8, 0xf0000000000000ffn | (0x12345n << 40n)); // HighBits (40..59) = 0x12345
  m.int(t + 0x48n, 4, 0x1234);
  m.int(t + 0x50n, 8, 0xfedcba9876543210n);
  ptr(t + 0x58n, a.user);
  m.wide(t + 0x60n, 'Worker', true);
  ptr(t + 0x70n, t);
  ptr(t + 0x78n, t + 0x70n);
  for (let i = 0; i < 6; i++) m.int(t + 0x80n + BigInt(2 * i), 2, 0x10 * (i + 1));
  m.int(t + 0x90n, 4, 15);
  m.int(t + 0x94n, 4, 99); // no enumerator has 99
  m.int(t + 0xa0n, 2, 10); // Label.Length (bytes)
  m.int(t + 0xa2n, 2, 12);
  ptr(t + 0xa0n + BigInt(P), a.wideString);
  ptr(t + 0xb0n, a.hole + 0x10n); // Wild: points into the unreadable hole
  ptr(t + 0xb8n, 0n);

  m.alloc(a.kernelBlob, 0x20000);
  for (let i = 0; i < 0x40; i++) m.int(a.kernelBlob + 0x100n + BigInt(i), 1, i);
  m.wide(a.wideString, 'Hello', true);
  m.ascii(a.kernelBlob + 0x200n, 'narrow text');
  // Runs into the end of the range: no NUL is readable after it.
  m.write(a.kernelBlob + 0x1fffbn, [...'edge!'].map((c) => c.charCodeAt(0)));

  m.alloc(a.g_History, 0x80);
  for (let i = 0; i < 4; i++) m.int(a.g_History + BigInt(4 * i), 4, 0x100 + i);
  m.int(a.g_Index, 4, 3);

  // User memory: the same address in two processes, and a shared (process-less) page.
  const foo = a.processes[1].eprocess, bar = a.processes[2].eprocess;
  m.alloc(a.user, 0x10, foo);
  m.ascii(a.user, 'AAAA', foo);
  m.alloc(a.user, 0x10, bar);
  m.ascii(a.user, 'BBBB', bar);
  m.alloc(a.shared, 0x10);
  m.ascii(a.shared, 'shared');

  const ntName = arch === 'x64' ? 'ntkrnlmp.exe' : 'nt';
  const frame = (text: string, ip: bigint, fo: bigint, so: bigint) => ({ text, instructionOffset: h(ip), frameOffset: h(fo), stackOffset: h(so) });
  const nt = a.ntBase;
  return {
    format: SNAPSHOT_FORMAT,
    header: { arch, pointerSize: P as 4 | 8, layout: `fixture-${arch}`, osVersion: '10.0', buildNumber: 19041, dumpKind: 'kernel', source: 'fixture' },
    modules: [
      { name: ntName, base: h(nt), size: 0x800000, kernel: true, symbols: [
        { name: 'PsActiveProcessHead', address: h(a.psHead), type: '_LIST_ENTRY' },
        { name: 'KiSwapContext', address: h(nt + 0x1000n), size: 0x100 },
        { name: 'KeWaitForSingleObject', address: h(nt + 0x2000n), size: 0x400 },
        { name: 'KeDelayExecutionThread', address: h(nt + 0x3000n) },
        { name: 'KeNumberProcessors', address: h(a.psHead + 0x20n), type: 'ULONG' },
      ] },
      { name: 'mydriver.sys', base: h(a.g_History - 0x1000n), size: 0x10000, kernel: true, symbols: [
        { name: 'g_History', address: h(a.g_History), type: 'ULONG[4]' },
        { name: 'g_Index', address: h(a.g_Index), type: 'ULONG' },
        { name: 'g_Code', address: h(a.g_History + 0x100n), size: 0x10 },
      ] },
      { name: 'ntdll.dll', base: arch === 'x64' ? '7ffa00000000' : '77000000', size: 0x100000, kernel: false, symbols: [] },
    ],
    types: { nt: ntTypes(P as 4 | 8), mydriver: [] },
    memory: m.toRanges(),
    unreadable: [{ address: h(a.hole), size: 0x1000 }],
    threads: [
      { address: h(t), frames: [
        frame('nt!KiSwapContext+0x7a', nt + 0x107an, 0n, 0x1000n),
        frame('nt!KeWaitForSingleObject+0x346', nt + 0x2346n, 0n, 0x1080n),
        frame('mydriver!Worker+0x10', a.g_History - 0x1000n + 0x510n, 0n, 0x1100n),
      ], registers: { rsp: '1000', rip: h(nt + 0x107an) } },
    ],
    ...(opts.noCurrent ? {} : { current: { process: h(a.processes[1].eprocess), thread: h(t) } }),
  };
}

/** A mock host already in phase 2 with API 1.9, driven directly. */
export function host2(arch: Arch = 'x64', opts: SystemOptions = {}): { mock: MockHost; host: any; a: SystemAddresses } {
  const mock = createMockHost(buildSystem(arch, opts), { phase: 2, apiVersion: { major: 1, minor: 9 } });
  return { mock, host: mock.host as any, a: addressesFor(arch) };
}

/** A script loaded by the loader (with apiVersionSupport 1.9 unless the code says otherwise). */
export function load(code: string, arch: Arch = 'x64', opts: SystemOptions = {}): LoadedScript {
  return loadScript(code, buildSystem(arch, opts));
}

export const ALIAS_ECHO = `
"use strict";
function echo() { return Array.prototype.slice.call(arguments); }
function initializeScript() {
  return [new host.apiVersionSupport(1, 9), new host.functionAlias(echo, 'echo')];
}`;
