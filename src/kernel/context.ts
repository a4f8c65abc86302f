// Shared state of one analysis run over the kernel: type layouts probed once, enums by name,
// structure reads with failure accounting, and the warnings collected along the way.
import { addrAdd, isCanonical, isNull, type Addr } from '../core/addr';
import { getOrBuild, RunCache } from '../core/runCache';
import { StructView } from '../core/struct';
import { TargetUnsupported, type ProcessContext, type Target, type TypeLayout } from '../core/target';
import { Warnings } from '../core/warnings';

/** Upper bound on any list walk; a corrupt list is cut here at the latest. */
export const LIST_WALK_CAP = 1000000;

export class KernelContext {
  readonly warnings: Warnings;
  /** Values built once per run: the readers (kernel/readers.ts), the tables, analysis indexes. */
  readonly cache = new RunCache();
  private readonly enumCache = new Map<string, Map<number, string>>();
  private readonly enumValueCache = new Map<string, Map<string, number>>();

  constructor(readonly target: Target) {
    this.warnings = new Warnings(() => (target.hostFacts ? target.hostFacts() : undefined));
  }

  get pointerSize(): number {
    return this.target.pointerSize;
  }

  type(name: string, module = 'nt'): TypeLayout | undefined {
    return this.target.type(module, name);
  }

  /** A type the analysis cannot work without: missing means wrong target or missing symbols. */
  requireType(name: string, module = 'nt'): TypeLayout {
    const t = this.target.type(module, name);
    if (!t) throw new TargetUnsupported(`type ${module}!${name} not found: are the kernel symbols loaded (.reload)?`);
    return t;
  }

  /** Enumerator name for a value ("Waiting", "WrLpcReply"); `#<n>` when the build has no such value. */
  enumName(enumType: string, value: number): string {
    const names = getOrBuild(this.enumCache, enumType, () => this.target.enumNames('nt', enumType) || new Map<number, string>());
    const name = names.get(value);
    return name === undefined ? `#${value}` : name;
  }

  /** Value of an enumerator by name for this build, e.g. MutantObject (the 8.1 renumbering is why). */
  enumValue(enumType: string, name: string): number | undefined {
    const values = getOrBuild(this.enumValueCache, enumType, () => {
      const byName = new Map<string, number>();
      const names = this.target.enumNames('nt', enumType);
      if (names) names.forEach((n, v) => byName.set(n, v));
      return byName;
    });
    return values.get(name);
  }

  symbol(name: string, module = 'nt'): Addr | undefined {
    return this.target.symbolAddress(module, name);
  }

  /** `plausible` with the default alignment, as one function per run (list walks take it without a closure each). */
  readonly plausibleLink = (a: Addr): boolean => this.plausible(a);

  /** A pointer worth following: non-null, canonical, aligned to `alignment`. */
  plausible(a: Addr | undefined, alignment = 4): a is Addr {
    if (a === undefined || isNull(a)) return false;
    if (!isCanonical(a, this.pointerSize)) return false;
    return (parseInt(a.slice(-2), 16) & (alignment - 1)) === 0;
  }

  /** One read of a whole structure; counts and returns undefined when unreadable. */
  readStruct(layout: TypeLayout, address: Addr, what: string, context?: ProcessContext, size = layout.size): StructView | undefined {
    const bytes = this.target.read(address, size, context);
    if (!bytes) {
      this.warnings.add('object-unreadable', { object: what, address });
      return undefined;
    }
    return new StructView(layout, address, bytes, this.pointerSize);
  }

  /**
   * Reads the first `prefix` bytes of a structure, the members an analysis decodes; a member past them
   * costs one more read (of the whole structure), never a wrong value.
   */
  readStructPrefix(layout: TypeLayout, address: Addr, what: string, prefix: number): StructView | undefined {
    if (prefix >= layout.size) return this.readStruct(layout, address, what);
    const bytes = this.target.read(address, prefix);
    if (!bytes) {
      this.warnings.add('object-unreadable', { object: what, address });
      return undefined;
    }
    return new StructView(layout, address, bytes, this.pointerSize, 0, () => {
      const whole = this.target.read(address, layout.size);
      if (!whole) this.warnings.add('object-unreadable', { object: what, address, part: 'rest' });
      return whole;
    });
  }

  /** CONTAINING_RECORD: the structure whose `field` is at `entry`. */
  containing(entry: Addr, layout: TypeLayout, field: string): Addr {
    const f = layout.field(field);
    if (!f) throw new TargetUnsupported(`${layout.name}.${field} not found in this build's symbols`);
    return addrAdd(entry, -f.offset);
  }
}
