// Reading a snapshot from JSON (a builder's output or a recording): checks the shape the mock
// relies on and says what is wrong, instead of failing later inside a host call.
import { SNAPSHOT_FORMAT, type Snapshot } from '../format/snapshot';

export function snapshotFromJson(json: unknown): Snapshot {
  const fail = (what: string): never => { throw new Error(`snapshot: ${what}`); };
  if (typeof json !== 'object' || json === null) fail('not an object');
  const s = json as Partial<Snapshot>;
  if (s.format !== SNAPSHOT_FORMAT) fail(`format is '${String(s.format)}', expected '${SNAPSHOT_FORMAT}'`);
  const h = s.header;
  if (!h || (h.arch !== 'x86' && h.arch !== 'x64')) fail('header.arch must be x86 or x64');
  if (h!.pointerSize !== (h!.arch === 'x64' ? 8 : 4)) fail(`header.pointerSize ${String(h!.pointerSize)} does not match ${h!.arch}`);
  if (!Array.isArray(s.modules)) fail('modules must be an array');
  if (typeof s.types !== 'object' || s.types === null) fail('types must be an object');
  if (!Array.isArray(s.memory)) fail('memory must be an array');
  if (!Array.isArray(s.threads)) fail('threads must be an array');
  const hexRe = /^[0-9a-f]*$/i;
  s.memory!.forEach((r, i) => {
    if (!hexRe.test(r.address)) fail(`memory[${i}] has a malformed address`);
    if (r.bytes === undefined && (typeof r.hex !== 'string' || !hexRe.test(r.hex) || r.hex.length % 2)) {
      fail(`memory[${i}] needs hex (an even number of hex digits) or bytes`);
    }
  });
  return s as Snapshot;
}
