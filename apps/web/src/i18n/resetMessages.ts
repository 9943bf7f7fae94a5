/** Forgotten-password text (ja/en). */
export const RESET_MESSAGES = {
  ja: {
    'signin.forgot': 'パスワードをお忘れの方',
    'forgot.title': 'パスワードの再設定',
    'forgot.help': '登録したメールアドレスを入力してください。パスワードを再設定するリンクをお送りします。',
    'forgot.submit': '再設定のリンクを送る',
    'forgot.sent':
      '{email} のアカウントがあれば、パスワードを再設定するリンクを送りました。リンクは 1 時間、1 回だけ有効です。',
    'forgot.back': 'サインインに戻る',
    'reset.title': '新しいパスワードの設定',
    'reset.new': '新しいパスワード',
    'reset.repeat': '新しいパスワード（確認）',
    'reset.mismatch': '確認用のパスワードが一致しません。',
    'reset.submit': 'パスワードを設定',
    'reset.done':
      'パスワードを変更しました。すべての端末からサインアウトしました。新しいパスワードでサインインしてください。',
    'reset.again': '再設定のリンクをもう一度受け取る',
  },
  en: {
    'signin.forgot': 'Forgot your password?',
    'forgot.title': 'Reset your password',
    'forgot.help':
      'Enter the email address of your account. We will send you a link to choose a new password.',
    'forgot.submit': 'Send the reset link',
    'forgot.sent':
      'If there is an account for {email}, we sent it a link to reset the password. The link works once, for 1 hour.',
    'forgot.back': 'Back to sign in',
    'reset.title': 'Choose a new password',
    'reset.new': 'New password',
    'reset.repeat': 'Repeat the new password',
    'reset.mismatch': 'The two passwords are not the same.',
    'reset.submit': 'Set the password',
    'reset.done':
      'Your password was changed and you were signed out everywhere. Sign in with the new password.',
    'reset.again': 'Get a new reset link',
  },
} as const;
