// Bounded LIST_ENTRY walking: a visited set and a cap, so a corrupt or cyclic list ends the walk
// with a warning instead of a hang. When damage cuts the forward walk, the rest of the list is
// recovered backwards from the head through Blink: one smashed Flink does not hide every element
// after it.
import { isNull, type Addr } from '../core/addr';
import { ptr } from '../core/bytes';
import type { StructView } from '../core/struct';
import { LIST_WALK_CAP, type KernelContext } from './context';

/** A LIST_ENTRY's links, when the caller already holds the bytes of the structure embedding the head. */
export interface ListLinks {
  flink: Addr;
  blink: Addr;
}

/**
 * Walks a circular list from its head. `visit(entry)` receives each entry address and returns the
 * entry's Flink when it already read it (one read per element), undefined to let the walker read
 * the LIST_ENTRY itself, or null when the element is unreadable. `links` spares the head's read.
 */
export function walkList(
  k: KernelContext,
  head: Addr,
  what: string,
  visit: (entry: Addr) => Addr | undefined | null,
  links?: ListLinks,
): void {
  let known = links;
  if (!known) {
    const p = k.pointerSize;
    const headBytes = k.target.read(head, 2 * p);
    if (!headBytes) {
      k.warnings.add('list heads unreadable', `${what} head ${head} is unreadable`);
      return;
    }
    known = { flink: ptr(headBytes, 0, p), blink: ptr(headBytes, p, p) };
  }
  const seen = new Set<Addr>();
  if (walkForward(k, head, known.flink, what, visit, seen)) return;
  walkBackward(k, head, known.blink, what, visit, seen);
}

/** The links of the list head `path` inside a structure already read (undefined when the build lacks it). */
export function headLinks(view: StructView, path: string): ListLinks | undefined {
  const flink = view.ptr(`${path}.Flink`);
  const blink = view.ptr(`${path}.Blink`);
  return flink !== undefined && blink !== undefined ? { flink, blink } : undefined;
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
