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
