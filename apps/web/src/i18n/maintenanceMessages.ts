/** Planned maintenance (R21) notices and the operations error codes, ja/en. */
export const MAINTENANCE_MESSAGES = {
  ja: {
    'maint.banner': 'メンテナンスのお知らせ: {start} から {end} まで Tsudoi を停止します。',
    'maint.banner.now': 'ただいまメンテナンス中です（{end} まで）。接続が切れることがあります。',
    'maint.note': '（{note}）',
    'maint.dismiss': 'このお知らせを閉じる',
    'maint.soon': 'あと {minutes} 分でメンテナンスが始まります（{end} まで）。通話とチャットが切れます。',
    'err.STORE_UNAVAILABLE': 'サーバーのデータベースが応答しません。しばらくしてからお試しください。',
    'err.BACKUP_IN_PROGRESS': 'バックアップを実行中です。',
    'err.BACKUP_NOT_SUPPORTED': 'この構成ではバックアップはデータベース側のエクスポートで行います。',
  },
  en: {
    'maint.banner': 'Planned maintenance: Tsudoi will be unavailable from {start} to {end}.',
    'maint.banner.now': 'Maintenance is under way (until {end}). You may be disconnected.',
    'maint.note': '({note})',
    'maint.dismiss': 'Dismiss this notice',
    'maint.soon': 'Maintenance starts in {minutes} minutes (until {end}). Calls and chat will be cut off.',
    'err.STORE_UNAVAILABLE': 'The server’s database is not answering. Try again in a little while.',
    'err.BACKUP_IN_PROGRESS': 'A backup is already running.',
    'err.BACKUP_NOT_SUPPORTED': 'With this store, backups are the database’s own export.',
  },
} as const;
