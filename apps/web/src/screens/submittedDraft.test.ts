import { describe, expect, it } from 'vitest';
import { draftAfterSubmit } from './submittedDraft';

const EMPTY = { name: '', capacity: '' };

describe('draftAfterSubmit', () => {
  it('empties the form once what it described was done', () => {
    const sent = { name: 'Talk', capacity: '8' };
    expect(draftAfterSubmit({ ...sent }, sent, EMPTY)).toEqual(EMPTY);
  });

  it('keeps the next entry the user started typing before the answer came', () => {
    const sent = { name: 'Talk', capacity: '' };
    expect(draftAfterSubmit({ name: 'Side', capacity: '' }, sent, EMPTY)).toEqual({
      name: 'Side',
      capacity: '',
    });
    expect(draftAfterSubmit({ name: 'Talk', capacity: '4' }, sent, EMPTY)).toEqual({
      name: 'Talk',
      capacity: '4',
    });
    expect(draftAfterSubmit({ email: 'b@example.com' }, { email: 'a@example.com' }, { email: '' })).toEqual({
      email: 'b@example.com',
    });
  });
});
