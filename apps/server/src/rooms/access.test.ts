import { describe, expect, it } from 'vitest';
import { type EntryFacts, entryRefusal, refusalError } from './access.js';

const facts = (over: Partial<EntryFacts> = {}): EntryFacts => ({
  closed: false,
  archived: false,
  capacity: null,
  occupancy: 0,
  isPrivate: false,
  onGuestList: false,
  ...over,
});

describe('entry policy', () => {
  it('lets anyone into an open room with space', () => {
    expect(entryRefusal(facts())).toBeNull();
    expect(entryRefusal(facts({ capacity: 3, occupancy: 2 }))).toBeNull();
  });

  it('refuses a full, archived, closed or private room, most final reason first', () => {
    expect(entryRefusal(facts({ capacity: 2, occupancy: 2 }))).toBe('full');
    expect(entryRefusal(facts({ archived: true, capacity: 1, occupancy: 1 }))).toBe('archived');
    expect(entryRefusal(facts({ closed: true, archived: true }))).toBe('closed');
    expect(entryRefusal(facts({ isPrivate: true }))).toBe('private');
    expect(entryRefusal(facts({ isPrivate: true, onGuestList: true }))).toBeNull();
  });

  it('maps refusals to catalogue codes', () => {
    expect(refusalError('full', 4)).toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/full/),
    });
    expect(refusalError('archived', null).code).toBe('CONFLICT');
    expect(refusalError('private', null).code).toBe('FORBIDDEN');
    expect(refusalError('closed', null).code).toBe('NOT_FOUND');
  });
});
