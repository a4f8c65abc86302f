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
import { isKernelAddress, type Addr } from '../../core/addr';
import { specialApcDeliverable, type ApcInfo } from '../../kernel/apcs';
import type { IrpInfo } from '../../kernel/irps';
import type { ThreadInfo } from '../../kernel/model';
import type { RuleEnv } from '../waits/waitgraph';
import { threadFacts, type ApcFindingFacts, type ApcIrpFacts, type ApcIrpMatch, type CompletionSpot, type FindingHeader, type StaleRule } from './model';
import { staleIrpAddresses } from './stale-iosb';
import { irpsByThread, irpTarget, locateOnStacks, waitsOnIrpEvent } from './stackRefs';

/** Candidate IRPs named when the APC does not say which IRP it completes. */
const MAX_CANDIDATES_SHOWN = 3;

interface Match {
  irp: IrpInfo;
  how: ApcIrpMatch;
}

type ApcFinding = FindingHeader & ApcFindingFacts;

export const apcToNonAlertableWaiterRule: StaleRule<'apc-to-nonalertable-waiter'> = {
  id: 'apc-to-nonalertable-waiter',
  run({ model }): ApcFinding[] {
    const env = model.env;
    const names = env.kernel.routineNames;
    const findings: ApcFinding[] = [];
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
          const how: ApcIrpMatch = candidates.length === 1 ? { kind: 'only-candidate', irp: candidates[0].address } : { kind: 'candidates', count: candidates.length };
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
  const container = env.kernel.irps.irpOfTailApc(apc.address);
  if (container) {
    const onList = irps.find((irp) => irp.address === container);
    if (onList) return { irp: onList, how: { kind: 'tail-apc', irp: container } };
  }
  for (const arg of [apc.systemArgument1, apc.systemArgument2]) {
    const hit = arg && irps.find((irp) => irp.address === arg);
    if (hit) return { irp: hit, how: { kind: 'system-argument', argument: arg === apc.systemArgument1 ? 1 : 2, irp: hit.address } };
  }
  // Not on the thread's list (completion may already have dequeued it): the Tail.Apc container is an IRP
  // when its Type header says so; a two-byte probe first, so a pool neighbour is not read as an IRP.
  if (container) {
    const irp = env.kernel.irps.probeIrp(container);
    if (irp) return { irp, how: { kind: 'tail-apc-off-list', irp: container } };
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

function findingOf(t: ThreadInfo, apcs: ApcInfo[], irps: IrpInfo[], how: ApcIrpMatch, env: RuleEnv): ApcFinding {
  const names = env.kernel.routineNames;
  const c = env.kernel.apcControls(t);
  const single = irps.length === 1 ? irps[0] : undefined;
  const stale = staleIrpAddresses(env);
  const corrupting = irps.filter((irp) => stale.has(irp.address));
  return {
    rule: 'apc-to-nonalertable-waiter',
    severity: corrupting.length ? 'error' : 'warning',
    thread: t.address,
    irp: single && single.address,
    object: apcs[0].address,
    waiter: threadFacts(t),
    kernelApcPending: !!c.kernelApcPending,
    apcs: apcs.map((apc) => ({
      address: apc.address,
      kernelRoutine: apc.kernelRoutine,
      routineName: apc.kernelRoutine ? names.name(apc.kernelRoutine) : undefined,
      special: apc.special,
      inserted: apc.inserted,
      systemArgument1: apc.systemArgument1,
      systemArgument2: apc.systemArgument2,
    })),
    match: how,
    irpCount: irps.length,
    irpsShown: irps.slice(0, MAX_CANDIDATES_SHOWN).map((irp) => irpFacts(t, irp, env)),
    waitIrql: c.waitIrql,
    kernelApcDisable: c.kernelApcDisable,
    specialApcDisable: c.specialApcDisable,
    deliverable: specialApcDeliverable(c),
    corrupting: corrupting.map((irp) => irp.address),
  };
}

/** Where the IRP's UserIosb and UserEvent lie relative to the waiter's stack pointer. */
function irpFacts(t: ThreadInfo, irp: IrpInfo, env: RuleEnv): ApcIrpFacts {
  const where = (address: Addr | undefined): CompletionSpot | undefined => {
    if (!address) return undefined;
    const own = locateOnStacks(address, t, env).positions.find((p) => p.range.thread === t);
    return own && own.state === 'returned' && own.below !== undefined ? { address, belowStackPointer: own.below } : { address };
  };
  return { address: irp.address, target: irpTarget(irp, env), userIosb: where(irp.userIosb), userEvent: where(irp.userEvent) };
}
