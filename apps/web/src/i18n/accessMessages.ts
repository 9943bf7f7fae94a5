/** Text for access that ended while a workspace page was open (removed, disabled, session over), ja/en. */
export const ACCESS_MESSAGES = {
  ja: {
    'ended.workspace': '「{workspace}」にアクセスできなくなりました',
    'ended.workspace.unnamed': 'このワークスペースにアクセスできなくなりました',
    'ended.workspace.removed':
      '管理者があなたをこのワークスペースから削除しました。ほかのワークスペースはこれまでどおり使えます。',
    'ended.workspace.disabled':
      '管理者がこのワークスペースでのあなたのメンバー資格を無効にしました。ほかのワークスペースはこれまでどおり使えます。',
    'ended.workspace.noAccess':
      'このワークスペースのメンバーではなくなったか、ワークスペースがなくなりました。',
    'ended.session': 'サインアウトしました',
    'ended.session.signedOut': 'ほかのタブまたはウィンドウでサインアウトしました。',
    'ended.session.sessionExpired': 'セッションの有効期限が切れました。',
    'ended.session.passwordChanged':
      'パスワードが変更されたため、すべての端末でサインアウトしました。新しいパスワードでサインインしてください。',
    'ended.session.signedOutByAdmin': '管理者によってサインアウトされました。',
    'ended.session.sessionEnded': 'セッションが終了しました。',
    'ended.signInAgain': '続けるには、もう一度サインインしてください。',
    'ended.dismiss': '閉じる',
  },
  en: {
    'ended.workspace': 'You no longer have access to {workspace}',
    'ended.workspace.unnamed': 'You no longer have access to this workspace',
    'ended.workspace.removed':
      'An administrator removed you from this workspace. Your other workspaces are not affected.',
    'ended.workspace.disabled':
      'An administrator disabled your membership of this workspace. Your other workspaces are not affected.',
    'ended.workspace.noAccess': 'You are no longer a member of this workspace, or it no longer exists.',
    'ended.session': 'You have been signed out',
    'ended.session.signedOut': 'You signed out in another tab or window.',
    'ended.session.sessionExpired': 'Your session expired.',
    'ended.session.passwordChanged':
      'Your password was changed, which signs you out everywhere. Sign in with your new password.',
    'ended.session.signedOutByAdmin': 'An administrator signed you out.',
    'ended.session.sessionEnded': 'Your session ended.',
    'ended.signInAgain': 'Sign in again to continue.',
    'ended.dismiss': 'Dismiss',
  },
} as const;
