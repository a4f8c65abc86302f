// What crosses between WinDbg and a command: alias arguments in, text out.
// Arguments arrive as dx values (reference §1.6): numbers, Int64, strings, native objects, model objects.
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
      // A data-model thread or process (@$curthread, @$curprocess): its kernel object.
      if (v.KernelObject !== undefined && v.KernelObject !== null) return describeArgument(v.KernelObject);
      if (v.targetType !== undefined) {
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

export function print(text: string): void {
  host.diagnostics.debugLog(text);
}

export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
