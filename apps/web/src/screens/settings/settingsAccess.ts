import type { Role } from '@tsudoi/protocol';

/** What a settings route shows for a role: the section, an "admins only" screen, or "no such page". */
export type SettingsAccess = 'show' | 'adminOnly' | 'unknown';

export interface SectionRule {
  id: string;
  adminOnly: boolean;
}

/** Pure: the UI's gate (the server refuses the same requests on its own). */
export function settingsAccess(sections: readonly SectionRule[], id: string, role: Role): SettingsAccess {
  const section = sections.find((s) => s.id === id);
  if (!section) return 'unknown';
  return section.adminOnly && role === 'member' ? 'adminOnly' : 'show';
}

/** The sections a role sees in the settings navigation. */
export function visibleSections<S extends SectionRule>(sections: readonly S[], role: Role): S[] {
  return sections.filter((s) => !s.adminOnly || role !== 'member');
}
