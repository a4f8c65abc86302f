// Bounded LIST_ENTRY walking: a visited set and a cap, so a corrupt or cyclic list ends the walk
// with a warning instead of a hang.
import { isNull, type Addr } from '../core/addr';
import { ptr } from '../core/bytes';
import { LIST_WALK_CAP, type KernelContext } from './context';

/**
 * Walks a circular list from its head. `visit(entry)` receives each entry address and returns the
 * entry's Flink when it already read it (one read per element), or undefined to let the walker read
 * the LIST_ENTRY itself.
 */
export function walkList(
  k: KernelContext,
  head: Addr,
  what: string,
  visit: (entry: Addr) => Addr | undefined | null,
): void {
  const headBytes = k.target.read(head, k.pointerSize);
  if (!headBytes) {
    k.warnings.add('list heads unreadable', `${what} head ${head} is unreadable`);
    return;
  }
  let entry = ptr(headBytes, 0, k.pointerSize);
  const seen = new Set<Addr>();
  while (entry !== head) {
    if (!k.plausible(entry)) {
      k.warnings.add('lists cut at a bad link', `${what}: bad link ${entry}`);
      return;
    }
    if (seen.has(entry) || seen.size >= LIST_WALK_CAP) {
      k.warnings.add('list cycles cut', `${what}: cycle at ${entry}`);
      return;
    }
    seen.add(entry);
    let next = visit(entry);
    if (next === null) return; // the visitor could not read the element: the rest is unreachable
    if (next === undefined) {
      const bytes = k.target.read(entry, k.pointerSize);
      if (!bytes) {
        k.warnings.add('lists cut at a bad link', `${what}: entry ${entry} is unreadable`);
        return;
      }
      next = ptr(bytes, 0, k.pointerSize);
    }
    if (isNull(next)) {
      k.warnings.add('lists cut at a bad link', `${what}: null link after ${entry}`);
      return;
    }
    entry = next;
  }
}
