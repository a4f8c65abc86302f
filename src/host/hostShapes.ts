// The debugger's answers in the shapes real WinDbg gives them, parsed without touching `host`:
// dt listings of enum types, image names of the module list, and the enum values that no build changed.

/**
 * `dt nt!_KTHREAD_STATE` prints one enumerator a line, "   Waiting = 0n5" (decimal with the 0n
 * prefix; `0x` hex is accepted too): https://learn.microsoft.com/windows-hardware/drivers/debuggercmds/dt--display-type-
 */
export function enumFromDt(lines: readonly string[]): Map<number, string> {
  const out = new Map<number, string>();
  for (const line of lines) {
    const m = /^\s+([A-Za-z_]\w*)\s*=\s*(?:0n(-?\d+)|0x([0-9a-f]+)|(-?\d+))\s*$/i.exec(line);
    if (!m) continue;
    const value = m[2] !== undefined ? parseInt(m[2], 10) : m[3] !== undefined ? parseInt(m[3], 16) : parseInt(m[4], 10);
    if (!out.has(value)) out.set(value, m[1]);
  }
  return out;
}

// Enumerators whose values no Windows NT build has changed (XP SP3 through Windows 11 24H2 symbols,
// as listed by the Vergilius Project, https://www.vergiliusproject.com/kernels/x64/windows-11/24h2/_KTHREAD_STATE
// and .../_KWAIT_REASON, .../_MODE). Values past these differ by build (the _KWAIT_REASON tail,
// _KOBJECTS renumbered in Windows 8.1), so they are left out: unknown, never guessed.
const STABLE_ENUMS: { [type: string]: string[] } = {
  _KTHREAD_STATE: ['Initialized', 'Ready', 'Running', 'Standby', 'Terminated', 'Waiting', 'Transition', 'DeferredReady'],
  _KWAIT_REASON: [
    'Executive', 'FreePage', 'PageIn', 'PoolAllocation', 'DelayExecution', 'Suspended', 'UserRequest',
    'WrExecutive', 'WrFreePage', 'WrPageIn', 'WrPoolAllocation', 'WrDelayExecution', 'WrSuspended', 'WrUserRequest',
    'WrEventPair', 'WrQueue', 'WrLpcReceive', 'WrLpcReply', 'WrVirtualMemory', 'WrPageOut', 'WrRendezvous',
  ],
  _MODE: ['KernelMode', 'UserMode'],
};

/** The built-in table of an nt enum (values stable across builds), or undefined when there is none. */
export function builtInEnum(type: string): Map<number, string> | undefined {
  const names = Object.prototype.hasOwnProperty.call(STABLE_ENUMS, type) ? STABLE_ENUMS[type] : undefined;
  if (!names) return undefined;
  const out = new Map<number, string>();
  names.forEach((n, i) => out.set(i, n));
  return out;
}

const KERNEL_IMAGES = /^(nt|ntoskrnl|ntkrnlpa|ntkrnlmp|ntkrpamp|ntkrla57)$/i;

/**
 * The debugger's module name for an image name of the module list: the file name without its path
 * and extension ("\SystemRoot\system32\drivers\3rdPartyAVDriver.sys" -> "3rdPartyAVDriver"); the
 * kernel is always "nt", whatever its image file is called.
 */
export function moduleNameOfImage(image: string): string {
  let name = image.replace(/^.*[\\/]/, '').trim();
  name = name.replace(/\.(sys|dll|exe|drv|cpl|ocx|efi)$/i, '');
  return KERNEL_IMAGES.test(name) ? 'nt' : name;
}
