/**
 * What a person reads when something failed that no screen words itself: error codes the server may send
 * without a per-action wording, and failures inside the media client (ja/en). Never an `err.message`.
 */
export const PROBLEM_MESSAGES = {
  ja: {
    'err.BAD_REQUEST': '送信内容を処理できませんでした。ページを再読み込みしてから、もう一度お試しください。',
    'err.UNAUTHENTICATED': 'サインインの有効期限が切れました。もう一度サインインしてください。',
    'err.CSRF_FAILED': 'ページの有効期限が切れました。再読み込みしてから、もう一度お試しください。',
    'err.PAYLOAD_TOO_LARGE': 'サイズが大きすぎます。',
    'err.PROTOCOL_OUTDATED': '新しいバージョンがあります。ページを再読み込みしてください。',
    'err.INTERNAL': 'サーバーでエラーが起きました。しばらくしてから、もう一度お試しください。',
    'problem.media': 'メディアサーバーとの接続に失敗しました。自動でつなぎ直します。',
    'problem.network':
      'ネットワークが音声を通しませんでした。ファイアウォールや VPN の設定を確認してください。',
    'problem.mediaUnreachable':
      'メディアがネットワークを通過できません（ファイアウォールが遮断している可能性があります）。ネットワーク管理者に確認するか、もう一度お試しください。',
  },
  en: {
    'err.BAD_REQUEST': 'The request could not be processed. Reload the page and try again.',
    'err.UNAUTHENTICATED': 'Your sign-in has ended. Please sign in again.',
    'err.CSRF_FAILED': 'This page has expired. Reload it and try again.',
    'err.PAYLOAD_TOO_LARGE': 'That is too large.',
    'err.PROTOCOL_OUTDATED': 'A new version is available. Please reload the page.',
    'err.INTERNAL': 'The server ran into an error. Please try again in a moment.',
    'problem.media': 'The connection to the media server failed. Reconnecting automatically.',
    'problem.network': 'Your network did not let the audio through. Check your firewall or VPN settings.',
    'problem.mediaUnreachable':
      'Media cannot get through your network (a firewall may be blocking it). Ask your network administrator, or try again.',
  },
} as const;
