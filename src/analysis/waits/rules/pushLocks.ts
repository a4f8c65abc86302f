// Edges through push locks. Push locks record no owner in the lock; since Windows 8 the kernel's AutoBoost
// tracking does, in each thread's lock entries (kernel/lockEntries.ts): a thread whose entry holds the waited lock
// as acquired is an owner (several, for a lock held shared). The waited lock is the waiter's own entry marked
// waiting, else the first argument of its nt!ExfAcquirePushLock* / ExAcquirePushLock* frame. Where no entry names an
// owner the chain ends at the lock, its waiters grouped; a build without lock entries says so.
import { isKernelAddress, isNull, type Addr } from '../../../core/addr';
import { cacheKey, getOrBuild } from '../../../core/runCache';
import { findRoutine, plainRoutine } from '../../../core/symbolName';
import type { LockEntryReader } from '../../../kernel/lockEntries';
import type { ThreadInfo } from '../../../kernel/model';
import { globalSymbol } from './globalSymbol';
import type { EdgeRule, LockWordState, RuleEnv, WaitOutcome } from '../waitgraph';

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

const PUSH_LOCKS = cacheKey<PushLocks>('push locks and their owners');

function pushLocksOf(env: RuleEnv): PushLocks {
  return env.cache.get(PUSH_LOCKS, () => {
    const reader = env.kernel.lockEntries;
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
                const list = getOrBuild(owners, e.lock, () => []);
                if (list.indexOf(t.address) < 0) list.push(t.address);
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
  const locks = pushLocksOf(env);
  const found = waitedLock(thread, locks.reader, env);
  if (!found) {
    return { hops: [], deadEnds: [{ object: wait.object, reason: { reason: 'push-lock-unnamed' } }], objectKind: 'push-lock' };
  }
  const lock = found.lock;
  const named = { address: lock, symbol: globalSymbol(lock, env) };
  const state = pushLockState(lock, env);
  const outcome: WaitOutcome = { hops: [], deadEnds: [], objectKind: 'push-lock', lock };
  if (!locks.reader) {
    k.warnings.add('push-lock-owner-not-recorded', { object: 'thread', address: thread.address, value: lock });
    outcome.deadEnds.push({ object: wait.object, kind: 'push-lock', lock, reason: { reason: 'push-lock-owner-not-recorded', lock: named, state, why: 'no-lock-entries' } });
    return outcome;
  }
  const owners = (locks.owners().get(lock) || []).filter((t) => t !== thread.address);
  for (const o of owners) {
    if (!env.table.threadByAddress.has(o)) continue;
    outcome.hops.push({ from: thread.address, kind: 'push-lock', object: lock, to: o, state, lockFrom: found.frame });
  }
  if (!outcome.hops.length) {
    outcome.deadEnds.push({ object: wait.object, kind: 'push-lock', lock, reason: { reason: 'push-lock-owner-not-recorded', lock: named, state, why: 'no-entry-holds-it' } });
  }
  return outcome;
};

/** The lock the waiter waits for: its own entry marked waiting, else its acquire frame's first argument. */
function waitedLock(thread: ThreadInfo, reader: LockEntryReader | undefined, env: RuleEnv): { lock: Addr; frame?: string } | undefined {
  if (reader) {
    const own = reader.entries(thread).filter((e) => e.waiting);
    if (own.length) return { lock: own[0].lock };
  }
  const frames = env.stacks.frames(thread);
  const hit = frames && findRoutine(frames, 'nt', PUSH_LOCK_ROUTINES);
  if (!hit) return undefined;
  const args = env.kernel.frameArguments(thread, hit.frame, 1);
  const lock = args && args[0];
  if (!lock || isNull(lock) || !isKernelAddress(lock, env.k.pointerSize) || !env.k.plausible(lock, env.k.pointerSize)) return undefined;
  return { lock, frame: plainRoutine(hit.frame.text) };
}

/** The push lock word's state (decoded in kernel/lockEntries.ts). */
function pushLockState(lock: Addr, env: RuleEnv): LockWordState {
  const word = env.kernel.pushLock(lock);
  if (!word) return 'unreadable';
  const { locked, waiting, shares } = word;
  if (!locked && shares === 0) return waiting ? 'held' : 'free';
  // With waiters queued (Vista+) the word points at wait blocks: the share count is not in it.
  if (word.pointsAtWaitBlocks) return word.multipleShared ? 'held-shared-by-several' : 'held';
  if (shares > 0) return { sharedBy: shares };
  return 'held-exclusive';
}

