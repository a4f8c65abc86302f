// What crosses between WinDbg and a command: alias arguments in, text out.
// Arguments arrive as dx values (docs/jsprovider.md §Function aliases): numbers, Int64, strings, native objects, model objects.
import type { Addr } from '../core/addr';
import { isInt64, toAddr } from './int64';

export type CommandArgument =
  | { kind: 'none' }
  | { kind: 'text'; text: string }
  | { kind: 'address'; address: Addr }
  /** A typed native object (dx `mydriver!g_History`, an _ETHREAD): its address and type name. */
  | { kind: 'native'; address: Addr | undefined; typeName: string; isPointer: boolean; value: unknown }
  | { kind: 'invalid'; description: string };

export function describeArgument(value: unknown): CommandArgument {
  if (value === undefined || value === null) return { kind: 'none' };
  if (typeof value === 'string') return { kind: 'text', text: value };
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return { kind: 'invalid', description: `${value} is not an address` };
    return { kind: 'address', address: toAddr(value) };
  }
  if (isInt64(value)) return { kind: 'address', address: toAddr(value) };
  if (typeof value === 'object') {
    const v = value as { [k: string]: any };
    try {
      // A native object first: reading a name a pointer has no field for dereferences it (the
      // property-access rule of native objects), so a NULL pointer must not be asked for KernelObject.
      let targetType: unknown;
      try {
        targetType = v.targetType;
      } catch (e) {
        targetType = undefined;
      }
      // A data-model thread or process (@$curthread, @$curprocess): its kernel object.
      if (targetType === undefined && v.KernelObject !== undefined && v.KernelObject !== null) return describeArgument(v.KernelObject);
      if (targetType !== undefined) {
        const type = v.targetType as host.TypeObject;
        const isPointer = type.typeKind === 'pointer';
        let address: Addr | undefined;
        if (isPointer) address = toAddr(v.address);
        else {
          try {
            address = toAddr(v.address);
          } catch (e) {
            address = undefined; // a value without an address (a register, a constant)
          }
        }
        return { kind: 'native', address, typeName: type.name, isPointer, value };
      }
    } catch (e) {
      return { kind: 'invalid', description: `unreadable argument (${messageOf(e)})` };
    }
  }
  return { kind: 'invalid', description: `unsupported argument ${String(value)}` };
}

/**
 * Output one line a call, as every public script prints (a multi-megabyte string in one call is
 * untested ground). Whether debugLog treats '%' as a printf format character is not documented
 * (host variant debuglog-printf): no '%' reaches it, each one is written as \x25 (the text of a
 * dump is escaped anyway; our own text has no '%'), so the output reads the same either way.
 */
export function print(text: string): void {
  const safe = text.indexOf('%') >= 0 ? text.replace(/%/g, '\\x25') : text;
  let start = 0;
  while (start < safe.length) {
    const end = safe.indexOf('\n', start);
    const stop = end < 0 ? safe.length : end + 1;
    host.diagnostics.debugLog(safe.slice(start, stop));
    start = stop;
  }
}

export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
