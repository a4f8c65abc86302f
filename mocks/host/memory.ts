// The target's memory, as the snapshot describes it (docs/jsprovider.md §host.memory semantics live in hostMemory.ts).
// Address spaces: kernel addresses are global; user-mode addresses (below the user limit) belong
// to one process, identified by its EPROCESS address (MemoryRange.process). A user range without
// `process` is visible in every process (like KUSER_SHARED_DATA): our choice, the format allows it.
import type { MemorySource, Snapshot } from '../format/snapshot';

export class MemoryFault extends Error {
  readonly address: bigint;
  constructor(address: bigint) {
    // Caught inside the mock and turned into the debugger's error: no stack to capture (thousands per run).
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(`mock: unreadable target memory at 0x${address.toString(16)}`);
    Error.stackTraceLimit = limit;
    this.address = address;
  }
}

interface Range {
  start: bigint;
  end: bigint; // exclusive
  bytes: Uint8Array;
  process?: bigint;
}

interface Hole {
  start: bigint;
  end: bigint;
  process?: bigint;
}

export const hex = (s: string): bigint => BigInt('0x' + s.replace(/`/g, '').replace(/^0x/i, ''));

export class MemoryImage {
  readonly userLimit: bigint;
  private kernel: Range[] = [];
  private user: Range[] = [];
  private holes: Hole[];
  // maxEnd[i] = largest end among ranges 0..i: lets find() stop scanning back early.
  private kernelMaxEnd: bigint[];
  private userMaxEnd: bigint[];
  /** A crash dump's pages, read on demand where no range covers an address (mocks/dump/). */
  private source?: MemorySource;

  constructor(snapshot: Snapshot) {
    this.source = snapshot.memorySource;
    this.userLimit = snapshot.header.arch === 'x64' ? 0x800000000000n : 0x80000000n;
    for (const r of snapshot.memory) {
      const start = hex(r.address);
      // Ranges carry hex (JSON form) or bytes (the builder's in-memory form); bytes are used as is.
      const bytes = r.bytes ?? new Uint8Array(Buffer.from(r.hex ?? '', 'hex'));
      const range: Range = { start, end: start + BigInt(bytes.length), bytes,
        process: r.process !== undefined ? hex(r.process) : undefined };
      (start < this.userLimit ? this.user : this.kernel).push(range);
    }
    this.kernel.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
    this.user.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
    const prefixMax = (list: Range[]) => {
      const out: bigint[] = [];
      let m = 0n;
      for (const r of list) { if (r.end > m) m = r.end; out.push(m); }
      return out;
    };
    this.kernelMaxEnd = prefixMax(this.kernel);
    this.userMaxEnd = prefixMax(this.user);
    this.holes = (snapshot.unreadable ?? []).map((u) => {
      const start = hex(u.address);
      return { start, end: start + BigInt(u.size), process: u.process !== undefined ? hex(u.process) : undefined };
    });
  }

  isUser(address: bigint): boolean {
    return address < this.userLimit;
  }

  /** Reads `length` bytes or throws MemoryFault with the first unreadable address. */
  read(address: bigint, length: number, process: bigint | undefined): Uint8Array {
    return this.view(address, length, process).slice();
  }

  /**
   * Like read, but a read inside one range (the common case) is a view of the image, not a copy:
   * for callers that copy it anyway (readMemoryValues) and never write to it.
   */
  view(address: bigint, length: number, process: bigint | undefined): Uint8Array {
    if (this.holes.length === 0) {
      const range = this.find(address, process);
      if (range) {
        const off = Number(address - range.start);
        if (off + length <= range.bytes.length) return range.bytes.subarray(off, off + length);
      }
    }
    return this.gather(address, length, process);
  }

  private gather(address: bigint, length: number, process: bigint | undefined): Uint8Array {
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const at = address + BigInt(done);
      const range = this.find(at, process);
      if (!range && this.source && !this.inHole(at, process)) {
        const want = length - done;
        const n = this.source.readInto(at, out, done, want, this.isUser(at) ? process : undefined);
        if (n < want) throw new MemoryFault(at + BigInt(n));
        done += n;
        continue;
      }
      if (!range || this.inHole(at, process)) throw new MemoryFault(at);
      const off = Number(at - range.start);
      let n = Math.min(length - done, range.bytes.length - off);
      // Stop the copy at a hole that starts inside this chunk.
      for (const h of this.holes) {
        if (h.start > at && h.start < at + BigInt(n) && this.holeApplies(h, at, process)) n = Number(h.start - at);
      }
      out.set(range.bytes.subarray(off, off + n), done);
      done += n;
    }
    return out;
  }

  /** True when every byte of [address, address+length) is readable. */
  readable(address: bigint, length: number, process: bigint | undefined): boolean {
    try {
      this.read(address, length, process);
      return true;
    } catch (e) {
      if (e instanceof MemoryFault) return false;
      throw e;
    }
  }

  private find(at: bigint, process: bigint | undefined): Range | undefined {
    const user = this.isUser(at);
    const list = user ? this.user : this.kernel;
    // Binary search for the last range starting at or before `at`, then scan back over
    // overlapping candidates (user ranges of other processes share addresses).
    let lo = 0, hi = list.length - 1, idx = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid].start <= at) { idx = mid; lo = mid + 1; } else hi = mid - 1;
    }
    const maxEnd = user ? this.userMaxEnd : this.kernelMaxEnd;
    for (let i = idx; i >= 0 && maxEnd[i] > at; i--) {
      const r = list[i];
      if (at >= r.start && at < r.end && (!user || r.process === undefined || r.process === process)) return r;
    }
    return undefined;
  }

  private holeApplies(h: Hole, at: bigint, process: bigint | undefined): boolean {
    return !this.isUser(at) || h.process === undefined || h.process === process;
  }

  private inHole(at: bigint, process: bigint | undefined): boolean {
    return this.holes.some((h) => at >= h.start && at < h.end && this.holeApplies(h, at, process));
  }
}

// Little-endian decoding helpers.
export function readUnsigned(bytes: Uint8Array, offset: number, size: number): bigint {
  let v = 0n;
  for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[offset + i]);
  return v;
}
