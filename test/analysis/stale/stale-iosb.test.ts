// Pure decisions of the stale-iosb rule and the stack positions it rests on (src/analysis/stale/stale-iosb.ts, stackRefs.ts).
import { describe, expect, it } from 'vitest';
import type { ThreadInfo } from '../../../src/kernel/model';
import { judgeReference } from '../../../src/analysis/stale/stale-iosb';
import { frameState, type StackPlace, type StackPosition } from '../../../src/analysis/stale/stackRefs';

const thread = (address: string, more: Partial<ThreadInfo> = {}) => ({ address, state: 'Waiting', terminated: false, waits: [], ...more }) as unknown as ThreadInfo;
const position = (t: ThreadInfo, state: StackPosition['state']): StackPosition => ({
  range: { thread: t, limit: 'a974e000', base: 'a9751000', user: false },
  sp: 'a9750d20',
  spSource: { kind: 'saved-kernel-stack' },
  state,
  below: state === 'returned' ? 0x44 : -0x10,
});
const place = (...positions: StackPosition[]): StackPlace => ({ address: 'a9750cdc', kernel: true, positions });

describe('frame state', () => {
  it('below the stack pointer is a returned frame, at or above it a live one', () => {
    expect(frameState('a9750cdc', 'a9750d20')).toBe('returned');
    expect(frameState('a9750d20', 'a9750d20')).toBe('live');
    expect(frameState('a9750d48', 'a9750d20')).toBe('live');
    expect(frameState('a9750cdc', undefined)).toBe('unknown');
  });
});

describe('stale-iosb verdicts', () => {
  const issuer = thread('89c0a3d8');

  it('a returned frame of the issuer is an error (seed 000)', () => {
    expect(judgeReference(place(position(issuer, 'returned')), issuer, { userEvent: undefined })).toMatchObject({ reason: 'returned', severity: 'error' });
  });

  it('a live frame of the issuer, or an unknown stack pointer, is silent', () => {
    expect(judgeReference(place(position(issuer, 'live')), issuer, { userEvent: 'a9750d40' })).toBeUndefined();
    expect(judgeReference(place(position(issuer, 'unknown')), issuer, { userEvent: undefined })).toBeUndefined();
  });

  it('a terminated issuer is an error even for a live frame', () => {
    const gone = thread('89c0a3d8', { terminated: true, state: 'Terminated' });
    expect(judgeReference(place(position(gone, 'live')), gone, { userEvent: undefined })).toMatchObject({ reason: 'terminated', severity: 'error' });
  });

  it('another thread\'s stack is an error, a warning when that thread waits there on the IRP\'s event', () => {
    const other = thread('89b1f020', { waits: [{ object: '88000000', waitKey: 0, waitType: 1 }] });
    expect(judgeReference(place(position(other, 'live')), issuer, { userEvent: undefined })).toMatchObject({ reason: 'other-thread', severity: 'error' });
    expect(judgeReference(place(position(other, 'returned')), issuer, { userEvent: '88000000' })).toMatchObject({ severity: 'error' });
    expect(judgeReference(place(position(other, 'live')), issuer, { userEvent: '88000000' })).toMatchObject({ reason: 'other-thread', severity: 'warning' });
  });

  it('on no stack is silent', () => {
    expect(judgeReference(place(), issuer, { userEvent: undefined })).toBeUndefined();
  });
});
