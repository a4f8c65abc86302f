// The memory a recording keeps: every successful read, merged into ranges per address space
// (adjacent and overlapping reads become one range), written compactly: runs of zero bytes as
// { address, zeros: n }, the rest base64-encoded. Bounded: past the cap, reads are no longer kept
// (the analysis still sees them; the snapshot says how many were left out).
import { addrAdd, addrCompare, addrDiff, type Addr } from '../core/addr';
import type { Bytes } from '../core/bytes';
import type { MemoryRangeJson } from './snapshotFormat';

export interface ReadRecord {
  address: Addr;
  size: number;
  /** The address space: '' for kernel memory (and user memory read without a process), else an EPROCESS. */
  space: string;
  bytes: Bytes;
  /** -redact: which bytes the analysis looked at (1 = read). */
  touched?: Uint8Array;
}

/** A merged range: where it starts, its bytes, and the reads it was made of. */
export interface MergedRange {
  space: string;
  address: Addr;
  bytes: Uint8Array;
  reads: { record: ReadRecord; offset: number }[];
}

/**
 * 64 MiB of recorded reads. !waitchain reads about 2.2 KB per thread on x64 (11 MB for 5,000
 * threads, a 7.7 MB file with zero runs folded): room for the largest hang dumps.
 */
export const DEFAULT_MEMORY_CAP = 64 * 1024 * 1024;

/** Zero runs at least this long are written as { zeros: n }. */
const MIN_ZERO_RUN = 32;
/** Bytes per base64 line: keeps the snapshot's lines of a size any editor opens. */
const CHUNK = 48 * 1024;

export class MemoryLog {
  readonly reads: ReadRecord[] = [];
  private readonly seen: { [key: string]: ReadRecord } = {};
  bytes = 0;
  droppedReads = 0;
  droppedBytes = 0;

  constructor(readonly cap = DEFAULT_MEMORY_CAP) {}

  get capped(): boolean {
    return this.droppedReads > 0;
  }

  /** The record of this read (the earlier one when the same bytes were read before); undefined past the cap. */
  add(address: Addr, size: number, space: string, bytes: Bytes): ReadRecord | undefined {
    if (size <= 0) return undefined;
    const key = `${space}|${address}|${size}`;
    const had = this.seen[key];
    if (had) return had;
    if (this.bytes + size > this.cap) {
      this.droppedReads++;
      this.droppedBytes += size;
      return undefined;
    }
    const record: ReadRecord = { address, size, space, bytes };
    this.seen[key] = record;
    this.bytes += size;
    this.reads.push(record);
    return record;
  }
}

/** Reads merged per address space, in address order. */
export function mergeReads(reads: ReadRecord[]): MergedRange[] {
  const spaces: { [space: string]: ReadRecord[] } = {};
  const order: string[] = [];
  for (const r of reads) {
    if (!spaces[r.space]) {
      spaces[r.space] = [];
      order.push(r.space);
    }
    spaces[r.space].push(r);
  }
  order.sort();
  const out: MergedRange[] = [];
  for (const space of order) {
    const list = spaces[space].slice().sort((a, b) => addrCompare(a.address, b.address) || b.size - a.size);
    let group: ReadRecord[] = [];
    let start: Addr = '0';
    let length = 0;
    const flush = () => {
      if (!group.length) return;
      const bytes = new Uint8Array(length);
      const members: { record: ReadRecord; offset: number }[] = [];
      for (const r of group) {
        const offset = addrDiff(r.address, start) as number;
        for (let i = 0; i < r.size; i++) bytes[offset + i] = r.bytes[i];
        members.push({ record: r, offset });
      }
      out.push({ space, address: start, bytes, reads: members });
      group = [];
    };
    for (const r of list) {
      const gap = group.length ? addrDiff(r.address, addrAdd(start, length)) : undefined;
      if (gap !== undefined && gap <= 0) {
        const end = (addrDiff(r.address, start) as number) + r.size;
        if (end > length) length = end;
        group.push(r);
      } else {
        flush();
        group = [r];
        start = r.address;
        length = r.size;
      }
    }
    flush();
  }
  return out;
}

/** The JSON entries of merged ranges: zero runs as { zeros }, the rest base64 in chunks. */
export function encodeRanges(ranges: MergedRange[]): MemoryRangeJson[] {
  const out: MemoryRangeJson[] = [];
  for (const r of ranges) {
    const emit = (from: number, to: number, zero: boolean) => {
      for (let at = from; at < to; at += zero ? to - from : CHUNK) {
        const end = zero ? to : Math.min(to, at + CHUNK);
        const entry: MemoryRangeJson = { address: addrAdd(r.address, at) };
        if (zero) entry.zeros = end - at;
        else entry.base64 = base64(r.bytes, at, end);
        if (r.space) entry.process = r.space;
        out.push(entry);
      }
    };
    let i = 0;
    let dataStart = 0;
    while (i < r.bytes.length) {
      if (r.bytes[i] !== 0) {
        i++;
        continue;
      }
      let j = i;
      while (j < r.bytes.length && r.bytes[j] === 0) j++;
      if (j - i >= MIN_ZERO_RUN) {
        if (i > dataStart) emit(dataStart, i, false);
        emit(i, j, true);
        dataStart = j;
      }
      i = j;
    }
    if (dataStart < r.bytes.length) emit(dataStart, r.bytes.length, false);
  }
  return out;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard base64 (RFC 4648, with padding) of bytes[from, to): no Node or browser API in WinDbg. */
export function base64(bytes: ArrayLike<number>, from = 0, to = bytes.length): string {
  const parts: string[] = [];
  let i = from;
  for (; i + 2 < to; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    parts.push(ALPHABET.charAt(n >> 18) + ALPHABET.charAt((n >> 12) & 63) + ALPHABET.charAt((n >> 6) & 63) + ALPHABET.charAt(n & 63));
  }
  if (to - i === 1) {
    const n = bytes[i] << 16;
    parts.push(ALPHABET.charAt(n >> 18) + ALPHABET.charAt((n >> 12) & 63) + '==');
  } else if (to - i === 2) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8);
    parts.push(ALPHABET.charAt(n >> 18) + ALPHABET.charAt((n >> 12) & 63) + ALPHABET.charAt((n >> 6) & 63) + '=');
  }
  return parts.join('');
}
