/** Invitation, sign-up and sign-in flow text, and member locks (ja/en). */
export const INVITE_MESSAGES = {
  ja: {
    'invite.verified': 'メールアドレスを確認しました。サインインすると「{workspace}」に参加します。',
    'invite.joining': '「{workspace}」に参加しています…',
    'invite.otherAccount':
      'この招待は {email} 宛てですが、いまは {current} でサインインしています。サインアウトしてから {email} でサインインしてください。',
    'invite.status.accepted': 'この招待はすでに使われています。',
    'invite.status.expired': 'この招待は期限切れです。管理者に招待の再送を依頼してください。',
    'invite.status.revoked': 'この招待は取り消されました。',
    'invite.toWorkspaces': 'ワークスペース一覧へ',
    'ws.locked': 'ロック中',
    'ws.unlockName': '{name} のロックを解除',
    'signup.sentInvite':
      '{email} に確認メールを送りました。メールのリンクを開くと招待のページに戻り、サインインすると参加できます。',
  },
  en: {
    'invite.verified': 'Your email address is confirmed. Sign in to join “{workspace}”.',
    'invite.joining': 'Joining “{workspace}”…',
    'invite.otherAccount':
      'This invitation is for {email}, but you are signed in as {current}. Sign out, then sign in as {email}.',
    'invite.status.accepted': 'This invitation has already been used.',
    'invite.status.expired': 'This invitation has expired. Ask an admin to send a new one.',
    'invite.status.revoked': 'This invitation was withdrawn.',
    'invite.toWorkspaces': 'Go to your workspaces',
    'ws.locked': 'Locked',
    'ws.unlockName': 'Unlock {name}',
    'signup.sentInvite':
      'We sent a confirmation email to {email}. Its link brings you back to the invitation; sign in there to join.',
  },
} as const;
