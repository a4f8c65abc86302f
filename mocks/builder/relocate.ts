// Address relocation of an x86 scenario laid out on an x64 layout (docs/scenario-extensions.md §Relocation).
//   kernel A >= 0x80000000 -> 0xffffa00000000000 + (A - 0x80000000) * 8
//   user   A <  0x80000000 -> A * 8
//   0 -> 0
// The factor 8 leaves room for x64 structures (up to ~4.3x their x86 size) between packed x86 addresses.
import { fmt, isHex, normHex, parseHex } from './hex';

export const RELOC_FACTOR = 8n;
export const RELOC_KERNEL_BASE = 0xffffa00000000000n;
export const RELOC_USER_BASE = 0n;
const X86_KERNEL_START = 0x80000000n;
const KERNEL_IMAGE_END = RELOC_KERNEL_BASE + (0x100000000n - X86_KERNEL_START) * RELOC_FACTOR;
const USER_IMAGE_END = X86_KERNEL_START * RELOC_FACTOR;

export interface Relocation {
  toTarget(scenarioAddr: string): string;
  toScenario(targetAddr: string): string | null;
}

export function relocateX86(a: bigint): bigint {
  if (a === 0n) return 0n;
  if (a >= X86_KERNEL_START) return RELOC_KERNEL_BASE + (a - X86_KERNEL_START) * RELOC_FACTOR;
  return a * RELOC_FACTOR;
}

export function unrelocateX86(t: bigint): bigint | null {
  if (t === 0n) return 0n;
  if (t >= RELOC_KERNEL_BASE && t < KERNEL_IMAGE_END) {
    const d = t - RELOC_KERNEL_BASE;
    return d % RELOC_FACTOR === 0n ? X86_KERNEL_START + d / RELOC_FACTOR : null;
  }
  if (t > 0n && t < USER_IMAGE_END) return t % RELOC_FACTOR === 0n ? t / RELOC_FACTOR : null;
  return null;
}

export class X86ToX64Relocation implements Relocation {
  toTarget(scenarioAddr: string): string {
    return fmt(relocateX86(parseHex(scenarioAddr)));
  }
  toScenario(targetAddr: string): string | null {
    const r = unrelocateX86(parseHex(targetAddr));
    return r === null ? null : fmt(r);
  }
}

export const relocationHeader = () => ({
  kind: 'x86-to-x64' as const,
  factor: Number(RELOC_FACTOR),
  kernelBase: fmt(RELOC_KERNEL_BASE),
  userBase: fmt(RELOC_USER_BASE),
});

/** A string of `expect` that is an address: 8 hex digits (x86 scenarios spell every address with 8). */
function isAddressString(s: string): boolean {
  const n = normHex(s);
  return /^[0-9a-f]{8}$/.test(n) || /^[0-9a-f]{16}$/.test(n);
}

function mapString(s: string, r: Relocation): string {
  // "<addr>.<Field>" (ring arrays, corruption targets)
  const dot = s.indexOf('.');
  if (dot > 0 && isHex(s.slice(0, dot)) && isAddressString(s.slice(0, dot))) return r.toTarget(s.slice(0, dot)) + s.slice(dot);
  if (isHex(s) && isAddressString(s)) return r.toTarget(s);
  return s;
}

/** Maps every address in an `expect` block (values, object keys such as waiterCounts, "<addr>.<Field>") to the target. */
export function relocateExpect<T>(expect: T, r: Relocation | null): T {
  if (!r) return expect;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return mapString(v, r);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        out[k === 'notes' ? k : mapString(k, r)] = k === 'notes' ? x : walk(x);
      }
      return out;
    }
    return v;
  };
  return walk(expect) as T;
}
