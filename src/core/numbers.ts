// Numeric constants shared by every layer: spelled once.

/** 2^32: one 32-bit half of a 64-bit value (values are split in two halves; JS numbers are exact to 2^53). */
export const TWO32 = 4294967296;

/**
 * KUSER_SHARED_DATA's kernel address, fixed by the ABI (MM_SHARED_USER_DATA_VA in the WDK's ntddk.h),
 * not a structure offset: the one fixed address waitchain reads, by pointer size.
 */
export const SHARED_USER_DATA: { readonly [pointerSize: number]: string } = { 4: 'ffdf0000', 8: 'fffff78000000000' };

/** Four hex digits at least (process and thread ids as WinDbg prints them, `0a4c.1b20`). */
export function hex4(n: number): string {
  return n.toString(16).padStart(4, '0');
}
