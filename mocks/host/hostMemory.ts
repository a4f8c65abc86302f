// host.memory (docs/jsprovider.md §host.memory). Errors (§Errors): a failed read throws
//   Error("Unable to read target memory at '0x<location>' in method '<method>'")
// with the REQUESTED location (§Errors quotes only requested locations), for readMemoryValues,
// readString and readWideString alike (the latter two [UNCONFIRMED], same form).
// Locations: a number, an Int64, a location object (targetLocation), a native pointer (its value)
// or another native object (its address). The address space is the contextInheritor's process,
// else the location object's/native object's own context, else host.currentProcess.
// readString/readWideString stop at NUL; with `length` they read at most `length` characters and
// throw if one before the NUL is unreadable; without it they stop quietly at unreadable memory
// once at least one character was read (our choice) and never read past 0x10000 characters.
import { MemoryFault, readUnsigned } from './memory';
import { contextOf, hex0x } from './env';
import type { Env } from './env';
import { MAX_STRING_UNITS, readUnits } from './strings';
import { pointerValue } from './typedObjects';

interface Resolved { address: bigint; process: bigint | undefined; fromObject: boolean }

export function resolveLocation(env: Env, location: unknown, method: string): Resolved {
  if (typeof location === 'number') {
    return { address: env.i64.toBigInt(location, method), process: undefined, fromObject: false };
  }
  if (env.i64.isInt64(location)) return { address: env.i64.toBigInt(location), process: undefined, fromObject: false };
  if (typeof location === 'object' && location !== null) {
    const loc = env.locations.get(location);
    if (loc) return { address: loc.address, process: loc.process, fromObject: true };
    const native = env.natives.get(location);
    if (native) {
      const address = native.type.kind === 'pointer' ? pointerValue(env, native) : native.address;
      if (address === undefined) throw new env.realm.Error('Object does not have an address');
      return { address, process: native.process, fromObject: true };
    }
  }
  throw new env.realm.TypeError(`${method}: invalid location (expected a number, an Int64, a location or a native object)`);
}

export function createMemoryApi(env: Env) {
  const failed = (address: bigint, method: string) =>
    new env.realm.Error(`Unable to read target memory at '${hex0x(address)}' in method '${method}'`);

  const where = (location: unknown, ctx: unknown, method: string) => {
    const r = resolveLocation(env, location, method);
    if (ctx === undefined && !env.mem.isUser(r.address)) return { address: r.address, process: undefined };
    // The process only selects user memory: a kernel address needs no current process.
    const fallback = () => (!env.mem.isUser(r.address) ? undefined : r.fromObject && r.process !== undefined ? r.process : env.currentProcess());
    // Host variant `no-process-context`: the context is ignored, user memory is the current process's.
    if (env.variants.has('no-process-context') && env.mem.isUser(r.address)) return { address: r.address, process: env.currentProcess() };
    const process = contextOf(env, ctx, fallback);
    return { address: r.address, process };
  };

  function readMemoryValues(location: unknown, numElements: unknown, elementSize: unknown = 1,
    isSigned: unknown = false, contextInheritor?: unknown): unknown {
    env.counters.count('readMemoryValues');
    const { address, process } = where(location, contextInheritor, 'readMemoryValues');
    const count = Number(numElements);
    const size = Number(elementSize);
    if (!Number.isInteger(count) || count < 0) throw new env.realm.RangeError('readMemoryValues: invalid element count');
    if (size !== 1 && size !== 2 && size !== 4 && size !== 8) throw new env.realm.RangeError('readMemoryValues: element size must be 1, 2, 4 or 8');
    let bytes: Uint8Array;
    try {
      bytes = env.mem.view(address, count * size, process); // copied into the script's arrays below
    } catch (e) {
      if (e instanceof MemoryFault) throw failed(address, 'readMemoryValues');
      throw e;
    }
    env.counters.addBytes(count * size);
    const signed = Boolean(isSigned);
    if (size === 8) {
      const out = new env.realm.Array();
      for (let i = 0; i < count; i++) out.push(env.i64.make(readUnsigned(bytes, i * 8, 8)));
      return out;
    }
    const R = env.realm;
    const Ctor = size === 1 ? (signed ? R.Int8Array : R.Uint8Array)
      : size === 2 ? (signed ? R.Int16Array : R.Uint16Array)
        : signed ? R.Int32Array : R.Uint32Array;
    const out = new Ctor(count);
    if (size === 1) {
      out.set(signed ? new Int8Array(bytes.buffer, bytes.byteOffset, count) : bytes);
      return out;
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < count; i++) out[i] = size === 2 ? view.getUint16(i * 2, true) : view.getUint32(i * 4, true); // stores wrap to the signed range for Int* kinds
    return out;
  }

  const stringReader = (method: 'readString' | 'readWideString', unit: 1 | 2) =>
    (location: unknown, length?: unknown, contextInheritor?: unknown): string => {
      env.counters.count(method);
      const { address, process } = where(location, contextInheritor, method);
      const exact = length !== undefined && length !== null;
      const max = exact ? Number(length) : MAX_STRING_UNITS;
      if (!Number.isInteger(max) || max < 0) throw new env.realm.RangeError(`${method}: invalid length`);
      try {
        const r = readUnits(env, address, unit, max, process, exact);
        env.counters.addBytes(r.bytes);
        return r.text;
      } catch (e) {
        if (e instanceof MemoryFault) throw failed(address, method);
        throw e;
      }
    };

  return {
    readMemoryValues,
    readString: stringReader('readString', 1),
    readWideString: stringReader('readWideString', 2),
    writeMemoryValues(): never {
      throw new env.realm.Error('mock: writeMemoryValues is not supported (the mock target is read-only)');
    },
    collectGarbage(): void {},
  };
}
