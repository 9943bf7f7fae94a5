/** UI text in Japanese and English. Keys are stable; add both languages together. */
export const MESSAGES = {
  ja: {
    'app.tagline': 'チームがいつでも集まれる、オンラインワークスペース',
    'lang.switch': 'English',
    'signin.title': 'サインイン',
    'signin.email': 'メールアドレス',
    'signin.password': 'パスワード',
    'signin.submit': 'サインイン',
    'signin.comingSoon': 'サインインは次のリリースで利用できます。',
    'conn.online': 'サーバーに接続しました',
    'conn.offline': 'サーバーに接続しています…',
    'conn.outdated': '新しいバージョンがあります。ページを再読み込みしてください。',
    'conn.reload': '再読み込み',
    'check.title': '接続テスト',
    'check.help': 'マイクの音声をメディアサーバーへ送り、通話できるネットワークか確かめます。',
    'check.start': '接続テストを開始',
    'check.running': 'テスト中…',
    'check.ok': 'メディアサーバーに接続できました（DTLS 確立、{kb} KB 受信）。',
    'check.failed': '接続できませんでした: {reason}',
  },
  en: {
    'app.tagline': 'An online workspace where your team can gather any time',
    'lang.switch': '日本語',
    'signin.title': 'Sign in',
    'signin.email': 'Email',
    'signin.password': 'Password',
    'signin.submit': 'Sign in',
    'signin.comingSoon': 'Sign-in arrives in the next release.',
    'conn.online': 'Connected to the server',
    'conn.offline': 'Connecting to the server…',
    'conn.outdated': 'A new version is available. Please reload the page.',
    'conn.reload': 'Reload',
    'check.title': 'Connection check',
    'check.help': 'Sends your microphone to the media server to confirm your network can carry a call.',
    'check.start': 'Start connection check',
    'check.running': 'Checking…',
    'check.ok': 'Connected to the media server (DTLS established, {kb} KB received).',
    'check.failed': 'Could not connect: {reason}',
  },
} as const;

export type Lang = keyof typeof MESSAGES;
export type MessageKey = keyof (typeof MESSAGES)['ja'];
