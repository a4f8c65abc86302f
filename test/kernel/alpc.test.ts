import { describe, expect, it } from 'vitest';
import { messageBelongsTo } from '../../src/kernel/alpc';

describe('an ALPC message still belongs to the wait of the thread that points at it', () => {
  it('when it names that thread (or no thread) and the same id (or none)', () => {
    expect(messageBelongsTo({ waitingThread: 'fffffa8002300000', id: 0x1004 }, 'fffffa8002300000', 0x1004)).toBe(true);
    expect(messageBelongsTo({ waitingThread: undefined, id: 0x1004 }, 'fffffa8002300000', 0x1004)).toBe(true);
    expect(messageBelongsTo({ waitingThread: 'fffffa8002300000', id: 0x1004 }, 'fffffa8002300000', 0)).toBe(true);
  });

  it('not when it was recycled for another waiter or another request', () => {
    expect(messageBelongsTo({ waitingThread: 'fffffa8002301000', id: 0x1004 }, 'fffffa8002300000', 0x1004)).toBe(false);
    expect(messageBelongsTo({ waitingThread: 'fffffa8002300000', id: 0x1008 }, 'fffffa8002300000', 0x1004)).toBe(false);
  });
});
