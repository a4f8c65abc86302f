// Edges through push locks. Push locks record no owner in the lock; since Windows 8 the kernel's AutoBoost
// tracking does, in each thread's lock entries (kernel/lockEntries.ts): a thread whose entry holds the waited lock
// as acquired is an owner (several, for a lock held shared). The waited lock is the waiter's own entry marked
// waiting, else the first argument of its nt!ExfAcquirePushLock* / ExAcquirePushLock* frame. Where no entry names an
// owner the chain ends at the lock, its waiters grouped; a build without lock entries says so.
import { formatAddr, isKernelAddress, isNull, type Addr } from '../../../core/addr';
import { StructView } from '../../../core/struct';
import { findRoutine, plainRoutine } from '../../../core/symbolName';
import { frameArguments } from '../../../kernel/frames';
import { LockEntryReader } from '../../../kernel/lockEntries';
import type { ThreadInfo } from '../../../kernel/model';
import type { EdgeRule, RuleEnv, WaitOutcome } from '../waitgraph';

const PUSH_LOCK_ROUTINES = [
  'ExfAcquirePushLockExclusive', 'ExfAcquirePushLockShared', 'ExfAcquirePushLockExclusiveEx', 'ExfAcquirePushLockSharedEx',
  'ExAcquirePushLockExclusiveEx', 'ExAcquirePushLockSharedEx', 'ExpAcquirePushLockExclusive', 'ExpAcquirePushLockShared',
  'ExfTryToWakePushLock', 'ExBlockOnAddressPushLock', 'ExTimedWaitForUnblockPushLock', 'ExWaitForUnblockPushLock',
];

interface PushLocks {
  reader: LockEntryReader | undefined;
  /** lock -> threads whose entries hold it acquired (built on first use). */
  owners(): Map<Addr, Addr[]>;
}

function pushLocksOf(env: RuleEnv): PushLocks {
  return env.memo('push-locks', () => {
    const reader = LockEntryReader.create(env.k);
    let owners: Map<Addr, Addr[]> | undefined;
    return {
      reader,
      owners: () => {
        if (!owners) {
          owners = new Map();
          if (reader) {
            for (const t of env.table.threads) {
              for (const e of reader.entries(t)) {
                if (!e.acquired) continue;
                const list = owners.get(e.lock);
                if (!list) owners.set(e.lock, [t.address]);
                else if (list.indexOf(t.address) < 0) list.push(t.address);
              }
            }
          }
        }
        return owners;
      },
    };
  });
}

export const pushLockRule: EdgeRule = (thread, wait, _object, env) => {
  if (thread.waitReason !== 'WrPushLock') return undefined;
  const { k } = env;
  const a = (x: Addr) => formatAddr(x, k.pointerSize);
  const locks = pushLocksOf(env);
  const found = waitedLock(thread, locks.reader, env);
  if (!found) {
    return { hops: [], deadEnds: [{ object: wait.object, text: `waits on a push lock (WrPushLock); no lock entry or frame argument names it` }], objectKind: 'push-lock' };
  }
  const lock = found.lock;
  const name = `push lock ${a(lock)}${symbolText(lock, env)}`;
  const state = pushLockState(lock, env);
  const outcome: WaitOutcome = { hops: [], deadEnds: [], objectKind: 'push-lock', lock };
  if (!locks.reader) {
    k.warnings.add('push-lock-owner-not-recorded', { object: 'thread', address: thread.address, value: lock });
    outcome.deadEnds.push({ object: wait.object, kind: 'push-lock', lock, text: `${name} (${state}), owner not recorded (this build's threads keep no AutoBoost lock entries)` });
    return outcome;
  }
  const owners = (locks.owners().get(lock) || []).filter((t) => t !== thread.address);
  for (const o of owners) {
    if (!env.table.threadByAddress.has(o)) continue;
    outcome.hops.push({ from: thread.address, kind: 'push-lock', object: lock, to: o, detail: `${state}, AutoBoost lock entry${found.evidence}` });
  }
  if (!outcome.hops.length) {
    outcome.deadEnds.push({ object: wait.object, kind: 'push-lock', lock, text: `${name} (${state}), owner not recorded: no thread's AutoBoost lock entries hold it` });
  }
  return outcome;
};

/** The lock the waiter waits for: its own entry marked waiting, else its acquire frame's first argument. */
function waitedLock(thread: ThreadInfo, reader: LockEntryReader | undefined, env: RuleEnv): { lock: Addr; evidence: string } | undefined {
  if (reader) {
    const own = reader.entries(thread).filter((e) => e.waiting);
    if (own.length) return { lock: own[0].lock, evidence: '' };
  }
  const frames = env.stacks.frames(thread);
  const hit = frames && findRoutine(frames, 'nt', PUSH_LOCK_ROUTINES);
  if (!hit) return undefined;
  const args = frameArguments(env.k, thread, hit.frame, 1);
  const lock = args && args[0];
  if (!lock || isNull(lock) || !isKernelAddress(lock, env.k.pointerSize) || !env.k.plausible(lock, env.k.pointerSize)) return undefined;
  return { lock, evidence: `; lock from ${plainRoutine(hit.frame.text)}` };
}

/**
 * The push lock word decoded through this build's _EX_PUSH_LOCK bit fields (XP: Waiting bit 0, Exclusive bit 1,
 * Shared from bit 2; Vista+: Locked bit 0, Waiting bit 1, MultipleShared bit 3, Shared from bit 4).
 */
function pushLockState(lock: Addr, env: RuleEnv): string {
  const { k } = env;
  const type = k.type('_EX_PUSH_LOCK');
  const bytes = type && k.target.read(lock, type.size);
  if (!type || !bytes) return 'lock word unreadable';
  const v = new StructView(type, lock, bytes, k.pointerSize);
  const locked = (v.num('Locked') || 0) + (v.num('Exclusive') || 0) > 0;
  const waiting = v.num('Waiting') === 1;
  // With waiters queued (Vista+) the word points at wait blocks: the share count is not in it.
  const shares = waiting && v.has('Locked') ? 0 : v.num('Shared') || 0;
  if (!locked && shares === 0) return waiting ? 'held' : 'free';
  if (waiting && v.has('Locked')) return v.num('MultipleShared') === 1 ? 'held shared by several threads' : 'held';
  if (shares > 0) return `held shared by ${shares} thread${shares === 1 ? '' : 's'}`;
  return 'held exclusive';
}

function symbolText(address: Addr, env: RuleEnv): string {
  const s = env.k.target.nearestSymbol(address);
  if (!s || s.indexOf('!') < 0) return '';
  const m = /\+0x([0-9a-f]+)$/i.exec(s);
  return m && parseInt(m[1], 16) >= 0x1000 ? '' : ` ${s}`;
}
