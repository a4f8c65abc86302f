// Bounded LIST_ENTRY walking: a visited set and a cap, so a corrupt or cyclic list ends the walk
// with a warning instead of a hang. When damage cuts the forward walk, the rest of the list is
// recovered backwards from the head through Blink: one smashed Flink does not hide every element
// after it.
import { isNull, type Addr } from '../core/addr';
import { ptr } from '../core/bytes';
import { LIST_WALK_CAP, type KernelContext } from './context';

/**
 * Walks a circular list from its head. `visit(entry)` receives each entry address and returns the
 * entry's Flink when it already read it (one read per element), undefined to let the walker read
 * the LIST_ENTRY itself, or null when the element is unreadable.
 */
export function walkList(
  k: KernelContext,
  head: Addr,
  what: string,
  visit: (entry: Addr) => Addr | undefined | null,
): void {
  const p = k.pointerSize;
  const headBytes = k.target.read(head, 2 * p);
  if (!headBytes) {
    k.warnings.add('list heads unreadable', `${what} head ${head} is unreadable`);
    return;
  }
  const seen = new Set<Addr>();
  if (walkForward(k, head, ptr(headBytes, 0, p), what, visit, seen)) return;
  walkBackward(k, head, ptr(headBytes, p, p), what, visit, seen);
}

/** True when the walk came back to the head. */
function walkForward(k: KernelContext, head: Addr, first: Addr, what: string, visit: (e: Addr) => Addr | undefined | null, seen: Set<Addr>): boolean {
  let entry = first;
  while (entry !== head) {
    if (!k.plausible(entry)) {
      k.warnings.add('lists cut at a bad link', `${what}: bad link ${entry}`);
      return false;
    }
    if (seen.has(entry) || seen.size >= LIST_WALK_CAP) {
      k.warnings.add('list cycles cut', `${what}: cycle at ${entry}`);
      return false;
    }
    seen.add(entry);
    let next = visit(entry);
    if (next === null) return false;
    if (next === undefined) {
      const bytes = k.target.read(entry, k.pointerSize);
      if (!bytes) {
        k.warnings.add('lists cut at a bad link', `${what}: entry ${entry} is unreadable`);
        return false;
      }
      next = ptr(bytes, 0, k.pointerSize);
    }
    if (isNull(next)) {
      k.warnings.add('lists cut at a bad link', `${what}: null link after ${entry}`);
      return false;
    }
    entry = next;
  }
  return true;
}

/** From the head's Blink back towards the cut; every element reached is one the forward walk missed. */
function walkBackward(k: KernelContext, head: Addr, last: Addr, what: string, visit: (e: Addr) => Addr | undefined | null, seen: Set<Addr>): void {
  let entry = last;
  let recovered = 0;
  while (entry !== head && k.plausible(entry) && !seen.has(entry) && seen.size < LIST_WALK_CAP) {
    seen.add(entry);
    const links = k.target.read(entry, 2 * k.pointerSize);
    if (!links) break;
    visit(entry);
    recovered++;
    entry = ptr(links, k.pointerSize, k.pointerSize);
  }
  if (recovered) k.warnings.add('list elements recovered backwards', `${what}: ${recovered} element(s) reached through Blink after a cut`);
}
