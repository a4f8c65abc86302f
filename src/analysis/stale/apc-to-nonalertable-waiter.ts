// !stalecheck rule 'apc-to-nonalertable-waiter': a thread in a non-alertable wait with an I/O completion
// APC (nt!IopCompleteRequest) queued for an IRP it is not waiting for. The seed 000 signature: a request
// its issuer believed finished went pending, and its completion arrives in the middle of an unrelated
// wait, writing the IoStatusBlock wherever the issuer left it.
//
// How false positives are avoided. Special kernel APCs are routine (I/O completion, get/set context,
// scheduler and termination APCs) and the kernel delivers them even into non-alertable waits: a queued
// special APC is not a bug by itself. This rule speaks only when ALL of these hold:
//  1. the thread is Waiting and the wait is NOT alertable (an alertable wait expects APCs);
//  2. the APC is on the KernelMode APC list and its KernelRoutine is nt!IopCompleteRequest (by the
//     symbol's address, else by name): no other APC routine is ever flagged;
//  3. the thread does not wait for that IRP: its wait objects include neither the IRP's UserEvent nor
//     the Event of the IRP's file object (synchronous file I/O waits there), and neither the UserIosb
//     nor the UserEvent lies in a live frame of its stack (or where its stack pointer is unknown);
//  4. the IRP was issued from kernel mode (UserIosb/UserEvent in kernel space) or its IoStatusBlock or
//     event lies on a thread's stack: a user-mode overlapped request (IOSB in the process's heap)
//     completing during an unrelated wait is ordinary traffic;
//  5. the APC's IRP is known: the APC is the IRP's Tail.Apc, or SystemArgument1/2 names an IRP on the
//     thread's list, or, failing both, IRPs on the thread's list meet 3 and 4 (named as candidates).
// Whether the kernel will deliver it (WaitIrql < APC_LEVEL and SpecialApcDisable zero) does not decide
// the finding, it decides what happens next; it is reported with the disable counts as evidence.
// Severity warning; error when stale-iosb finds the same IRP (the completion will corrupt a stack).
import { formatAddr, isKernelAddress, type Addr } from '../../core/addr';
import { specialApcDeliverable, type ApcControls, type ApcInfo } from '../../kernel/apcs';
import type { IrpInfo } from '../../kernel/irps';
import type { ThreadInfo } from '../../kernel/model';
import type { RuleEnv } from '../waits/waitgraph';
import type { Finding, StaleRule } from './model';
import { staleIrpAddresses } from './stale-iosb';
import { hexBytes, irpsByThread, irpTarget, locateOnStacks, waitsOnIrpEvent } from './stackRefs';

/** Candidate IRPs named when the APC does not say which IRP it completes. */
const MAX_CANDIDATES_SHOWN = 3;

interface Match {
  irp: IrpInfo;
  how: string;
}

export const apcToNonAlertableWaiterRule: StaleRule = {
  id: 'apc-to-nonalertable-waiter',
  run({ model }): Finding[] {
    const env = model.env;
    const k = env.k;
    const names = env.kernel.routineNames;
    const findings: Finding[] = [];
    for (const t of env.table.threads) {
      if (t.state !== 'Waiting' || t.alertable) continue;
      if (!env.kernel.hasKernelApcs(t)) continue; // decided from the ETHREAD as read: most threads cost nothing
      const completions = env.kernel.kernelApcs(t).filter((apc) => names.isIoCompletion(apc.kernelRoutine));
      if (!completions.length) continue;
      const irps = irpsOf(t, env);
      const unmatched: ApcInfo[] = [];
      for (const apc of completions) {
        const m = matchIrp(apc, irps, env);
        if (!m) unmatched.push(apc);
        else if (flaggable(t, m.irp, env)) findings.push(findingOf(t, [apc], [m.irp], m.how, env));
      }
      if (unmatched.length) {
        const candidates = irps.filter((irp) => flaggable(t, irp, env));
        if (candidates.length) {
          const how =
            candidates.length === 1
              ? `the APC does not name its IRP (not inside an IRP, SystemArgument1/2 name none); ${formatAddr(candidates[0].address, k.pointerSize)} is the only IRP on the thread's list that the thread does not wait for`
              : `the APC does not name its IRP; ${candidates.length} IRPs on the thread's list are not waited for`;
          findings.push(findingOf(t, unmatched, candidates, how, env));
        }
      }
    }
    return findings;
  },
};

function irpsOf(t: ThreadInfo, env: RuleEnv): IrpInfo[] {
  const entry = irpsByThread(env).find((x) => x.thread === t);
  return entry ? entry.irps : [];
}

/** Which IRP the completion APC completes: it is the IRP's Tail.Apc (IopfCompleteRequest queues exactly that), or an argument names it. */
function matchIrp(apc: ApcInfo, irps: IrpInfo[], env: RuleEnv): Match | undefined {
  const k = env.k;
  const a = (x: Addr) => formatAddr(x, k.pointerSize);
  const container = env.kernel.irps.irpOfTailApc(apc.address);
  if (container) {
    const onList = irps.find((irp) => irp.address === container);
    if (onList) return { irp: onList, how: `the APC is IRP ${a(container)}'s Tail.Apc` };
  }
  for (const arg of [apc.systemArgument1, apc.systemArgument2]) {
    const hit = arg && irps.find((irp) => irp.address === arg);
    if (hit) return { irp: hit, how: `its SystemArgument${arg === apc.systemArgument1 ? 1 : 2} names IRP ${a(hit.address)}` };
  }
  // Not on the thread's list (completion may already have dequeued it): the Tail.Apc container is an IRP
  // when its Type header says so; a two-byte probe first, so a pool neighbour is not read as an IRP.
  if (container) {
    const irp = env.kernel.irps.probeIrp(container);
    if (irp) return { irp, how: `the APC is IRP ${a(container)}'s Tail.Apc (the IRP is no longer on the thread's list)` };
  }
  return undefined;
}

/** Conditions 3 and 4 of the header comment. */
function flaggable(t: ThreadInfo, irp: IrpInfo, env: RuleEnv): boolean {
  return !waitsFor(t, irp, env) && fromKernelOrStack(t, irp, env);
}

/** The thread waits for this IRP: on its UserEvent, on its file object's Event, or in the frame that holds its IOSB/event. */
export function waitsFor(t: ThreadInfo, irp: IrpInfo, env: RuleEnv): boolean {
  if (waitsOnIrpEvent(t, irp, env)) return true;
  for (const address of [irp.userIosb, irp.userEvent]) {
    if (!address) continue;
    const own = locateOnStacks(address, t, env).positions.find((p) => p.range.thread === t);
    if (own && own.state !== 'returned') return true;
  }
  return false;
}

function fromKernelOrStack(t: ThreadInfo, irp: IrpInfo, env: RuleEnv): boolean {
  for (const address of [irp.userIosb, irp.userEvent]) {
    if (!address) continue;
    if (isKernelAddress(address, env.k.pointerSize)) return true;
    if (locateOnStacks(address, t, env).positions.length) return true;
  }
  return false;
}

function findingOf(t: ThreadInfo, apcs: ApcInfo[], irps: IrpInfo[], how: string, env: RuleEnv): Finding {
  const k = env.k;
  const a = (x: Addr) => formatAddr(x, k.pointerSize);
  const names = env.kernel.routineNames;
  const c = env.kernel.apcControls(t);
  const single = irps.length === 1 ? irps[0] : undefined;
  const stale = staleIrpAddresses(env);
  const corrupting = irps.filter((irp) => stale.has(irp.address));
  const evidence: string[] = [
    `thread ${a(t.address)} (${t.process.name}) waits non-alertably (${t.waitReason}, ${t.waitMode}) on ${t.waits.map((w) => a(w.object)).join(', ') || 'no dispatcher object'}${c.kernelApcPending ? '; KernelApcPending set' : ''}`,
  ];
  for (const apc of apcs) {
    const routine = apc.kernelRoutine ? names.name(apc.kernelRoutine) || a(apc.kernelRoutine) : '?';
    const args = [apc.systemArgument1, apc.systemArgument2].map((x) => (x ? a(x) : '0')).join(', ');
    evidence.push(`kernel APC ${a(apc.address)}: KernelRoutine ${routine} (I/O completion), ${apc.special ? 'special (no NormalRoutine)' : 'normal'}, SystemArgument1/2 ${args}${apc.inserted ? ', inserted' : ''}`);
  }
  evidence.push(how);
  for (const irp of irps.slice(0, MAX_CANDIDATES_SHOWN)) evidence.push(irpLine(t, irp, env));
  if (irps.length > MAX_CANDIDATES_SHOWN) evidence.push(`and ${irps.length - MAX_CANDIDATES_SHOWN} more IRPs`);
  evidence.push(deliveryLine(c));
  if (corrupting.length) evidence.push(`stale-iosb: ${corrupting.map((irp) => a(irp.address)).join(', ')} will write into a stack location nothing owns any more: delivering this APC corrupts memory`);
  const summary = single
    ? `I/O completion APC queued to thread ${a(t.address)} in a non-alertable wait, for IRP ${a(single.address)}, which it is not waiting for`
    : `I/O completion APC queued to thread ${a(t.address)} in a non-alertable wait, for one of ${irps.length} IRPs it is not waiting for`;
  return {
    rule: 'apc-to-nonalertable-waiter',
    severity: corrupting.length ? 'error' : 'warning',
    summary,
    thread: t.address,
    irp: single && single.address,
    object: apcs[0].address,
    evidence,
    next: `!apc thre ${a(t.address)}`,
  };
}

/** "IRP 89d1a008 (IRP_MJ_WRITE to \FileSystem\Ntfs): UserIosb a9750cdc 0x44 bytes below the saved stack pointer, UserEvent none; not waited for" */
function irpLine(t: ThreadInfo, irp: IrpInfo, env: RuleEnv): string {
  const a = (x: Addr) => formatAddr(x, env.k.pointerSize);
  const where = (address: Addr | undefined): string => {
    if (!address) return 'none';
    const own = locateOnStacks(address, t, env).positions.find((p) => p.range.thread === t);
    if (own && own.state === 'returned' && own.below !== undefined) return `${a(address)} (${hexBytes(own.below)} bytes below this thread's stack pointer)`;
    return a(address);
  };
  return `IRP ${a(irp.address)} (${irpTarget(irp, env)}): UserIosb ${where(irp.userIosb)}, UserEvent ${where(irp.userEvent)}; the thread waits neither on its event nor on its file object's event, nor in the frame holding them`;
}

function deliveryLine(c: ApcControls): string {
  const counts = `WaitIrql ${c.waitIrql === undefined ? '?' : c.waitIrql}, KernelApcDisable ${c.kernelApcDisable === undefined ? '?' : c.kernelApcDisable}, SpecialApcDisable ${c.specialApcDisable === undefined ? 'n/a' : c.specialApcDisable}`;
  const deliverable = specialApcDeliverable(c);
  if (deliverable === true) return `${counts}: the kernel delivers a special APC into this wait although it is non-alertable: IopCompleteRequest runs on this thread's stack while it waits for something else`;
  if (deliverable === false) return `${counts}: delivery is blocked until the thread leaves this wait; the completion stays queued and the IRP on the list`;
  return `${counts}: whether the kernel delivers it now is unknown`;
}
