// Declarations of WinDbg's JavaScript provider (JsProvider) `host` object, as waitchain uses it.
// Written from docs/jsprovider.md (cited below as §<heading>); Microsoft's JsProvider.d.ts is
// incomplete (no Int64 methods, no Debugger.Utility) and malformed (§JsProvider.d.ts), so it is not vendored.
// Only src/host/ may touch `host`; these types are ambient so that rule is enforced by review and
// by the test that greps src/ (test/architecture.test.ts).

declare namespace host {
  /** §Int64: a 64-bit value. Equal values are the same object; valueOf throws beyond 53 bits. */
  interface Int64 {
    add(v: number | Int64): Int64;
    subtract(v: number | Int64): Int64;
    multiply(v: number | Int64): Int64;
    divide(v: number | Int64): Int64;
    bitwiseAnd(v: number | Int64): Int64;
    bitwiseOr(v: number | Int64): Int64;
    bitwiseXor(v: number | Int64): Int64;
    bitwiseNot(): Int64;
    bitwiseShiftLeft(n: number): Int64;
    bitwiseShiftRight(n: number): Int64;
    /** -1, 0 or 1. */
    compareTo(v: number | Int64): number;
    /** Throws "64 bit value loses precision on conversion to number" when it does not fit. */
    asNumber(): number;
    convertToNumber(): number;
    getLowPart(): number;
    getHighPart(): number;
    toString(radix?: number): string;
    valueOf(): number;
  }
  interface Int64Constructor {
    new (value: number | Int64): Int64;
    new (low: number, high: number): Int64;
    (value: number | Int64): Int64;
    (low: number, high: number): Int64;
  }
  const Int64: Int64Constructor;
  /** §Int64: like parseInt, returns an Int64; radix 16 accepts a 0x prefix. */
  function parseInt64(text: string, radix?: number): Int64;

  /** §Registrations registration records returned from initializeScript. */
  class apiVersionSupport {
    constructor(major: number, minor?: number);
  }
  class functionAlias {
    constructor(fn: (...args: any[]) => unknown, name: string);
  }
  class namedModelParent {
    constructor(model: object, name: string);
  }
  class optionalRecord {
    constructor(record: object);
  }
  /** §Returned values: an element with its own index in a collection. */
  class indexedValue {
    constructor(value: unknown, indices: unknown[]);
  }

  /** §debugLog */
  namespace diagnostics {
    function debugLog(...args: unknown[]): void;
  }

  /** §host.memory: sizes 1/2/4 give typed arrays of numbers, 8 gives an array of Int64. */
  namespace memory {
    function readMemoryValues(
      location: number | Int64 | NativeObject,
      count: number,
      elementSize?: number,
      isSigned?: boolean,
      contextInheritor?: unknown,
    ): ArrayLike<number> & Iterable<number>;
    function readString(location: number | Int64 | NativeObject, length?: number, contextInheritor?: unknown): string;
    function readWideString(location: number | Int64 | NativeObject, length?: number, contextInheritor?: unknown): string;
  }

  /** §Type objects type objects. */
  interface TypeField {
    name: string;
    type: TypeObject;
    locationKind: 'member' | 'static' | 'constant' | 'none';
    offset?: number | Int64;
    value?: unknown;
  }
  interface TypeObject {
    name: string;
    size: number | Int64;
    typeKind: 'udt' | 'pointer' | 'memberPointer' | 'array' | 'function' | 'typedef' | 'enum' | 'intrinsic';
    baseType?: TypeObject | null;
    fields: { [name: string]: TypeField };
    isBitField?: boolean;
    bitFieldPositions?: { lsb: number; length: number };
    arrayDimensions?: { lowerBound: number; length: number; stride: number }[];
  }

  /** §Projected names names projected onto every native object; fields are reached by name (§Property lookup). */
  interface NativeObject {
    readonly address: Int64;
    readonly targetLocation: unknown;
    readonly targetSize: number | Int64;
    readonly targetType: TypeObject;
    readonly isNull?: boolean;
    dereference(): NativeObject;
    ToDisplayString(format?: string): string;
    [field: string]: any;
  }

  /** §Data model: data-model objects. */
  interface StackFrame {
    /** toString() is the documented conversion; ToDisplayString may be absent (host variant no-frame-todisplaystring). */
    toString(): string;
    ToDisplayString?(format?: string): string;
    Attributes: {
      InstructionOffset: Int64 | number;
      FrameOffset: Int64 | number;
      StackOffset: Int64 | number;
      ReturnOffset?: Int64 | number;
      FrameNumber?: number;
    };
  }
  interface ModelCollection<T> extends Iterable<T> {
    getValueAt(...indices: unknown[]): T;
    [index: number]: T;
  }
  interface Thread {
    Id: number | Int64;
    KernelObject: NativeObject;
    Stack: { Frames: ModelCollection<StackFrame> };
    Registers?: { User?: { [name: string]: Int64 }; Kernel?: { [name: string]: Int64 } };
  }
  interface Process {
    Id: number | Int64;
    Name: string;
    KernelObject: NativeObject;
    Threads: ModelCollection<Thread>;
    /** §Data model Modules: Name (may be a full path), BaseAddress and Size (Int64). */
    Modules: ModelCollection<{ Name: string; BaseAddress: Int64 | number; Size: Int64 | number }>;
  }
  interface Session {
    Processes: ModelCollection<Process>;
    Attributes: {
      Target: { IsKernelTarget: boolean; IsUserTarget?: boolean; IsLiveTarget: boolean };
      Machine: { PointerSize: number | Int64; PageSize?: number | Int64 };
    };
  }

  const currentSession: Session;
  const currentProcess: Process;
  const currentThread: Thread;

  /** §host members: globals as typed objects; null when not found (API 1.1+). */
  function getModuleSymbol(module: string, symbol: string, typeName?: string, contextInheritor?: unknown): NativeObject | null;
  function getModuleSymbolAddress(module: string, symbol: string, typeName?: string, contextInheritor?: unknown): Int64 | null;
  function getModuleType(module: string, typeName: string, contextInheritor?: unknown): TypeObject | null;
  /** §host members: nearest symbol containing an address. */
  function getModuleContainingSymbolInformation(
    location: number | Int64,
    contextInheritor?: unknown,
  ): { name: string; address: Int64; module?: string; type?: TypeObject | null } | null;
  function createTypedObject(location: number | Int64, module: string, typeName: string, contextInheritor?: unknown): NativeObject;
  function createPointerObject(address: number | Int64, module: string, typeName: string, contextInheritor?: unknown): NativeObject;

  /** §Debugger.Utility Debugger.Utility as seen from JS. */
  interface TextWriter {
    WriteLine(line: string): void;
    Close(): void;
  }
  interface FileSystemNamespace {
    FileExists(path: string): boolean;
    CreateFile(path: string, disposition?: string): { Close(): void };
    CreateTextWriter(fileOrPath: unknown, encoding?: string): TextWriter;
    TempDirectory: string;
  }
  const namespace: {
    Debugger: {
      Sessions: ModelCollection<Session>;
      Utility: {
        Control: { ExecuteCommand(command: string): Iterable<string> };
        FileSystem: FileSystemNamespace;
      };
    };
  };
}
