// !stalecheck rule 'stale-iosb': an IRP still on a thread's IRP list (not yet completed back to the I/O
// manager) whose UserIosb or UserEvent lies
//  - on the issuing thread's stack BELOW its stack pointer: in a frame that has returned (seed 000: a
//    ZwWriteFile with a stack IO_STATUS_BLOCK returned STATUS_PENDING, the caller went on, and the
//    completion later wrote over an in-stack queued spin lock handle), or on the stack of an issuer that
//    has terminated;
//  - on another thread's stack (the completion writes where the issuing thread has no frame).
// nt!IopCompleteRequest writes the IO_STATUS_BLOCK and signals the event wherever they point, so every
// such IRP is memory corruption waiting to happen. The issuing thread is the one whose IrpList holds the
// IRP (Tail.Overlay.Thread is overlaid by the completion APC on x86 once completion has begun).
// Silent: an IoStatusBlock/event in a live frame of the issuer (the synchronous-request pattern), an
// address on no known stack (pool), a running issuer whose stack pointer the dump does not give, a
// user-mode request whose issuer waits on its event or its file object's event (synchronous I/O).
import { isKernelAddress, type Addr } from '../../core/addr';
import { appendTo, cacheKey } from '../../core/runCache';
import type { IrpInfo } from '../../kernel/irps';
import type { ThreadInfo } from '../../kernel/model';
import type { RuleEnv } from '../waits/waitgraph';
import { threadFacts, type ReferenceField, type Severity, type StaleReason, type StaleReferenceFacts, type StaleRule } from './model';
import { irpsByThread, irpTarget, locateOnStacks, waitsOnIrpEvent, type StackPlace, type StackPosition } from './stackRefs';

export type { ReferenceField, StaleReason } from './model';

export interface StaleReference {
  issuer: ThreadInfo;
  irp: IrpInfo;
  field: ReferenceField;
  place: StackPlace;
  /** The stack position the verdict rests on. */
  position: StackPosition;
  reason: StaleReason;
  severity: Severity;
}

/**
 * The verdict on one address the completion will write. Pure over the located place: the issuer's own
 * stack decides when the address is on it; else the first other stack holding it.
 */
export function judgeReference(place: StackPlace, issuer: ThreadInfo, irp: Pick<IrpInfo, 'userEvent'>): { reason: StaleReason; position: StackPosition; severity: Severity } | undefined {
  const own = place.positions.find((p) => p.range.thread === issuer);
  if (own) {
    if (issuer.terminated) return { reason: 'terminated', position: own, severity: 'error' };
    if (own.state === 'returned') return { reason: 'returned', position: own, severity: 'error' };
    return undefined; // a live frame of the issuer, or its stack pointer is unknown
  }
  const other = place.positions[0];
  if (!other) return undefined;
  const o = other.range.thread;
  // A thread that handed its stack IOSB/event to a worker and waits for that event in the live frame is
  // the one legitimate variant: still worth a look, not corruption yet.
  const handedOver = !o.terminated && other.state === 'live' && o.state === 'Waiting' && !!irp.userEvent && o.waits.some((w) => w.object === irp.userEvent);
  return { reason: 'other-thread', position: other, severity: handedOver ? 'warning' : 'error' };
}

const STALE_REFERENCES = cacheKey<StaleReference[]>('stale: stale references');

/** Every stale reference of the dump (computed once per run; the APC rule asks for them too). */
export function staleReferences(env: RuleEnv): StaleReference[] {
  return env.cache.get(STALE_REFERENCES, () => {
    const out: StaleReference[] = [];
    for (const { thread, irps } of irpsByThread(env)) {
      for (const irp of irps) {
        for (const field of ['UserIosb', 'UserEvent'] as ReferenceField[]) {
          const address = field === 'UserIosb' ? irp.userIosb : irp.userEvent;
          if (!address) continue;
          // A user-mode request whose issuer waits on its event (or its file object's) is the synchronous
          // pattern, its IOSB in the live syscall frame: deciding it would cost a stack walk per waiting thread.
          if (!isKernelAddress(address, env.k.pointerSize) && waitsOnIrpEvent(thread, irp, env)) continue;
          const place = locateOnStacks(address, thread, env);
          const verdict = judgeReference(place, thread, irp);
          if (verdict) out.push({ issuer: thread, irp, field, place, ...verdict });
        }
      }
    }
    return out;
  });
}

/** IRPs with a stale reference, by address (for the APC rule's severity). */
export function staleIrpAddresses(env: RuleEnv): Set<Addr> {
  const s = new Set<Addr>();
  for (const r of staleReferences(env)) s.add(r.irp.address);
  return s;
}

export const staleIosbRule: StaleRule<'stale-iosb'> = {
  id: 'stale-iosb',
  run({ model }) {
    const env = model.env;
    const byIrp = new Map<Addr, StaleReference[]>();
    for (const r of staleReferences(env)) {
      appendTo(byIrp, r.irp.address, r);
    }
    const findings: ReturnType<StaleRule<'stale-iosb'>['run']> = [];
    byIrp.forEach((refs) => findings.push(findingOf(refs, env)));
    return findings;
  },
};

function findingOf(refs: StaleReference[], env: RuleEnv): ReturnType<StaleRule<'stale-iosb'>['run']>[number] {
  const { issuer, irp } = refs[0];
  const severity: Severity = refs.some((r) => r.severity === 'error') ? 'error' : 'warning';
  return {
    rule: 'stale-iosb',
    severity,
    thread: issuer.address,
    irp: irp.address,
    object: refs[0].place.address,
    issuer: threadFacts(issuer),
    irpTarget: irpTarget(irp, env),
    pendingReturned: !!irp.pendingReturned,
    overlayThread: irp.thread && irp.thread !== issuer.address ? irp.thread : undefined,
    references: refs.map(referenceFacts),
  };
}

function referenceFacts(r: StaleReference): StaleReferenceFacts {
  const p = r.position;
  return {
    field: r.field,
    address: r.place.address,
    kernelStack: r.place.kernel,
    reason: r.reason,
    severity: r.severity,
    stackOwner: threadFacts(p.range.thread),
    ownerIsIssuer: p.range.thread === r.issuer,
    stackLimit: p.range.limit,
    stackBase: p.range.base,
    userStack: p.range.user,
    sp: p.sp,
    spSource: p.spSource,
    frameState: p.state,
    below: p.below,
  };
}
