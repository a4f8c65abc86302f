// Stack frames recovered from a dump's memory alone (issue 14), as a debugger does offline:
// x86 by walking the EBP frame-pointer chain from the thread's switch frame at KTHREAD.KernelStack
// (RetAddr at +8 as in the x86 KSWITCHFRAME, the pushed EBP at +0xc); x64 by virtual unwinding
// with the RUNTIME_FUNCTION/UNWIND_INFO data of the images' exception directories
// (https://learn.microsoft.com/en-us/cpp/build/exception-handling-x64), starting from the first
// return address the switch left (two variants, see unwindX64). Frames are named by the nearest preceding code
// symbol of their module's table, `module+0xoff` without one. mocks/dump/stackWriter.ts writes
// stacks this way; a real dump's stacks follow the same rules where its pages are present.
import type { SnapshotFrame, SnapshotModule } from '../format/snapshot';

export interface UnwindMemory {
  x64: boolean;
  ptr: number;
  /** Little-endian value at `va`, read in `process`'s address space (user addresses); undefined where unreadable. */
  read(va: bigint, size: number, process: bigint | undefined): bigint | undefined;
  readBytes(va: bigint, size: number, process: bigint | undefined): Uint8Array | undefined;
  modules: SnapshotModule[];
}

export interface Unwound { frames: SnapshotFrame[]; registers?: Record<string, string>; /** Why there are no (more) frames. */ stop?: string }

const MAX_FRAMES = 256;
const hex = (v: bigint) => v.toString(16);
const hexBig = (s: string) => BigInt('0x' + s);

export class Unwinder {
  private images = new Map<string, { table: Uint8Array; base: bigint } | string>();
  private symbolIndex = new Map<SnapshotModule, Array<{ a: bigint; name: string }>>();
  constructor(private mem: UnwindMemory) {}

  /** The frames of a thread whose saved stack pointer is `kernelStack`, in `process`. */
  unwind(kernelStack: bigint, process: bigint | undefined): Unwound {
    return this.mem.x64 ? this.unwindX64(kernelStack, process) : this.walkX86(kernelStack, process);
  }

  private walkX86(ks: bigint, process: bigint | undefined): Unwound {
    const read = (a: bigint) => this.mem.read(a, 4, process);
    let eip = read(ks + 8n), ebp = read(ks + 0xcn), esp = ks + 0x10n;
    if (eip === undefined || ebp === undefined) return { frames: [], stop: `the kernel stack at ${hex(ks)} is not in the dump` };
    if (eip === 0n) return { frames: [], stop: 'the switch frame holds no return address' };
    if (!this.moduleOf(eip)) return { frames: [], stop: `the switch frame's return address ${hex(eip)} is in no loaded module` };
    const frames: SnapshotFrame[] = [];
    const registers = { esp: hex(esp), ebp: hex(ebp), eip: hex(eip) };
    let stop: string | undefined;
    for (;;) {
      frames.push({ text: this.name(eip), instructionOffset: hex(eip), frameOffset: hex(ebp), stackOffset: hex(esp) });
      if (frames.length >= MAX_FRAMES) { stop = `cut at ${MAX_FRAMES} frames`; break; }
      if (ebp === 0n) break;
      const next = read(ebp + 4n), nextEbp = read(ebp);
      if (next === undefined || nextEbp === undefined) { stop = `the frame at ${hex(ebp)} is not in the dump`; break; }
      if (next === 0n) break;
      if (!this.moduleOf(next)) { stop = `return address ${hex(next)} is in no loaded module`; break; }
      // The chain goes up the stack; the only way down is the switch from the kernel stack to the user stack.
      if (nextEbp !== 0n && nextEbp <= ebp && !(ebp >= 0x80000000n && nextEbp < 0x80000000n)) { stop = `the frame chain at ${hex(ebp)} does not go up the stack`; break; }
      esp = ebp + 8n; eip = next; ebp = nextEbp;
    }
    return { frames, registers, stop };
  }

  /**
   * Two places a switched-out thread's first return address can be (named variants, both tried):
   * Windows' KSWITCH_FRAME, whose Return is at KernelStack+0x38 with the frame's RSP at KernelStack+0x40
   * (ReactOS sdk/include/ndk/amd64/ketypes.h), and the dump writer's, the address a call left just
   * below KernelStack (mocks/dump/stackWriter.ts: the builder's first frame sits at KernelStack).
   * A candidate counts only when a RUNTIME_FUNCTION in the dump covers it.
   */
  private unwindX64(ks: bigint, process: bigint | undefined): Unwound {
    const windows = this.unwindX64From(ks + 0x38n, ks + 0x40n, process, 'KSWITCH_FRAME.Return (KernelStack+0x38)');
    if (windows.frames.length) return windows;
    const writer = this.unwindX64From(ks - 8n, ks, process, 'the value below KernelStack');
    if (writer.frames.length) return writer;
    return { frames: [], stop: windows.stop === writer.stop ? writer.stop : `${windows.stop}, and ${writer.stop}` };
  }

  private unwindX64From(retAt: bigint, startRsp: bigint, process: bigint | undefined, what: string): Unwound {
    let rip = this.mem.read(retAt, 8, process);
    let rsp = startRsp;
    if (rip === undefined) return { frames: [], stop: `the kernel stack at ${hex(retAt)} is not in the dump` };
    if (rip === 0n) return { frames: [], stop: `${what} is 0` };
    // A value on the stack is a return address only if it lands in a function whose unwind data is in
    // the dump: otherwise nothing confirms it and no frame is claimed.
    const first = this.moduleOf(rip);
    if (!first) return { frames: [], stop: `${what} (${hex(rip)}) is in no loaded module` };
    const firstImage = this.image(first, process);
    if (typeof firstImage === 'string') return { frames: [], stop: firstImage };
    if (!findRuntimeFunction(firstImage.table, Number(rip - firstImage.base))) return { frames: [], stop: `${what} (${this.name(rip)}) is in no function of ${first.name}'s exception directory` };
    const frames: SnapshotFrame[] = [];
    const registers = { rsp: hex(rsp), rip: hex(rip) };
    let stop: string | undefined;
    for (;;) {
      frames.push({ text: this.name(rip), instructionOffset: hex(rip), frameOffset: hex(rsp), stackOffset: hex(rsp) });
      if (frames.length >= MAX_FRAMES) { stop = `cut at ${MAX_FRAMES} frames`; break; }
      const step = this.stepX64(rip, rsp, process);
      if (typeof step === 'string') { stop = step; break; }
      if (step.rip === 0n) break;
      if (step.rsp <= rsp && !(rsp >= 0x800000000000n && step.rsp < 0x800000000000n)) { stop = `unwinding at ${hex(rip)} does not go up the stack`; break; }
      if (!this.moduleOf(step.rip)) { stop = `return address ${hex(step.rip)} is in no loaded module`; break; }
      rip = step.rip; rsp = step.rsp;
    }
    return { frames, registers, stop };
  }

  /** One virtual unwind step: the caller's RIP and RSP, or why there is none. */
  private stepX64(rip: bigint, rsp: bigint, process: bigint | undefined): { rip: bigint; rsp: bigint } | string {
    const m = this.moduleOf(rip);
    if (!m) return `return address ${hex(rip)} is in no loaded module`;
    const image = this.image(m, process);
    if (typeof image === 'string') return image;
    const rva = Number(rip - image.base);
    const fn = findRuntimeFunction(image.table, rva);
    const read = (a: bigint) => this.mem.read(a, 8, process);
    if (fn) {
      let info = this.mem.readBytes(image.base + BigInt(fn.unwind), 4, process);
      let codesAt = image.base + BigInt(fn.unwind) + 4n;
      for (let chain = 0; info && chain < 8; chain++) {
        const count = info[2];
        const codes = this.mem.readBytes(codesAt, 2 * count + 12, process) ?? this.mem.readBytes(codesAt, 2 * count, process);
        if (!codes) return `unwind data of ${m.name} at ${hex(codesAt)} is not in the dump`;
        if (info[3] & 0x0f) return `${this.name(rip)} uses a frame register; not followed offline`;
        for (let i = 0; i < count; i++) {
          const op = codes[2 * i + 1] & 0x0f, opInfo = codes[2 * i + 1] >> 4;
          const slot = (j: number) => codes[2 * j] | (codes[2 * j + 1] << 8);
          switch (op) {
            case 0: rsp += 8n; break; // UWOP_PUSH_NONVOL
            case 1: // UWOP_ALLOC_LARGE
              if (opInfo === 0) { rsp += BigInt(slot(i + 1) * 8); i += 1; } else { rsp += BigInt(slot(i + 1) + slot(i + 2) * 0x10000); i += 2; }
              break;
            case 2: rsp += BigInt(opInfo * 8 + 8); break; // UWOP_ALLOC_SMALL
            case 4: case 8: i += 1; break; // UWOP_SAVE_NONVOL, UWOP_SAVE_XMM128
            case 5: case 9: i += 2; break; // the _FAR forms
            case 10: { // UWOP_PUSH_MACHFRAME: RIP, CS, EFLAGS, RSP, SS (after an error code when info is 1)
              const at = rsp + (opInfo ? 8n : 0n);
              const r = read(at), s = read(at + 0x18n);
              if (r === undefined || s === undefined) return `the machine frame at ${hex(at)} is not in the dump`;
              return { rip: r, rsp: s };
            }
            default: return `unwind code ${op} of ${this.name(rip)} not handled offline`;
          }
        }
        if (!(info[0] & 0x20)) break; // UNW_FLAG_CHAININFO: the parent function's RUNTIME_FUNCTION follows the codes
        const chained = this.mem.readBytes(codesAt + BigInt(2 * (count + (count & 1))) + 8n, 4, process);
        if (!chained) return `chained unwind data of ${m.name} is not in the dump`;
        const unwindRva = chained[0] | (chained[1] << 8) | (chained[2] << 16) | (chained[3] << 24);
        info = this.mem.readBytes(image.base + BigInt(unwindRva >>> 0), 4, process);
        codesAt = image.base + BigInt(unwindRva >>> 0) + 4n;
      }
    }
    // A leaf (no RUNTIME_FUNCTION) or the end of the prologue's undo: the return address is at RSP.
    const ret = read(rsp);
    if (ret === undefined) return `the return address at ${hex(rsp)} is not in the dump`;
    return { rip: ret, rsp: rsp + 8n };
  }

  private image(m: SnapshotModule, process: bigint | undefined): { table: Uint8Array; base: bigint } | string {
    const key = `${m.base}/${m.kernel ? '' : process === undefined ? '' : hex(process)}`;
    let img = this.images.get(key);
    if (img) return img;
    const base = hexBig(m.base);
    const p = m.kernel ? undefined : process;
    const dos = this.mem.readBytes(base, 0x40, p);
    const ntOff = dos && dos[0] === 0x4d && dos[1] === 0x5a ? (dos[0x3c] | (dos[0x3d] << 8) | (dos[0x3e] << 16)) : undefined;
    const nt = ntOff !== undefined && ntOff < 0x1000 ? this.mem.readBytes(base + BigInt(ntOff), 0x18 + 0x70 + 16 * 8, p) : undefined;
    if (!nt) img = `the image header of ${m.name} is not in the dump (no unwind data)`;
    else {
      const magic = nt[0x18] | (nt[0x19] << 8);
      const dirs = 0x18 + (magic === 0x20b ? 0x70 : 0x60);
      const count = u32(nt, dirs - 4);
      const rva = u32(nt, dirs + 3 * 8), size = u32(nt, dirs + 3 * 8 + 4);
      if (magic !== 0x20b || count < 4 || !rva || !size) img = `${m.name} has no exception directory`;
      else {
        const table = this.mem.readBytes(base + BigInt(rva), Math.min(size, 12 * 0x10000), p);
        img = table ? { table, base } : `the exception directory of ${m.name} is not in the dump`;
      }
    }
    this.images.set(key, img);
    return img;
  }

  private moduleOf(a: bigint): SnapshotModule | undefined {
    return this.mem.modules.find((m) => a >= hexBig(m.base) && a < hexBig(m.base) + BigInt(m.size));
  }

  /** `module!symbol+0xoff` by the nearest preceding code symbol, `module+0xoff` without one, else the address. */
  name(a: bigint): string {
    const m = this.moduleOf(a);
    if (!m) return hex(a);
    let index = this.symbolIndex.get(m);
    if (!index) {
      index = m.symbols.filter((s) => !s.type).map((s) => ({ a: hexBig(s.address), name: s.name })).sort((x, y) => (x.a < y.a ? -1 : x.a > y.a ? 1 : 0));
      this.symbolIndex.set(m, index);
    }
    let lo = 0, hi = index.length - 1, best = -1;
    while (lo <= hi) { const mid = (lo + hi) >> 1; if (index[mid].a <= a) { best = mid; lo = mid + 1; } else hi = mid - 1; }
    if (best < 0) return `${m.name}+0x${hex(a - hexBig(m.base))}`;
    const off = a - index[best].a;
    return `${m.name}!${index[best].name}${off ? `+0x${hex(off)}` : ''}`;
  }
}

function u32(b: Uint8Array, o: number): number { return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0; }

function findRuntimeFunction(table: Uint8Array, rva: number): { unwind: number } | undefined {
  let lo = 0, hi = Math.floor(table.length / 12) - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const begin = u32(table, 12 * mid), end = u32(table, 12 * mid + 4);
    if (rva < begin) hi = mid - 1;
    else if (rva >= end) lo = mid + 1;
    else return { unwind: u32(table, 12 * mid + 8) };
  }
  return undefined;
}
