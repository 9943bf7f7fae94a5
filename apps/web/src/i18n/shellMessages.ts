/** App shell text (ja/en): header, sidebar, panels, settings navigation, avatars. */
export const SHELL_MESSAGES = {
  ja: {
    'avatar.label': '{name}',
    'avatar.labelStatus': '{name}（{status}）',
    'avatar.speaking': '発言中',
    'avatar.muted': 'ミュート中',
  },
  en: {
    'avatar.label': '{name}',
    'avatar.labelStatus': '{name} ({status})',
    'avatar.speaking': 'speaking',
    'avatar.muted': 'muted',
  },
} as const;
