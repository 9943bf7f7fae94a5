import { describe, expect, it } from 'vitest';
import { draftAfterCreate, EMPTY_ROOM_DRAFT } from './roomDraft';

describe('draftAfterCreate', () => {
  it('empties the form once the room it described exists', () => {
    const sent = { name: 'Talk', capacity: '8' };
    expect(draftAfterCreate({ ...sent }, sent)).toEqual(EMPTY_ROOM_DRAFT);
  });

  it('keeps the next room the admin started typing before the answer came', () => {
    const sent = { name: 'Talk', capacity: '' };
    expect(draftAfterCreate({ name: 'Side', capacity: '' }, sent)).toEqual({ name: 'Side', capacity: '' });
    expect(draftAfterCreate({ name: 'Talk', capacity: '4' }, sent)).toEqual({ name: 'Talk', capacity: '4' });
  });
});
