// Stack-frame arguments the way `kv` prints them ("Args to Child"), read from the stack memory of the
// thread's own process (user stacks exist only in that address space).
//
// Where they are is a calling-convention fact, not a structure offset:
// - x86 (EBP frames): [ebp] = caller's ebp, [ebp+4] = return address, argument i at ebp + (2 + i) * 4.
//   The unwinder's FrameOffset is that ebp.
// - x64: arguments travel in registers; kv shows the 4 home-space slots above the return address,
//   i.e. argument i at Child-SP + (1 + i) * 8 (StackOffset is Child-SP, [Child-SP] = return address).
//   A callee may or may not have spilled its register arguments there: callers of this module validate
//   what they read (a critical section is cross-checked against its process's list).
import { addrAdd, type Addr } from '../core/addr';
import { ptr } from '../core/bytes';
import type { FrameInfo, ProcessContext } from '../core/target';
import type { KernelContext } from './context';
import type { ProcessInfo, ThreadInfo } from './model';

/** kv shows 3 arguments on x86 and the 4 home-space slots on x64. */
export const KV_ARGUMENTS = { 4: 3, 8: 4 } as const;

/** The address of a frame's first argument, as kv reads it. */
export function firstArgumentAddress(frame: FrameInfo, pointerSize: number): Addr {
  return pointerSize === 8 ? addrAdd(frame.stackOffset, pointerSize) : addrAdd(frame.frameOffset, 2 * pointerSize);
}

/** The process context user-mode addresses of this process are read in. */
export function processContext(process: ProcessInfo): ProcessContext {
  return { pid: process.pid, address: process.address };
}

/**
 * The first `count` arguments of a frame of `thread`, in ONE read of the thread's process's memory;
 * undefined when that stack memory is unreadable (a kernel dump has no user stacks).
 */
export function frameArguments(k: KernelContext, thread: ThreadInfo, frame: FrameInfo, count = 1): Addr[] | undefined {
  const size = k.pointerSize;
  const bytes = k.target.read(firstArgumentAddress(frame, size), count * size, processContext(thread.process));
  if (!bytes) return undefined;
  const out: Addr[] = [];
  for (let i = 0; i < count; i++) out.push(ptr(bytes, i * size, size));
  return out;
}

/** A frame's text taken apart once, where it enters from the debugger. */
export interface FrameName {
  /** Canonical `k` spelling: "nt!KeWaitForSingleObject+0x2ab", "3rdPartyAVDriver+0x1394". */
  text: string;
  /** "nt", "3rdPartyAVDriver"; undefined for a bare address. */
  module?: string;
  /** "KeWaitForSingleObject"; undefined for a frame inside a module without a symbol. */
  function?: string;
  /** The displacement in bytes (0 when none is shown). */
  offset: number;
}

// Suffixes the data model may append to a frame's display: the DML "[Switch To]" link, a source
// location "[d:\w7rtm\...\wait.c @ 123]", an inline-frame note "(Inline Function)". See the dx page's
// Stack.Frames example: https://learn.microsoft.com/windows-hardware/drivers/debuggercmds/dx--display-visualizer-variables-
const SUFFIX = /\s*(\[[^\]]*\]|\((Inline[^)]*)\))\s*$/i;
// module!function + 0x2ab (dx), module!function+0x2ab (k), module + 0x2ab, module!function
const FRAME = /^([^\s!+]+)(?:!(.+?))?\s*(?:\+\s*(0x)?([0-9a-f`]+))?$/i;

/**
 * Parses a frame's text in either spelling (`nt!Foo + 0x2ab` as dx displays it, `nt!Foo+0x2ab` as k
 * prints it), with or without suffixes, into its parts and the canonical `k` spelling every frame
 * pattern of the analyses is written against.
 */
export function parseFrameText(raw: string): FrameName {
  let text = String(raw).trim();
  for (let i = 0; i < 4 && SUFFIX.test(text); i++) text = text.replace(SUFFIX, '');
  const m = FRAME.exec(text);
  if (!m || /^(0x)?[0-9a-f`]+$/i.test(text)) return { text, offset: 0 };
  const module = m[1];
  const fn = m[2] !== undefined ? m[2].trim() : undefined;
  const digits = m[4] !== undefined ? m[4].replace(/`/g, '') : undefined;
  const offset = digits !== undefined ? parseInt(digits, 16) : 0;
  const name = fn !== undefined ? `${module}!${fn}` : module;
  return { text: digits !== undefined ? `${name}+0x${digits}` : name, module, function: fn, offset };
}
