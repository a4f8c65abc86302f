// Named builder variants for the Windows behaviours public evidence leaves open about user-mode lock waits
// (docs/scenario-extensions.md, "Critical-section waits per build"). The analysis must find the lock under each;
// test/bundle/wait-variants.test.ts runs every critical-section scenario under all of them.
//
// Open question 1, the switch build: since Windows 8 ntdll blocks SRW locks and condition variables through
// NtWaitForAlertByThreadId (kernel wait reason WrAlertByThreadId), and Windows 10/11 critical sections too
// (RtlpWaitOnCriticalSection -> RtlpWaitOnAddress); a 2016 Windows 10 x64 stack still shows a critical-section
// waiter in NtWaitForSingleObject on the LockSemaphore. Which build switched is not public, so a layout whose
// _KWAIT_REASON has WrAlertByThreadId waits on the address by default, and `cs-semaphore` lays the same layout out
// the pre-switch way.
//
// Open question 2, what KWAIT_BLOCK.Object holds for such a wait: dennisbabkin.com ("Things You Find While Reverse
// Engineering - AlertByThreadId") reports the first argument of NtWaitForAlertByThreadId lands there unchanged;
// which address ntdll passes for a section (the section itself or its LockCount word) and whether every build keeps
// it are not documented: `alert-object-lockcount`, `alert-object-none`, `alert-object-none-no-args`.

export interface WaitVariant {
  name: string;
  summary: string;
  /** Public evidence the variant rests on (links a reader can open). */
  evidence: string[];
  /** How a critical-section waiter blocks on a layout whose _KWAIT_REASON has WrAlertByThreadId. */
  csWait: 'address' | 'semaphore';
  /** What the builder stores in KWAIT_BLOCK.Object of an address wait. */
  alertObject: 'address' | 'lockcount' | 'none';
  /** The section appears as an argument of the ntdll critical-section frames (x64: their home space). */
  sectionOnStack: boolean;
}

const BABKIN = 'https://dennisbabkin.com/blog/?t=how-to-put-thread-into-kernel-wait-and-to-wake-it-by-thread-id';
const NTDOC = 'https://ntdoc.m417z.com/ntwaitforalertbythreadid';

export const WAIT_VARIANTS: Readonly<Record<string, WaitVariant>> = {
  probed: {
    name: 'probed',
    summary: 'address waits where the layout has WrAlertByThreadId; KWAIT_BLOCK.Object = the section; section on the ntdll frames',
    evidence: [BABKIN, NTDOC],
    csWait: 'address',
    alertObject: 'address',
    sectionOnStack: true,
  },
  'cs-semaphore': {
    name: 'cs-semaphore',
    summary: 'a build before the critical-section switch: LockSemaphore event wait (NtWaitForSingleObject) although the kernel has WrAlertByThreadId',
    evidence: ['a 2016 Windows 10 x64 stack: RtlpWaitOnCriticalSection in NtWaitForSingleObject', NTDOC],
    csWait: 'semaphore',
    alertObject: 'address',
    sectionOnStack: true,
  },
  'alert-object-lockcount': {
    name: 'alert-object-lockcount',
    summary: 'KWAIT_BLOCK.Object = the address of the section\'s LockCount word (the word the wait is on), not the section',
    evidence: [BABKIN],
    csWait: 'address',
    alertObject: 'lockcount',
    sectionOnStack: true,
  },
  'alert-object-none': {
    name: 'alert-object-none',
    summary: 'KWAIT_BLOCK.Object not recorded (NULL); the section only on the ntdll frames',
    evidence: [NTDOC],
    csWait: 'address',
    alertObject: 'none',
    sectionOnStack: true,
  },
  'alert-object-none-no-args': {
    name: 'alert-object-none-no-args',
    summary: 'KWAIT_BLOCK.Object NULL and no frame argument names the section (x64 home space not spilled): only the process\'s locked sections tell',
    evidence: [NTDOC],
    csWait: 'address',
    alertObject: 'none',
    sectionOnStack: false,
  },
};

export const DEFAULT_WAIT_VARIANT = 'probed';

export function waitVariantNamed(name: string | undefined): WaitVariant {
  const v = WAIT_VARIANTS[name ?? DEFAULT_WAIT_VARIANT];
  if (!v) throw new Error(`unknown wait variant '${name}' (known: ${Object.keys(WAIT_VARIANTS).join(', ')})`);
  return v;
}
