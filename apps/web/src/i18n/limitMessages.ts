/** Text for the server's client bounds: connection-check limits, tabs per workspace, rate limits (ja/en). */
export const LIMIT_MESSAGES = {
  ja: {
    'check.limited':
      'このネットワークからの接続テストが多すぎます。{seconds} 秒ほど待ってから、もう一度お試しください。',
    'check.busy': 'サーバーが混み合っています。{seconds} 秒ほど待ってから、もう一度お試しください。',
    'check.expired': '接続テストは時間切れで終了しました。もう一度開始してください。',
    'conn.tooMany':
      'このワークスペースを開いているタブが多すぎます。ほかのタブを閉じてから、もう一度接続してください。',
    'conn.retry': 'もう一度接続',
    'err.CHECK_LIMIT': 'このネットワークからの接続テストが多すぎます。{seconds} 秒後にお試しください。',
    'err.CHECK_BUSY': 'サーバーが混み合っています。{seconds} 秒後にお試しください。',
    'err.TOO_MANY_CONNECTIONS': 'このワークスペースを開いているタブが多すぎます。',
    'err.MEDIA_LIMIT': 'これ以上の音声・映像を送れません。いったん止めてからやり直してください。',
  },
  en: {
    'check.limited':
      'Too many connection checks from your network. Wait about {seconds} seconds and try again.',
    'check.busy': 'The server is busy. Wait about {seconds} seconds and try again.',
    'check.expired': 'The connection check timed out and was ended. Please start it again.',
    'conn.tooMany': 'You have too many tabs open for this workspace. Close another tab, then connect again.',
    'conn.retry': 'Connect again',
    'err.CHECK_LIMIT': 'Too many connection checks from your network. Try again in {seconds} seconds.',
    'err.CHECK_BUSY': 'The server is busy. Try again in {seconds} seconds.',
    'err.TOO_MANY_CONNECTIONS': 'You have too many tabs open for this workspace.',
    'err.MEDIA_LIMIT': 'You cannot send more media. Stop one first and try again.',
  },
} as const;
