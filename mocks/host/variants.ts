// Host variants: the behaviours of WinDbg's JavaScript provider that public evidence leaves open.
// The mock's default is what the documentation and scripts known to run in real WinDbg show; each
// variant switches on one plausible other behaviour, so the bundle is tested under every one
// (`--host-variant <name>` in the harness, test/host-variants/ in the suite).
//
// Sources (all public):
//   DX    https://learn.microsoft.com/windows-hardware/drivers/debuggercmds/dx--display-visualizer-variables-
//   JSOBJ https://learn.microsoft.com/windows-hardware/drivers/debugger/native-objects-in-javascript-extensions
//   JSREF https://learn.microsoft.com/windows-hardware/drivers/debugger/javascript-debugger-scripting
//   TTDJS https://learn.microsoft.com/windows-hardware/drivers/debugger/time-travel-debugging-javascript-automation
//   DT    https://learn.microsoft.com/windows-hardware/drivers/debuggercmds/dt--display-type-
//   COOK  https://github.com/TimMisiak/WinDbgCookbook (frame.toString().split("+")[0].trim())
//   SAMP  https://github.com/microsoft/WinDbg-Samples (JsProvider.d.ts; scripts print with debugLog line by line)

export interface HostVariant {
  name: string;
  /** What this variant changes, in one line. */
  behaviour: string;
  /** Why it is plausible, with sources a reader can open. */
  evidence: string;
}

export const HOST_VARIANTS: readonly HostVariant[] = [
  {
    name: 'k-frames',
    behaviour: 'stack frames display as `k` prints them: "nt!KeWaitForSingleObject+0x2ab" (no spaces around +)',
    evidence: 'the default follows DX (Stack.Frames shows "nt!DbgBreakPointWithStatus + 0x..") and TTDJS; COOK splits on "+" and trims, so either spelling was met; older builds and `k` use the compact form',
  },
  {
    name: 'no-frame-todisplaystring',
    behaviour: 'frame objects have toString() only (no ToDisplayString method)',
    evidence: 'JSOBJ documents toString() as the conversion of data-model objects; no public script (SAMP, COOK, hugsy/windbg_js_scripts, 0vercl0k/windbg-scripts) calls ToDisplayString() on a frame',
  },
  {
    name: 'no-enum-fields',
    behaviour: 'enum type objects expose no enumerators in `fields` (an empty object)',
    evidence: 'JSOBJ documents `fields` for UDT members only; DbgModel has a separate constant symbol kind (SymbolConstant) and no public script reads enumerators from `fields`',
  },
  {
    name: 'no-process-context',
    behaviour: 'readMemoryValues ignores its contextInheritor in kernel sessions: a user address is read in the current process (the wrong space) or fails',
    evidence: 'JSREF documents the contextInheritor argument, but no public script shows it honoured for user memory of another process in a kernel session; scripts there switch with .process /p first',
  },
  {
    name: 'debuglog-printf',
    behaviour: 'debugLog treats each argument as a printf format: "%%" prints "%", other "%" sequences print garbage',
    evidence: 'JSREF calls debugLog "printf style debugging"; whether "%" is interpreted is not documented; SAMP scripts never print a "%"',
  },
  {
    name: 'no-symbol-info-type',
    behaviour: 'getModuleContainingSymbolInformation answers without a type object (type null) for data symbols',
    evidence: 'JsProvider.d.ts (SAMP) lists name, address, type, value; whether `type` is filled for globals from public symbols is not documented',
  },
];

export type VariantSet = ReadonlySet<string>;

export const NO_VARIANTS: VariantSet = new Set<string>();

/** Names → set; throws on an unknown name (the harness prints the list). */
export function parseVariants(names: readonly string[] | string | undefined): VariantSet {
  if (names === undefined) return NO_VARIANTS;
  const list = (typeof names === 'string' ? names.split(',') : names).map((n) => n.trim()).filter((n) => n !== '' && n !== 'default');
  for (const n of list) {
    if (!HOST_VARIANTS.some((v) => v.name === n)) {
      throw new Error(`unknown host variant '${n}' (known: ${HOST_VARIANTS.map((v) => v.name).join(', ')})`);
    }
  }
  return new Set(list);
}

export function variantList(): string[] {
  return HOST_VARIANTS.map((v) => `${v.name}\n  ${v.behaviour}\n  evidence: ${v.evidence}`);
}

/** `nt!Foo+0x2ab` (as scenario files store it) → `nt!Foo + 0x2ab` (dx display); suffixes kept. */
export function dxFrameText(text: string): string {
  return text.replace(/^(\S+?)\+(0x[0-9a-f]+)/i, '$1 + $2');
}

/**
 * debugLog under `debuglog-printf`: each argument is a format string with no arguments.
 * "%%" → "%"; any other "%" sequence stands for the garbage a real printf would print.
 */
export function printfNoArgs(text: string): string {
  return text.replace(/%(%|[-+ #0]*\d*(?:\.\d+)?(?:h|l|ll|I64|I32)?[a-zA-Z]?)/g, (_m, spec: string) => (spec === '%' ? '%' : '<printf garbage>'));
}
