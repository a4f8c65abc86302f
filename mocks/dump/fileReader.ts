// Reads a dump file on demand through a bounded cache of page-sized chunks: a 4 GB complete dump
// opens by reading its header and costs memory in proportion to what the analysis touches
// (issue 14, "Large dumps"). Chunks are evicted least-recently-used. Page-sized, because an
// analysis touches scattered pages (one ETHREAD here, one stack there): larger chunks multiply the
// bytes read from disk by their size for the same pages.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { DumpError } from './errors';

export const CHUNK_SIZE = 0x1000;

export interface ByteSource {
  readonly size: number;
  /** Exactly `length` bytes at `offset`, or a DumpError when the file ends first. */
  read(offset: number, length: number): Uint8Array;
}

export interface FileReaderStats { chunkReads: number; bytesFromDisk: number; cachedChunks: number; maxCachedChunks: number }

export class FileReader implements ByteSource {
  readonly size: number;
  private fd: number;
  private cache = new Map<number, Uint8Array>();
  readonly stats: FileReaderStats;

  constructor(readonly path: string, maxCachedChunks = 16384) {
    try {
      this.fd = openSync(path, 'r');
    } catch (e) {
      const code = (e as { code?: string }).code;
      throw new DumpError(`${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, not a dump file' : `cannot open (${code ?? String(e)})`}`);
    }
    const st = fstatSync(this.fd);
    if (st.isDirectory()) throw new DumpError(`${path}: is a directory, not a dump file`);
    this.size = st.size;
    this.stats = { chunkReads: 0, bytesFromDisk: 0, cachedChunks: 0, maxCachedChunks };
  }

  close(): void {
    closeSync(this.fd);
    this.cache.clear();
  }

  private chunk(index: number): Uint8Array {
    const hit = this.cache.get(index);
    if (hit) {
      // Re-insert: Map keeps insertion order, so the first key is the least recently used.
      this.cache.delete(index);
      this.cache.set(index, hit);
      return hit;
    }
    const start = index * CHUNK_SIZE;
    const length = Math.min(CHUNK_SIZE, this.size - start);
    const buf = new Uint8Array(Math.max(0, length));
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, buf, done, length - done, start + done);
      if (n <= 0) break;
      done += n;
    }
    this.stats.chunkReads++;
    this.stats.bytesFromDisk += done;
    this.cache.set(index, buf);
    if (this.cache.size > this.stats.maxCachedChunks) this.cache.delete(this.cache.keys().next().value as number);
    this.stats.cachedChunks = this.cache.size;
    return buf;
  }

  read(offset: number, length: number): Uint8Array {
    if (!Number.isSafeInteger(offset) || offset < 0 || length < 0 || offset + length > this.size) {
      throw new DumpError(`${this.path}: truncated (needs bytes 0x${offset.toString(16)}..0x${(offset + length).toString(16)}, the file has 0x${this.size.toString(16)})`);
    }
    const first = Math.floor(offset / CHUNK_SIZE);
    const last = Math.floor((offset + length - 1) / CHUNK_SIZE);
    if (length > 0 && first === last) {
      const c = this.chunk(first);
      const o = offset - first * CHUNK_SIZE;
      return c.subarray(o, o + length);
    }
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const at = offset + done;
      const c = this.chunk(Math.floor(at / CHUNK_SIZE));
      const o = at % CHUNK_SIZE;
      const n = Math.min(length - done, c.length - o);
      out.set(c.subarray(o, o + n), done);
      done += n;
    }
    return out;
  }
}

/** A dump held in memory (the writer's output in tests and the fuzzer). */
export class BufferSource implements ByteSource {
  constructor(private bytes: Uint8Array, private name = 'dump') {}
  get size(): number { return this.bytes.length; }
  read(offset: number, length: number): Uint8Array {
    if (offset < 0 || length < 0 || offset + length > this.bytes.length) {
      throw new DumpError(`${this.name}: truncated (needs bytes 0x${offset.toString(16)}..0x${(offset + length).toString(16)}, the file has 0x${this.bytes.length.toString(16)})`);
    }
    return this.bytes.subarray(offset, offset + length);
  }
}

export function u16(b: Uint8Array, o: number): number { return b[o] | (b[o + 1] << 8); }
export function u32(b: Uint8Array, o: number): number { return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16)) + b[o + 3] * 0x1000000; }
export function u64(b: Uint8Array, o: number): bigint { return BigInt(u32(b, o)) | (BigInt(u32(b, o + 4)) << 32n); }
export function ascii(b: Uint8Array, o: number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(b[o + i]);
  return s;
}
