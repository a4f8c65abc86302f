// -redact: names that identify a company's software become stable hashes, so a snapshot can leave
// the building and still replay to the same conclusions (the same name always hashes the same way;
// the hash fits where the name was: EPROCESS.ImageFileName holds 15 bytes).
// Kept: Windows' own processes and core modules (nothing to hide, and the analysis recognises
// nt/hal/ntdll frames by name), and every module the analysis itself asked for by name.

/** Processes every Windows system has. */
const WINDOWS_PROCESSES = /^(system|idle|registry|memcompression|secure system|smss\.exe|csrss\.exe|wininit\.exe|winlogon\.exe|services\.exe|lsass\.exe|lsaiso\.exe|svchost\.exe|spoolsv\.exe|dwm\.exe|explorer\.exe|userinit\.exe|taskmgr\.exe|rundll32\.exe|dllhost\.exe|conhost\.exe|fontdrvhost\.exe)$/i;

/**
 * Kernel, HAL, ntdll, win32k and the user-mode core the frames of every hang go through; the
 * analysis recognises some by name (nt/hal frames, the kernel32/rpcrt4/wow64 wait wrappers).
 */
const WINDOWS_MODULES = /^(nt\w*|hal\w*|win32k\w*|kernel32|kernelbase|user32|gdi32\w*|wow64\w*|rpcrt4|msvcrt|ucrtbase|advapi32|sechost|combase|ole32|oleaut32|shell32|shlwapi|ws2_32|mswsock|dnsapi|wldap32|crypt32|winspool|ci|clfs|fltmgr|ntfs|mup|rdbss|mrxsmb\w*|tcpip|afd|ndis|ksecdd|cng|volmgr|partmgr|disk|classpnp|storport|acpi|pci|wdf01000|wdfldr)$/i;

/** FNV-1a, 32 bits, of the lower-cased name: stable across runs, machines and JavaScript engines. */
export function nameHash(name: string): string {
  let h = 0x811c9dc5;
  const s = name.toLowerCase();
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i) & 0xffff;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return ('0000000' + h.toString(16)).slice(-8);
}

/** "AppA.exe" -> "p1b2c3d4e.exe" (the extension stays, at most 4 characters with its dot). */
export function redactProcessName(name: string): string {
  if (!name || WINDOWS_PROCESSES.test(name)) return name;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 && name.length - dot <= 4 ? name.slice(dot) : '';
  return `p${nameHash(name)}${ext}`;
}

/**
 * "3rdPartyAVDriver" -> "m1b2c3d4e"; Windows modules and `asked` (lower case) keep their names.
 * The hash is of the bare name ("ipnathlp" for ipnathlp.dll), so every spelling hashes the same.
 */
export function redactModuleName(name: string, asked: { [lowerName: string]: true }): string {
  const bare = name.replace(/^.*[\\/]/, '').replace(/\.(sys|dll|exe|drv)$/i, '');
  if (!bare || WINDOWS_MODULES.test(bare) || asked[name.toLowerCase()] || asked[bare.toLowerCase()]) return name;
  return `m${nameHash(bare)}`;
}

/**
 * The module part of "mod!func+0x1b" / "mod+0x270d" (or dx's "mod + 0x270d") redacted; other texts
 * unchanged. A module name may start with a digit ("3rdPartyAVDriver"); a bare hex address is no module.
 */
export function redactSymbolText(text: string, asked: { [lowerName: string]: true }): string {
  const m = /^([A-Za-z0-9_][\w.$-]*)(?=!|\s*\+\s*0x)/.exec(text);
  if (!m || /^[0-9a-f]+$/i.test(m[1])) return text; // a bare address, not a module
  return redactModuleName(m[1], asked) + text.slice(m[1].length);
}
