// The one place frame and symbol text is normalised before a rule compares it. Real symbol files and
// debuggers spell one routine many ways:
// - x86 decorations: `_RtlpWaitForCriticalSection@4` (stdcall), `_Name` (cdecl), `@Name@8` (fastcall)
//   (MSVC name decoration: https://learn.microsoft.com/cpp/build/reference/decorated-names);
// - C++ names: `RPC_INTERFACE::DispatchToStub`;
// - the kernel under its image name: `nt`, `ntoskrnl`, `ntkrnlmp`, `ntkrnlpa`, `ntkrpamp`, `ntkrla57`;
// - offsets as `+0x2ab`, `+2ab` or ` + 0x2ab`.
// Pure string code: no host access.

export interface SymbolName {
  /** Lower-case module, the kernel always `nt`; '' when the text names no module. */
  module: string;
  /** The routine without decoration, as written otherwise (`RtlpWaitForCriticalSection`, `RPC_INTERFACE::DispatchToStub`). */
  name: string;
  /** Byte offset after the name; undefined when none is written or it does not parse. */
  offset: number | undefined;
}

/** Image names the kernel is loaded under (the debugger usually says `nt`). */
const KERNEL_MODULES = /^(nt|ntoskrnl|ntkrnlmp|ntkrnlpa|ntkrpamp|ntkrla57|ntkrnlup)(\.exe)?$/i;

/** `module` as rules compare it: lower case, the kernel as `nt`, no `.dll`/`.sys`/`.exe`. */
export function normalModule(module: string): string {
  const m = module.trim().toLowerCase();
  if (KERNEL_MODULES.test(m)) return 'nt';
  return m.replace(/\.(dll|sys|exe)$/, '');
}

/** The routine name without MSVC x86 decoration: `_Name@4`, `_Name`, `@Name@8` -> `Name`. */
export function undecorate(name: string): string {
  let n = name.trim();
  if (n.indexOf('::') >= 0) return n;
  const fastcall = /^@([A-Za-z_$?][\w$?]*)@\d+$/.exec(n);
  if (fastcall) return fastcall[1];
  const stdcall = /^_([A-Za-z_$?][\w$?]*)@\d+$/.exec(n);
  if (stdcall) return stdcall[1];
  if (n.charAt(0) === '_' && /^_[A-Za-z]/.test(n) && n.charAt(1) !== '_') n = n.slice(1);
  return n;
}

/** Splits frame text (`ntdll!_RtlpWaitForCriticalSection@4+0x132`, `nt!Foo + 0x2ab`, `DriverA+0x270d`). */
export function parseSymbol(text: string): SymbolName {
  let t = text.trim();
  let offset: number | undefined;
  const off = /\s*\+\s*(0x)?([0-9a-f`]+)\s*$/i.exec(t);
  if (off) {
    const digits = off[2].replace(/`/g, '');
    offset = digits.length <= 13 ? parseInt(digits, 16) : undefined;
    t = t.slice(0, off.index);
  }
  const bang = t.indexOf('!');
  if (bang < 0) return { module: normalModule(t), name: '', offset };
  return { module: normalModule(t.slice(0, bang)), name: undecorate(t.slice(bang + 1)), offset };
}

/**
 * True when the frame text names `module!one of names` under any spelling. `names` are plain routine
 * names (no decoration); a C++ name also matches its method alone when `names` holds `Class::Method`.
 */
export function isRoutine(text: string, module: string | undefined, names: readonly string[]): boolean {
  const s = parseSymbol(text);
  if (!s.name) return false;
  if (module !== undefined && s.module !== normalModule(module)) return false;
  const lower = s.name.toLowerCase();
  for (const n of names) if (n.toLowerCase() === lower) return true;
  return false;
}

/** The innermost frame (first in the list) naming one of the routines, with its index. */
export function findRoutine<T extends { text: string }>(frames: readonly T[], module: string | undefined, names: readonly string[]): { frame: T; index: number } | undefined {
  for (let i = 0; i < frames.length; i++) if (isRoutine(frames[i].text, module, names)) return { frame: frames[i], index: i };
  return undefined;
}

/** `module!Name+0x..` in the plain spelling (for messages that name a routine). */
export function plainRoutine(text: string): string {
  const s = parseSymbol(text);
  return s.name ? `${s.module}!${s.name}` : text;
}

/**
 * Frame or symbol text in the one spelling every rule compares, case kept for display: `Module!Name+0xoff`, the
 * kernel as `nt`, no `.dll`/`.sys`/`.exe`, the name undecorated, the offset as `+0x` lower-case hex
 * (`ntkrnlpa!_ExpWaitForResource@8 + 0xD5` -> `nt!ExpWaitForResource+0xd5`). Text without a routine
 * (`DriverA+0x270d`, a bare address) is returned as written.
 */
export function normalFrame(text: string): string {
  const t = text.trim();
  const bang = t.indexOf('!');
  if (bang < 0) return text;
  const s = parseSymbol(t);
  if (!s.name) return text;
  const written = t.slice(0, bang).trim();
  const module = s.module === 'nt' ? 'nt' : written.replace(/\.(dll|sys|exe)$/i, '');
  const off = s.offset === undefined ? '' : `+0x${s.offset.toString(16)}`;
  return `${module}!${s.name}${off}`;
}
