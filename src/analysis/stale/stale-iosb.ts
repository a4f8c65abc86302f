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
import { formatAddr, isKernelAddress, type Addr } from '../../core/addr';
import { cacheKey } from '../../core/runCache';
import type { IrpInfo } from '../../kernel/irps';
import type { ThreadInfo } from '../../kernel/model';
import type { RuleEnv } from '../waits/waitgraph';
import type { Finding, Severity, StaleRule } from './model';
import { hexBytes, irpsByThread, irpTarget, locateOnStacks, waitsOnIrpEvent, type StackPlace, type StackPosition } from './stackRefs';

export type ReferenceField = 'UserIosb' | 'UserEvent';

/** Why a reference is stale. */
export type StaleReason = 'returned' | 'terminated' | 'other-thread';

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

const WHAT: Record<ReferenceField, string> = { UserIosb: 'IoStatusBlock', UserEvent: 'event' };

export const staleIosbRule: StaleRule = {
  id: 'stale-iosb',
  run({ model }): Finding[] {
    const env = model.env;
    const byIrp = new Map<Addr, StaleReference[]>();
    for (const r of staleReferences(env)) {
      const list = byIrp.get(r.irp.address);
      if (list) list.push(r);
      else byIrp.set(r.irp.address, [r]);
    }
    const findings: Finding[] = [];
    byIrp.forEach((refs) => findings.push(findingOf(refs, env)));
    return findings;
  },
};

function findingOf(refs: StaleReference[], env: RuleEnv): Finding {
  const a = (x: Addr) => formatAddr(x, env.k.pointerSize);
  const { issuer, irp } = refs[0];
  const severity: Severity = refs.some((r) => r.severity === 'error') ? 'error' : 'warning';
  const evidence: string[] = [
    `IRP ${a(irp.address)} (${irpTarget(irp, env)}${irp.pendingReturned ? ', PendingReturned' : ''}) is on the IRP list of thread ${a(issuer.address)} (${issuer.process.name}), ${stateText(issuer, env)}`,
  ];
  if (irp.thread && irp.thread !== issuer.address) evidence.push(`its Tail.Overlay.Thread reads ${a(irp.thread)} (overlaid by the completion APC once completion has begun, or damage)`);
  for (const r of refs) evidence.push(...referenceEvidence(r, env));
  const first = refs[0];
  const target = first.position.range.thread;
  const stack = first.place.kernel ? 'kernel stack' : 'user-mode stack';
  const what = refs.map((r) => WHAT[r.field]).filter((w, i, all) => all.indexOf(w) === i).join(' and ');
  const summary =
    first.reason === 'returned'
      ? `IRP ${a(irp.address)}'s ${what} lies in a returned frame of thread ${a(issuer.address)}'s ${stack}: its completion will write into dead stack`
      : first.reason === 'terminated'
        ? `IRP ${a(irp.address)}'s ${what} lies on the ${stack} of thread ${a(issuer.address)}, which has terminated`
        : `IRP ${a(irp.address)} of thread ${a(issuer.address)} has its ${what} on the ${stack} of another thread, ${a(target.address)}`;
  return { rule: 'stale-iosb', severity, summary, thread: issuer.address, irp: irp.address, object: first.place.address, evidence, next: `!irp ${a(irp.address)}` };
}

function referenceEvidence(r: StaleReference, env: RuleEnv): string[] {
  const a = (x: Addr) => formatAddr(x, env.k.pointerSize);
  const p = r.position;
  const t = p.range.thread;
  const stack = r.place.kernel ? 'kernel stack' : 'user-mode stack (TEB bounds)';
  const owner = t === r.issuer ? 'the issuing thread' : `thread ${a(t.address)} (${t.process.name}), not the issuing thread`;
  const lines = [`${r.field} ${a(r.place.address)} lies on the ${stack} of ${owner}: [${a(p.range.limit)}, ${a(p.range.base)})${p.sp ? `, ${p.spSource} ${a(p.sp)}` : ` (${p.spSource})`}`];
  if (p.state === 'returned' && p.below !== undefined) lines.push(`${r.field} is ${hexBytes(p.below)} bytes below the ${p.range.user ? 'innermost frame' : 'saved stack pointer'}: in a frame that has returned`);
  else if (p.state === 'live' && p.below !== undefined && r.reason !== 'terminated') lines.push(`${r.field} is ${hexBytes(-p.below)} bytes above that thread's stack pointer, in one of its live frames`);
  if (r.reason === 'terminated') lines.push(`the issuing thread has terminated: its stack is freed or about to be`);
  if (r.reason === 'other-thread') {
    lines.push(
      r.severity === 'warning'
        ? `that thread waits on the IRP's UserEvent in a live frame: a request handed to another thread; it is safe only while that thread stays in the frame`
        : `${t.terminated ? 'that thread has terminated' : `that thread is ${stateText(t, env)}`}: nothing ties its frames to this IRP`,
    );
  }
  lines.push(
    r.field === 'UserIosb'
      ? 'completing the IRP (nt!IopCompleteRequest) writes the IO_STATUS_BLOCK there, over whatever that stack holds by then'
      : 'completing the IRP (nt!IopCompleteRequest) signals a KEVENT there: KeSetEvent on whatever that stack holds by then',
  );
  return lines;
}

function stateText(t: ThreadInfo, env: RuleEnv): string {
  if (t.state !== 'Waiting') return t.state;
  const on = t.waits.map((w) => formatAddr(w.object, env.k.pointerSize));
  return `Waiting (${t.waitReason}${t.alertable ? ', alertable' : ''})${on.length ? ` on ${on.join(', ')}` : ''}`;
}
