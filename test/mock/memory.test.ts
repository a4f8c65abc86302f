import { describe, expect, it } from 'vitest';
import { addressesFor, host2, load } from './fixtures';

const hex = (v: bigint) => '0x' + v.toString(16);

describe('host.memory (docs/jsprovider.md §host.memory, §Errors)', () => {
  it('§host.memory: readMemoryValues sizes 1/2/4 return typed arrays (unsigned by default)', () => {
    const { host, a } = host2();
    const at = host.Int64(Number(a.kernelBlob & 0xffffffffn), Number(a.kernelBlob >> 32n)).add(0x100);
    const b = host.memory.readMemoryValues(at, 4);
    expect(b).toBeInstanceOf(Uint8Array);
    expect(Array.from(b)).toEqual([0, 1, 2, 3]);
    const w = host.memory.readMemoryValues(at, 2, 2);
    expect(w).toBeInstanceOf(Uint16Array);
    expect(Array.from(w)).toEqual([0x0100, 0x0302]);
    const d = host.memory.readMemoryValues(at, 1, 4);
    expect(d).toBeInstanceOf(Uint32Array);
    expect(d[0]).toBe(0x03020100);
  });

  it('§host.memory: isSigned gives Int8Array/Int16Array/Int32Array', () => {
    const { host, a } = host2();
    const t = host.parseInt64(a.processes[1].threads[0].ethread.toString(16), 16);
    const c = host.memory.readMemoryValues(t.add(0xc), 1, 1, true);
    expect(c).toBeInstanceOf(Int8Array);
    expect(c[0]).toBe(-2);
    expect(host.memory.readMemoryValues(t.add(0xc), 1, 2, true)).toBeInstanceOf(Int16Array);
    expect(host.memory.readMemoryValues(t.add(0xc), 1, 4, true)).toBeInstanceOf(Int32Array);
  });

  it('§host.memory: 8-byte elements arrive as an array of Int64', () => {
    const { host, a } = host2();
    const t = host.parseInt64(a.processes[1].threads[0].ethread.toString(16), 16);
    const q = host.memory.readMemoryValues(t.add(0x50), 2, 8);
    expect(Array.isArray(q)).toBe(true);
    expect(q[0].toString(16)).toBe('fedcba9876543210');
    expect(q[0]).toBe(host.parseInt64('fedcba9876543210', 16));
  });

  it('§host.memory: location may be a number, an Int64, a location object or a native pointer', () => {
    const { host, a } = host2('x86');
    const eth = a.processes[1].threads[0].ethread;
    expect(host.memory.readMemoryValues(Number(eth) + 0x48, 1, 4)[0]).toBe(0x1234);
    const obj = host.createTypedObject(Number(eth), 'nt', '_ETHREAD');
    expect(host.memory.readMemoryValues(obj.targetLocation.add(0x48), 1, 4)[0]).toBe(0x1234);

    expect(host.memory.readMemoryValues(obj.Self, 1, 1)[0]).toBe(5); // State via the pointer's value
  });

  it('§Errors: unreadable memory throws the exact readMemoryValues message with the requested location', () => {
    const { host, a } = host2();
    const at = host.parseInt64(a.hole.toString(16), 16).subtract(4);
    // The range starts readable and runs into the hole: the requested location is reported.
    expect(() => host.memory.readMemoryValues(at, 16)).toThrow(
      `Unable to read target memory at '${hex(a.hole - 4n)}' in method 'readMemoryValues'`);
    expect(() => host.memory.readMemoryValues(0x1000, 1)).toThrow(
      "Unable to read target memory at '0x1000' in method 'readMemoryValues'");
  });

  it('§host.memory: user addresses are read in the current process, or the contextInheritor\'s', () => {
    const { host, a } = host2();
    const text = (arr: ArrayLike<number>) => String.fromCharCode(...Array.from(arr));
    // Current process: foo.exe
    expect(text(host.memory.readMemoryValues(host.parseInt64(a.user.toString(16), 16), 4))).toBe('AAAA');
    const bar = host.currentSession.Processes.getValueAt(0x2c0);
    expect(text(host.memory.readMemoryValues(host.parseInt64(a.user.toString(16), 16), 4, 1, false, bar))).toBe('BBBB');
    // A thread of bar, and a native object created in bar's context, carry bar's address space.
    const barThread = bar.Threads.getValueAt(0x2c4);
    expect(host.memory.readString(host.parseInt64(a.user.toString(16), 16), undefined, barThread)).toBe('BBBB');
    expect(host.memory.readString(host.parseInt64(a.user.toString(16), 16), undefined, barThread.KernelObject)).toBe('BBBB');
    // System has no mapping there.
    const system = host.currentSession.Processes.getValueAt(4);
    expect(() => host.memory.readMemoryValues(host.parseInt64(a.user.toString(16), 16), 4, 1, false, system)).toThrow(/Unable to read target memory/);
    // Process-less user ranges are visible everywhere; kernel addresses ignore the context.
    expect(host.memory.readString(0x7ffe0000, undefined, system)).toBe('shared');
    expect(host.memory.readString(host.parseInt64(a.kernelBlob.toString(16), 16).add(0x200), undefined, system)).toBe('narrow text');
  });

  it('§host.memory: readString stops at NUL; a length bounds it', () => {
    const { host, a } = host2();
    const at = host.parseInt64(a.kernelBlob.toString(16), 16).add(0x200);
    expect(host.memory.readString(at)).toBe('narrow text');
    expect(host.memory.readString(at, 6)).toBe('narrow');
    expect(host.memory.readString(at, 100)).toBe('narrow text');
  });

  it('§host.memory: readWideString reads UTF-16 up to NUL', () => {
    const { host, a } = host2();
    const at = host.parseInt64(a.wideString.toString(16), 16);
    expect(host.memory.readWideString(at)).toBe('Hello');
    expect(host.memory.readWideString(at, 4)).toBe('Hell');
  });

  it('§Errors: readString/readWideString failures use the same message with their method name [UNCONFIRMED]', () => {
    const { host, a } = host2();
    expect(() => host.memory.readString(0x1000)).toThrow("Unable to read target memory at '0x1000' in method 'readString'");
    expect(() => host.memory.readWideString(host.parseInt64(a.hole.toString(16), 16))).toThrow(
      `Unable to read target memory at '${hex(a.hole)}' in method 'readWideString'`);
  });

  it('§host.memory: readString without length stops quietly at the end of readable memory (our choice)', () => {
    const { host, a } = host2();
    expect(host.memory.readString(host.parseInt64(a.kernelBlob.toString(16), 16).add(0x1fffb))).toBe('edge!');
    expect(() => host.memory.readString(host.parseInt64(a.kernelBlob.toString(16), 16).add(0x1fffb), 8)).toThrow(/in method 'readString'/);
  });

  it('§host.memory: errors are created in the script realm (instanceof Error inside the vm)', () => {
    const s = load(`
      function t() { try { host.memory.readMemoryValues(0x1000, 1); } catch (e) { return e instanceof Error && e.message; } }
      function u() { return host.memory.readMemoryValues(0x${addressesFor('x64').shared.toString(16)}, 2) instanceof Uint8Array; }
      function initializeScript() { return [new host.apiVersionSupport(1, 9), new host.functionAlias(t, 't'), new host.functionAlias(u, 'u')]; }`);
    expect(s.run('!t').value).toBe("Unable to read target memory at '0x1000' in method 'readMemoryValues'");
    expect(s.run('!u').value).toBe(true);
  });

  it('§Data model: counters: readMemoryValues calls and bytes read', () => {
    const { host, mock, a } = host2();
    mock.counters.reset();
    host.memory.readMemoryValues(host.parseInt64(a.kernelBlob.toString(16), 16), 16);
    host.memory.readMemoryValues(host.parseInt64(a.kernelBlob.toString(16), 16), 2, 8);
    const c = mock.counters.snapshot();
    expect(c.byApi.readMemoryValues).toBe(2);
    expect(c.bytesRead).toBe(32);
    expect(c.total).toBe(2);
  });
});
