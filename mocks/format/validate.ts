// Checks a snapshot file's JSON against the format (src/record/snapshotFormat.ts, docs/snapshots.md)
// member by member, so a file that is not the format is refused with the path of what is wrong,
// instead of failing later inside a host call. Members the format does not declare are ignored.
import { SNAPSHOT_FORMAT } from '../../src/record/snapshotFormat';

type Json = { [key: string]: unknown };

const HEX = /^[0-9a-f]+$/i;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const TYPE_KINDS = ['struct', 'union', 'enum'];

/** Every way `json` departs from the snapshot file format (empty: it is one), as "path: what". */
export function snapshotFileProblems(json: unknown): string[] {
  const problems: string[] = [];
  const fail = (path: string, what: string) => problems.push(`${path}: ${what}`);
  const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
  const object = (v: unknown, path: string): v is Json => (isObject(v) ? true : (fail(path, 'must be an object'), false));
  const array = (v: unknown, path: string): v is unknown[] => (Array.isArray(v) ? true : (fail(path, 'must be an array'), false));
  const has = (o: Json, key: string, optional: boolean, path: string) => {
    if (o[key] !== undefined) return true;
    if (!optional) fail(`${path}.${key}`, 'missing');
    return false;
  };
  const str = (o: Json, key: string, path: string, optional = false) => {
    if (has(o, key, optional, path) && typeof o[key] !== 'string') fail(`${path}.${key}`, 'must be a string');
  };
  const hex = (o: Json, key: string, path: string, optional = false) => {
    if (has(o, key, optional, path) && (typeof o[key] !== 'string' || !HEX.test(o[key] as string))) fail(`${path}.${key}`, 'must be a hex string (no 0x)');
  };
  const count = (o: Json, key: string, path: string, optional = false) => {
    if (has(o, key, optional, path) && (!Number.isInteger(o[key]) || (o[key] as number) < 0)) fail(`${path}.${key}`, 'must be a whole number >= 0');
  };
  const oneOf = (o: Json, key: string, path: string, values: unknown[], optional = false) => {
    if (has(o, key, optional, path) && values.indexOf(o[key]) < 0) fail(`${path}.${key}`, `must be one of ${values.map((v) => JSON.stringify(v)).join(', ')}`);
  };
  const bool = (o: Json, key: string, path: string) => {
    if (has(o, key, false, path) && typeof o[key] !== 'boolean') fail(`${path}.${key}`, 'must be true or false');
  };

  if (!object(json, '(top level)')) return problems;
  if (json.format !== SNAPSHOT_FORMAT) fail('format', `is ${JSON.stringify(json.format)}, expected "${SNAPSHOT_FORMAT}"`);

  if (object(json.header, 'header')) {
    const h = json.header;
    oneOf(h, 'arch', 'header', ['x86', 'x64']);
    oneOf(h, 'pointerSize', 'header', [4, 8]);
    if ((h.arch === 'x86' && h.pointerSize === 8) || (h.arch === 'x64' && h.pointerSize === 4)) fail('header.pointerSize', `${String(h.pointerSize)} does not match ${String(h.arch)}`);
    str(h, 'layout', 'header');
    str(h, 'osVersion', 'header');
    count(h, 'buildNumber', 'header');
    oneOf(h, 'dumpKind', 'header', ['complete', 'kernel', 'live']);
    oneOf(h, 'targetKind', 'header', ['kernel', 'user'], true);
    str(h, 'source', 'header');
    str(h, 'waitchainVersion', 'header', true);
    str(h, 'date', 'header', true);
    if (h.relocation !== undefined && object(h.relocation, 'header.relocation')) {
      oneOf(h.relocation, 'kind', 'header.relocation', ['x86-to-x64']);
      hex(h.relocation, 'kernelBase', 'header.relocation');
      hex(h.relocation, 'userBase', 'header.relocation');
    }
    if (h.recording !== undefined && object(h.recording, 'header.recording')) {
      const r = h.recording;
      str(r, 'command', 'header.recording');
      bool(r, 'redacted', 'header.recording');
      count(r, 'reads', 'header.recording');
      count(r, 'bytes', 'header.recording');
      if (r.capped !== undefined && object(r.capped, 'header.recording.capped')) {
        count(r.capped, 'reads', 'header.recording.capped');
        count(r.capped, 'bytes', 'header.recording.capped');
      }
    }
  }

  if (array(json.modules, 'modules')) {
    json.modules.forEach((m, i) => {
      const at = `modules[${i}]`;
      if (!object(m, at)) return;
      str(m, 'name', at);
      hex(m, 'base', at);
      count(m, 'size', at);
      bool(m, 'kernel', at);
      if (array(m.symbols, `${at}.symbols`)) {
        m.symbols.forEach((s, j) => {
          const sat = `${at}.symbols[${j}]`;
          if (!object(s, sat)) return;
          str(s, 'name', sat);
          hex(s, 'address', sat);
          str(s, 'type', sat, true);
          count(s, 'size', sat, true);
        });
      }
    });
  }

  if (object(json.types, 'types')) {
    for (const module of Object.keys(json.types)) {
      const list = json.types[module];
      if (!array(list, `types.${module}`)) continue;
      list.forEach((t, i) => {
        const at = `types.${module}[${i}]`;
        if (!object(t, at)) return;
        str(t, 'name', at);
        oneOf(t, 'kind', at, TYPE_KINDS);
        count(t, 'size', at);
        str(t, 'baseType', at, true);
        if (t.fields !== undefined && array(t.fields, `${at}.fields`)) {
          t.fields.forEach((f, j) => {
            const fat = `${at}.fields[${j}]`;
            if (!object(f, fat)) return;
            str(f, 'name', fat);
            count(f, 'offset', fat);
            str(f, 'type', fat);
            count(f, 'bitPos', fat, true);
            count(f, 'bitLen', fat, true);
          });
        }
        if (t.values !== undefined && object(t.values, `${at}.values`)) {
          for (const [name, value] of Object.entries(t.values)) if (!Number.isInteger(value)) fail(`${at}.values.${name}`, 'must be a whole number');
        }
      });
    }
  }

  if (array(json.memory, 'memory')) {
    json.memory.forEach((r, i) => {
      const at = `memory[${i}]`;
      if (!object(r, at)) return;
      hex(r, 'address', at);
      hex(r, 'process', at, true);
      const forms = ['hex', 'base64', 'zeros'].filter((k) => r[k] !== undefined);
      if (forms.length !== 1) {
        fail(at, `needs exactly one of hex, base64, zeros (has ${forms.length ? forms.join(', ') : 'none'})`);
        return;
      }
      if (r.hex !== undefined && (typeof r.hex !== 'string' || !/^([0-9a-f]{2})*$/i.test(r.hex))) fail(`${at}.hex`, 'must be an even number of hex digits');
      if (r.base64 !== undefined && (typeof r.base64 !== 'string' || !BASE64.test(r.base64) || r.base64.length % 4)) fail(`${at}.base64`, 'must be base64 (RFC 4648, padded)');
      count(r, 'zeros', at, true);
    });
  }

  if (json.unreadable !== undefined && array(json.unreadable, 'unreadable')) {
    json.unreadable.forEach((u, i) => {
      const at = `unreadable[${i}]`;
      if (!object(u, at)) return;
      hex(u, 'address', at);
      count(u, 'size', at);
      hex(u, 'process', at, true);
    });
  }

  if (array(json.threads, 'threads')) {
    json.threads.forEach((t, i) => {
      const at = `threads[${i}]`;
      if (!object(t, at)) return;
      hex(t, 'address', at);
      if (array(t.frames, `${at}.frames`)) {
        t.frames.forEach((f, j) => {
          const fat = `${at}.frames[${j}]`;
          if (!object(f, fat)) return;
          str(f, 'text', fat);
          hex(f, 'instructionOffset', fat);
          hex(f, 'frameOffset', fat);
          hex(f, 'stackOffset', fat);
        });
      }
      if (t.registers !== undefined && object(t.registers, `${at}.registers`)) {
        for (const name of Object.keys(t.registers)) hex(t.registers, name, `${at}.registers`);
      }
    });
  }

  if (json.current !== undefined && object(json.current, 'current')) {
    hex(json.current, 'process', 'current', true);
    hex(json.current, 'thread', 'current', true);
    count(json.current, 'processor', 'current', true);
  }
  if (json.notes !== undefined && array(json.notes, 'notes')) {
    json.notes.forEach((n, i) => {
      if (typeof n !== 'string') fail(`notes[${i}]`, 'must be a string');
    });
  }
  return problems;
}
