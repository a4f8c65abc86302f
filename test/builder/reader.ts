// A tiny, independent reader for builder snapshots (tests only; does not use the builder's struct writer).
import type { Snapshot } from '../../mocks/format/snapshot';
import type { TypeDef } from '../../mocks/format/typedef';

export class Reader {
  private readonly types = new Map<string, TypeDef>();
  constructor(readonly snap: Snapshot) {
    for (const mod of ['nt', 'ntdll', ...Object.keys(snap.types)]) for (const t of snap.types[mod] ?? []) if (!this.types.has(t.name)) this.types.set(t.name, t);
  }

  get ptr(): number { return this.snap.header.pointerSize; }

  bytes(addr: bigint, size: number, process?: string): Uint8Array | undefined {
    for (const m of this.snap.memory) {
      if ((m.process ?? undefined) !== process) continue;
      const base = BigInt('0x' + m.address);
      const b = m.bytes!;
      if (addr >= base && addr + BigInt(size) <= base + BigInt(b.length)) {
        const o = Number(addr - base);
        return b.subarray(o, o + size);
      }
    }
    return undefined;
  }

  u(addr: bigint, size: number, process?: string): bigint {
    const b = this.bytes(addr, size, process);
    if (!b) throw new Error(`unreadable ${addr.toString(16)}${process ? ' in ' + process : ''}`);
    let v = 0n;
    for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
    return v;
  }

  s(addr: bigint, size: number, process?: string): bigint { return BigInt.asIntN(size * 8, this.u(addr, size, process)); }

  p(addr: bigint, process?: string): bigint { return this.u(addr, this.ptr, process); }

  sizeOf(ref: string): number {
    if (ref.endsWith('*')) return this.ptr;
    const a = /^(.*)\[(\d+)\]$/.exec(ref);
    if (a) return this.sizeOf(a[1]!) * Number(a[2]);
    const base: Record<string, number> = { UCHAR: 1, CHAR: 1, USHORT: 2, SHORT: 2, ULONG: 4, LONG: 4, ULONG64: 8, LONG64: 8, LONGLONG: 8, ULONGLONG: 8 };
    if (ref in base) return base[ref]!;
    if (['PVOID', 'ULONG_PTR', 'LONG_PTR', 'SIZE_T'].includes(ref)) return this.ptr;
    return this.types.get(ref)!.size;
  }

  /** offset, size and bits of a dotted path ("Tcb.WaitBlockList", "WaitBlock[1].Object"). */
  field(type: string, path: string): { offset: number; size: number; type: string; bitPos?: number; bitLen?: number } {
    let off = 0;
    let t = type;
    let last: { size: number; type: string; bitPos?: number; bitLen?: number } = { size: 0, type };
    for (const seg of path.split('.')) {
      const m = /^(\w+)(?:\[(\d+)\])?$/.exec(seg)!;
      const def = this.types.get(t);
      if (!def) throw new Error(`no type ${t}`);
      const f = def.fields!.find((x) => x.name === m[1] && x.bitLen === undefined) ?? def.fields!.find((x) => x.name === m[1]);
      if (!f) throw new Error(`${t} has no ${m[1]}`);
      off += f.offset;
      t = f.type;
      if (m[2] !== undefined) {
        t = /^(.*)\[\d+\]$/.exec(t)![1]!;
        off += Number(m[2]) * this.sizeOf(t);
      }
      last = { size: this.sizeOf(t), type: t, bitPos: f.bitPos, bitLen: f.bitLen };
    }
    return { offset: off, ...last };
  }

  off(type: string, path: string): bigint { return BigInt(this.field(type, path).offset); }

  get(addr: bigint, type: string, path: string, process?: string): bigint {
    const f = this.field(type, path);
    const v = this.u(addr + BigInt(f.offset), Math.min(f.size, 8), process);
    if (f.bitLen !== undefined) return (v >> BigInt(f.bitPos ?? 0)) & ((1n << BigInt(f.bitLen)) - 1n);
    return v;
  }

  enumValue(enumName: string, name: string): number {
    return this.types.get(enumName)!.values![name]!;
  }

  symbol(module: string, name: string): bigint {
    const m = this.snap.modules.find((x) => x.name.toLowerCase() === module.toLowerCase())!;
    return BigInt('0x' + m.symbols.find((s) => s.name === name)!.address);
  }

  hasType(name: string): boolean { return this.types.has(name); }

  /** Entries of a LIST_ENTRY list (addresses of the links), stopping at the head. */
  list(head: bigint, process?: string): bigint[] {
    const out: bigint[] = [];
    let e = this.p(head, process);
    while (e !== head && out.length < 10000) { out.push(e); e = this.p(e, process); }
    return out;
  }

  unicode(at: bigint, process?: string): string {
    const len = Number(this.u(at, 2, process));
    const buf = this.p(at + BigInt(this.ptr === 8 ? 8 : 4), process);
    const b = this.bytes(buf, len, process)!;
    let s = '';
    for (let i = 0; i < len; i += 2) s += String.fromCharCode(b[i]! | (b[i + 1]! << 8));
    return s;
  }
}

export const h = (s: string): bigint => BigInt('0x' + s);
