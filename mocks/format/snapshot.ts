// The snapshot: everything the mock host serves. The format itself (the JSON a recording or the
// builder writes) is declared once, in src/record/snapshotFormat.ts, next to the recorder that
// writes it; this adds only the in-memory forms the mock takes besides JSON.
import type { MemoryRangeJson, SnapshotFile } from '../../src/record/snapshotFormat';

export { SNAPSHOT_FORMAT } from '../../src/record/snapshotFormat';
export type {
  MemoryRangeJson,
  RecordedSnapshot,
  RecordingInfo,
  SnapshotCurrent,
  SnapshotFile,
  SnapshotFrame,
  SnapshotHeader,
  SnapshotModule,
  SnapshotSymbol,
  SnapshotThread,
  UnreadableRange,
} from '../../src/record/snapshotFormat';

export interface MemoryRange extends MemoryRangeJson {
  /**
   * Contents as bytes: the in-memory form the builder hands straight to the mock (large synthetic
   * systems), and what `hex`/`base64`/`zeros` become once decoded (mocks/harness/record.ts).
   */
  bytes?: Uint8Array;
}

/** A snapshot as the mock host takes it: the file's JSON, with ranges possibly as bytes. */
export interface Snapshot extends Omit<SnapshotFile, 'memory'> {
  memory: MemoryRange[];
  /**
   * In-memory only, never JSON: memory served on demand behind the ranges above (a crash dump's
   * pages, mocks/dump/). Copies up to `length` bytes at `address` into `out` at `outOffset` and
   * returns how many were readable from the start.
   */
  memorySource?: MemorySource;
}

export interface MemorySource {
  readInto(address: bigint, out: Uint8Array, outOffset: number, length: number, process: bigint | undefined): number;
}
