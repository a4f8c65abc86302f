// A static member has no offset: its `offset` is not read before `locationKind` says it is a member
// (JsProvider.d.ts: locationKind member | static | constant | none); reading it may throw.
import { describe, expect, it } from 'vitest';
import { HostTypeLayout } from '../../src/host/typeLayout';

const ulong = { name: 'unsigned long', typeKind: 'intrinsic', size: 4, fields: {}, baseType: null };
const type = {
  name: '_WITH_STATIC',
  typeKind: 'udt',
  size: 8,
  fields: {
    Count: { name: 'Count', locationKind: 'member', offset: 4, type: ulong },
    Shared: {
      name: 'Shared',
      locationKind: 'static',
      type: ulong,
      get offset(): number {
        throw new Error('a static member has no offset');
      },
    },
  },
};

describe('type layout with a static member', () => {
  it('resolves members and leaves the static one out without reading its offset', () => {
    const layout = new HostTypeLayout('mydriver', '_WITH_STATIC', type as never, 8);
    expect(layout.field('Count')).toMatchObject({ offset: 4, size: 4, kind: 'int' });
    expect(layout.field('Shared')).toBeUndefined();
  });
});
