// The running Windows version, read from the target (KUSER_SHARED_DATA.NtMajorVersion/NtMinorVersion).
// Only for encodings the kernel/ntdll changed without any change to a structure's fields (a critical
// section's LockCount, a fast mutex's Count): layouts are still probed from the symbols, never chosen
// by version.
import { addrAdd } from '../core/addr';
import { uint } from '../core/bytes';
import { SHARED_USER_DATA } from '../core/numbers';
import { cacheKey } from '../core/runCache';
import type { KernelContext } from './context';

export interface OsVersion {
  major: number;
  minor: number;
}

const OS_VERSION = cacheKey<OsVersion | undefined>('OS version');

/** NT major/minor of the target (5.1 = XP, 5.2 = 2003/XP x64, 6.1 = 7, 10.0 = 10/11); undefined when unreadable. */
export function readOsVersion(k: KernelContext): OsVersion | undefined {
  return k.cache.get(OS_VERSION, () => decode(k));
}

function decode(k: KernelContext): OsVersion | undefined {
  const shared = k.type('_KUSER_SHARED_DATA');
  if (!shared || !shared.field('NtMajorVersion') || !shared.field('NtMinorVersion')) return undefined;
  const v = k.readStruct(shared, SHARED_USER_DATA[k.pointerSize], 'KUSER_SHARED_DATA');
  if (!v) return undefined;
  const major = v.num('NtMajorVersion');
  const minor = v.num('NtMinorVersion');
  // A zeroed page (damaged or synthetic dump) names no version.
  if (major === undefined || minor === undefined || major === 0) return undefined;
  return { major, minor };
}

/**
 * The build number (19041) for a recording's header, never to choose a layout or an encoding:
 * KUSER_SHARED_DATA.NtBuildNumber (Windows 10 on), else nt!NtBuildNumber; the low 16 bits are the
 * build (the high bits mark a checked or free build). undefined when neither is readable.
 */
export function readBuildNumber(k: KernelContext): number | undefined {
  const shared = k.type('_KUSER_SHARED_DATA');
  const field = shared && shared.field('NtBuildNumber');
  if (field) {
    const bytes = k.target.read(addrAdd(SHARED_USER_DATA[k.pointerSize as 4 | 8], field.offset), 4);
    if (bytes && uint(bytes, 0, 4)) return uint(bytes, 0, 4) & 0xffff;
  }
  const symbol = k.symbol('NtBuildNumber');
  const bytes = symbol ? k.target.read(symbol, 4) : undefined;
  return bytes ? uint(bytes, 0, 4) & 0xffff : undefined;
}
