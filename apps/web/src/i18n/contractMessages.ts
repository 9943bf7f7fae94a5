/** Contract management (R17) and deleting a workspace (issue 13), ja/en. */
export const CONTRACT_MESSAGES = {
  ja: {
    'err.OPS_REASON_REQUIRED': '運用者の操作には理由が必要です。',
    'err.CONFIRMATION_MISMATCH': '入力したワークスペース名が一致しません。',
    'err.NOT_RESTORABLE': 'このワークスペースは復元できません。',
  },
  en: {
    'err.OPS_REASON_REQUIRED': 'Operator requests need a reason.',
    'err.CONFIRMATION_MISMATCH': 'The workspace name you typed does not match.',
    'err.NOT_RESTORABLE': 'This workspace cannot be restored.',
  },
} as const;
