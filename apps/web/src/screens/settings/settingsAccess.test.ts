import { describe, expect, it } from 'vitest';
import { settingsAccess, visibleSections } from './settingsAccess';

const SECTIONS = [
  { id: 'profile', adminOnly: false },
  { id: 'security', adminOnly: true },
];

describe('settingsAccess', () => {
  it('shows admin sections to owners and admins', () => {
    expect(settingsAccess(SECTIONS, 'security', 'owner')).toBe('show');
    expect(settingsAccess(SECTIONS, 'security', 'admin')).toBe('show');
  });

  it('gives a member who types an admin URL the "admins only" screen', () => {
    expect(settingsAccess(SECTIONS, 'security', 'member')).toBe('adminOnly');
    expect(settingsAccess(SECTIONS, 'profile', 'member')).toBe('show');
  });

  it('says so for an unknown section', () => {
    expect(settingsAccess(SECTIONS, 'nope', 'owner')).toBe('unknown');
  });

  it('hides admin sections from a member’s navigation only', () => {
    expect(visibleSections(SECTIONS, 'member').map((s) => s.id)).toEqual(['profile']);
    expect(visibleSections(SECTIONS, 'admin').map((s) => s.id)).toEqual(['profile', 'security']);
  });
});
