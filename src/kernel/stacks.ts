// Stack frames of a thread, from the debugger's unwinder (only it can unwind), fetched lazily:
// one data-model walk per thread that a report actually describes.
import { normalFrame } from '../core/symbolName';
import type { FrameInfo } from '../core/target';
import type { KernelContext } from './context';
import type { ThreadInfo } from './model';
import { getOrRead } from '../core/runCache';

/** Modules whose frames !stacks skips to name the blocking module. */
const KERNEL_CORE = /^(nt|nt[a-z]*|hal[a-z]*)!/i;

export class StackReader {
  private readonly cache = new Map<string, FrameInfo[] | null>();

  constructor(private readonly k: KernelContext) {}

  frames(thread: ThreadInfo): FrameInfo[] | undefined {
    return getOrRead(this.cache, thread.address, () => {
      const raw = thread.stackResident === false ? undefined : this.k.target.frames({ address: thread.address, pid: thread.process.pid, tid: thread.tid });
      // Every frame rule compares one spelling (core/symbolName): decorated x86 names, any kernel module name.
      return raw ? raw.map((f) => (f.text.indexOf('!') < 0 ? f : { text: normalFrame(f.text), instruction: f.instruction, frameOffset: f.frameOffset, stackOffset: f.stackOffset })) : undefined;
    });
  }

  /**
   * The first frame outside nt/hal, as !stacks shows the blocking module ("DriverA!Block+0x1b").
   * `alsoSkip`: further modules to look past (e.g. the Win32 wait wrappers) when a frame beyond them exists.
   */
  blockingFrame(thread: ThreadInfo, alsoSkip?: RegExp): string | undefined {
    const frames = this.frames(thread);
    if (!frames) return undefined;
    let first: string | undefined;
    for (const f of frames) {
      if (KERNEL_CORE.test(f.text)) continue;
      if (!alsoSkip) return f.text;
      if (first === undefined) first = f.text;
      if (!alsoSkip.test(f.text)) return f.text;
    }
    return first;
  }

  /** The innermost frame naming one of the given functions (e.g. "KeDelayExecutionThread"). */
  frameCalling(thread: ThreadInfo, functions: RegExp): string | undefined {
    const frames = this.frames(thread);
    if (!frames) return undefined;
    for (const f of frames) if (functions.test(f.text)) return f.text;
    return undefined;
  }
}
