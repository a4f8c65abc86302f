// Registration records returned from initializeScript (docs/jsprovider.md §Registrations) and host.indexedValue (§Returned values):
// plain classes with readable fields so tests can inspect what a script registered.
// All are phase-1 members (§Phases [INFERRED]; indexedValue too, although DOC-OBJ lists it in phase 2:
// the brief asks for it in phase 1 and iterators can only run in phase 2 anyway).

export class apiVersionSupport {
  constructor(readonly major: number, readonly minor: number = 0) {
    if (!Number.isInteger(major) || !Number.isInteger(minor)) throw new TypeError('apiVersionSupport: major and minor must be integers');
  }
}

export class functionAlias {
  constructor(readonly func: Function, readonly name: string) {
    if (typeof func !== 'function') throw new TypeError('functionAlias: the first argument must be a function');
    if (typeof name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new TypeError(`functionAlias: invalid alias name '${String(name)}'`);
    }
  }
}

export class namedModelParent {
  constructor(readonly object: unknown, readonly modelName: string) {}
}

export class namedModelRegistration {
  constructor(readonly object: unknown, readonly modelName: string) {}
}

export class typeSignatureRegistration {
  constructor(readonly object: unknown, readonly typeSignature: string, readonly moduleName?: string,
    readonly minVersion?: string, readonly maxVersion?: string) {}
}

export class typeSignatureExtension {
  constructor(readonly object: unknown, readonly typeSignature: string, readonly moduleName?: string,
    readonly minVersion?: string, readonly maxVersion?: string) {}
}

export class namespacePropertyParent {
  constructor(readonly object: unknown, readonly parentModelName: string, readonly subNamespaceModelName: string,
    readonly accessName: string) {}
}

export class optionalRecord {
  constructor(readonly record: unknown) {}
}

export class indexedValue {
  constructor(readonly value: unknown, readonly indicies: unknown[]) {}
}

/** host.metadata.valueWithMetadata (§typeSystem and metadata). */
export class valueWithMetadata {
  constructor(readonly value: unknown, readonly metadata: unknown) {}
}

export const RECORD_CONSTRUCTORS = {
  apiVersionSupport, functionAlias, namedModelParent, namedModelRegistration, typeSignatureRegistration,
  typeSignatureExtension, namespacePropertyParent, optionalRecord, indexedValue,
};
