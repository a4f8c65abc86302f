// The one bounded walk over linked structures in the dump: a visited set, a bound and a plausibility
// check per link, so a corrupt or cyclic list ends with a warning instead of a hang. Circular
// LIST_ENTRY lists (walkList) are walked forward along Flink; when damage cuts the forward walk, the
// rest of the list is recovered backwards from the head through Blink, so one smashed Flink does not
// hide every element after it. Null-terminated chains (walkChain: one link per element, no Blink)
// share the forward walk. A tree (the device tree: two links per node, no head to return to, nothing
// to recover backwards) keeps its own depth-first loop over the same guard (LinkGuard).
import { isNull, type Addr } from '../core/addr';
import { ptr } from '../core/bytes';
import type { StructView } from '../core/struct';
import type { ProcessContext } from '../core/target';
import type { ListRef, WarningFact, WarningKind } from '../core/warnings';
import { LIST_WALK_CAP, type KernelContext } from './context';

/** A LIST_ENTRY's links. Blink may be left out where the walk does not need it before a cut. */
export interface ListLinks {
  flink: Addr;
  blink?: Addr;
}

/**
 * What visiting an element learned. `null`: the element is unreadable or not what the list holds, and
 * the walk in this direction ends there (the visitor's read already counted the damage). Its links (or
 * its Flink alone) when the element's read held them, so the walker reads nothing more; `undefined` to
 * let the walker read the LIST_ENTRY itself.
 */
export type Visited = ListLinks | Addr | null | undefined;

export interface ListWalkOptions {
  /** The head's links when the structure embedding the head was already read (spares the head's read). */
  links?: ListLinks;
  /** Elements visited at most (default LIST_WALK_CAP). A cap given ends the walk quietly (a long list, not damage) unless `capIsDamage`. */
  cap?: number;
  /** Reaching the cap is damage (a list that long can only be a corrupt one): warned as a cycle. True for the default cap. */
  capIsDamage?: boolean;
  /** A link worth following; default KernelContext.plausible (kernel pointers: user lists pass their own). */
  plausible?: (a: Addr) => boolean;
  /** Reads of links in a process's address space (user-mode lists). */
  context?: ProcessContext;
  /** The kind the cuts are counted under, where a list has its own (critical section lists). */
  cutKind?: WarningKind;
  /** walkChain: a ring's first element, where it closes (a wait block ring); a NULL link ends a chain too. */
  end?: Addr;
}

/** How a walk ended. */
export interface ListWalk {
  /** The forward walk came back to the head (a chain: reached its null link): nothing was cut. */
  closed: boolean;
  /** The walk stopped at the cap. */
  capped: boolean;
  /** Elements visited, forward and backward. */
  visited: number;
  /** Elements reached backwards through Blink after a cut. */
  recovered: number;
}

/** Up to this many steps a walk remembers its addresses in an array (linear search beats a Set there). */
const SMALL_WALK = 16;

/**
 * The checks every step of every walk makes: a plausible link, not seen before, under the bound.
 * Shared by the list walks here and the device tree walk (kernel/devnodes.ts).
 */
export class LinkGuard {
  // Most walks are short (a thread's wait blocks: one to four): an array until it grows, then a Set,
  // so a walk per thread allocates little (bench: 100k threads).
  private few: Addr[] | undefined = [];
  private many: Set<Addr> | undefined;

  constructor(
    private readonly plausible: (a: Addr) => boolean,
    readonly cap: number,
  ) {}

  /** 'ok' (and the address is now seen), or why the step may not be taken. */
  step(a: Addr): 'ok' | 'bad' | 'seen' | 'cap' {
    if (!this.plausible(a)) return 'bad';
    if (this.has(a)) return 'seen';
    if (this.size >= this.cap) return 'cap';
    if (this.few) {
      this.few.push(a);
      if (this.few.length > SMALL_WALK) {
        this.many = new Set(this.few);
        this.few = undefined;
      }
    } else this.many!.add(a);
    return 'ok';
  }

  has(a: Addr): boolean {
    return this.few ? this.few.indexOf(a) >= 0 : this.many!.has(a);
  }

  get size(): number {
    return this.few ? this.few.length : this.many!.size;
  }
}

/**
 * Walks a circular LIST_ENTRY list from its head: `visit(entry, backward)` receives each entry's
 * address, forward in list order, then (after a cut) backwards from the tail.
 */
export function walkList(k: KernelContext, head: Addr, list: ListRef, visit: (entry: Addr, backward: boolean) => Visited, options: ListWalkOptions = {}): ListWalk {
  const walk: ListWalk = { closed: false, capped: false, visited: 0, recovered: 0 };
  let links = options.links;
  if (!links) {
    links = readLinks(k, head, options.context);
    if (!links) {
      k.warnings.add('list-head-unreadable', { list, address: head });
      return walk;
    }
  }
  const guard = new LinkGuard(options.plausible || k.plausibleLink, options.cap === undefined ? LIST_WALK_CAP : options.cap);
  const forward = walkForward(k, head, links.flink, list, visit, guard, walk, options);
  if (forward.closed || walk.capped) return walk;
  let blink = links.blink;
  if (blink === undefined) {
    const again = readLinks(k, head, options.context);
    blink = again && again.blink;
  }
  if (blink !== undefined) walkBackward(k, head, blink, list, visit, guard, walk, options);
  return walk;
}

/**
 * Walks a null-terminated chain (one link per element, as _KWAIT_CHAIN_ENTRY.ListEntry.Next), or a ring
 * without a head that closes on its first element (`end`, as KWAIT_BLOCK.NextWaitBlock): forward only,
 * nothing to recover backwards.
 */
export function walkChain(k: KernelContext, first: Addr, list: ListRef, visit: (entry: Addr) => Visited, options: ListWalkOptions = {}): ListWalk {
  const walk: ListWalk = { closed: false, capped: false, visited: 0, recovered: 0 };
  const guard = new LinkGuard(options.plausible || k.plausibleLink, options.cap === undefined ? LIST_WALK_CAP : options.cap);
  walkForward(k, undefined, first, list, visit, guard, walk, options);
  return walk;
}

/**
 * The elements of a circular list in list order (those recovered backwards put back in place), with how
 * the walk ended. `read` returns the element and the links its read held, or null when unreadable.
 */
export function readList<T>(
  k: KernelContext,
  head: Addr,
  list: ListRef,
  read: (entry: Addr) => { item: T; links: Visited } | null,
  options: ListWalkOptions = {},
): { items: T[]; walk: ListWalk } {
  const items: T[] = [];
  const tail: T[] = [];
  const walk = walkList(k, head, list, (entry, backward) => {
    const got = read(entry);
    if (!got) return null;
    (backward ? tail : items).push(got.item);
    return got.links;
  }, options);
  for (let i = tail.length - 1; i >= 0; i--) items.push(tail[i]);
  return { items, walk };
}

/**
 * The links of the LIST_ENTRY `path` inside a structure already read (undefined when the build lacks it).
 * Blink is decoded only when a walk goes backwards: an intact list never asks for the member's layout
 * (a type query to the debugger), so walking costs what it did before recovery existed.
 */
export function headLinks(view: StructView, path: string): ListLinks | undefined {
  const flink = view.ptr(`${path}.Flink`);
  return flink === undefined ? undefined : new LazyLinks(view, path, flink);
}

/** Links whose Blink is decoded on first use (a class: one per thread, its getter on the prototype). */
class LazyLinks implements ListLinks {
  constructor(
    private readonly view: StructView,
    private readonly path: string,
    readonly flink: Addr,
  ) {}

  get blink(): Addr | undefined {
    return this.view.ptr(`${this.path}.Blink`);
  }
}

function readLinks(k: KernelContext, entry: Addr, context: ProcessContext | undefined): ListLinks | undefined {
  const p = k.pointerSize;
  const bytes = k.target.read(entry, 2 * p, context);
  return bytes ? { flink: ptr(bytes, 0, p), blink: ptr(bytes, p, p) } : undefined;
}

/** Forward along the links from `first` until `head` (a list) or a null link (a chain, head undefined). */
function walkForward(
  k: KernelContext,
  head: Addr | undefined,
  first: Addr,
  list: ListRef,
  visit: (entry: Addr, backward: boolean) => Visited,
  guard: LinkGuard,
  walk: ListWalk,
  options: ListWalkOptions,
): { closed: boolean } {
  let entry = first;
  let previous: Addr | undefined;
  while (entry !== head) {
    if (head === undefined && (isNull(entry) || (entry === options.end && previous !== undefined))) break;
    const step = guard.step(entry);
    if (step === 'bad') {
      if (head !== undefined && isNull(entry)) return cut(k, options, 'list-cut', { list, address: previous, reason: 'link-null' });
      return cut(k, options, 'list-cut', { list, value: entry, reason: 'link-bad' });
    }
    if (step === 'seen') return cut(k, options, 'list-cycle-cut', { list, value: entry, reason: 'cycle' });
    if (step === 'cap') {
      walk.capped = true;
      return options.capIsDamage || options.cap === undefined ? cut(k, options, 'list-cycle-cut', { list, value: entry, expected: guard.cap, reason: 'cap' }) : OPEN;
    }
    walk.visited++;
    const got = visit(entry, false);
    if (got === null) return OPEN;
    let next = typeof got === 'string' ? got : got && got.flink;
    if (next === undefined) {
      const bytes = k.target.read(entry, k.pointerSize, options.context);
      if (!bytes) return cut(k, options, 'list-cut', { list, address: entry, reason: 'entry-unreadable' });
      next = ptr(bytes, 0, k.pointerSize);
    }
    previous = entry;
    entry = next;
  }
  walk.closed = true;
  return CLOSED;
}

// A forward walk's ending (shared constants: a walk per thread allocates nothing for it).
const CLOSED: { readonly closed: boolean } = { closed: true };
const OPEN: { readonly closed: boolean } = { closed: false };

/** Counts the damage that cut a forward walk (under the walk's own kind when it names one). */
function cut(k: KernelContext, options: ListWalkOptions, kind: WarningKind, fact: Omit<WarningFact, 'kind'>): { readonly closed: boolean } {
  k.warnings.add(options.cutKind || kind, fact);
  return OPEN;
}

/** From the head's Blink back towards the cut; every element reached is one the forward walk missed. */
function walkBackward(
  k: KernelContext,
  head: Addr,
  last: Addr,
  list: ListRef,
  visit: (entry: Addr, backward: boolean) => Visited,
  guard: LinkGuard,
  walk: ListWalk,
  options: ListWalkOptions,
): void {
  let entry = last;
  let recovered = 0;
  while (entry !== head && guard.step(entry) === 'ok') {
    walk.visited++;
    const got = visit(entry, true);
    if (got === null) break;
    recovered++;
    let blink = typeof got === 'object' && got ? got.blink : undefined;
    if (blink === undefined) {
      const links = readLinks(k, entry, options.context);
      if (!links) break;
      blink = links.blink;
    }
    entry = blink!;
  }
  walk.recovered = recovered;
  if (recovered) k.warnings.add('list-elements-recovered', { list, count: recovered });
}
