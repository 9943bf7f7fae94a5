import type { MailMessage } from '../mail/mailer.js';
import type { Locale } from './accountStore.js';

/**
 * Tsudoi's account mail, in the recipient's language. Codes and links only; never a password. Codes stay
 * out of subjects: subjects show in lock-screen notifications and mail previews.
 */
export const accountMail = {
  verifyEmail(to: string, locale: Locale, link: string): MailMessage {
    return locale === 'ja'
      ? {
          to,
          subject: '【Tsudoi】メールアドレスの確認',
          text: `Tsudoi へのご登録ありがとうございます。\n次のリンクを開いてメールアドレスを確認してください（24 時間有効）。\n\n${link}\n\nお心当たりがない場合はこのメールを破棄してください。`,
        }
      : {
          to,
          subject: 'Tsudoi: confirm your email address',
          text: `Thanks for signing up to Tsudoi.\nOpen this link to confirm your email address (valid for 24 hours):\n\n${link}\n\nIf this wasn't you, ignore this message.`,
        };
  },
  alreadyRegistered(to: string, locale: Locale, link: string): MailMessage {
    return locale === 'ja'
      ? {
          to,
          subject: '【Tsudoi】登録のお知らせ',
          text: `このメールアドレスはすでに登録されています。サインインしてください:\n\n${link}\n\nお心当たりがない場合はこのメールを破棄してください。`,
        }
      : {
          to,
          subject: 'Tsudoi: you already have an account',
          text: `Someone tried to sign up with this address, which already has an account. Sign in here:\n\n${link}\n\nIf this wasn't you, ignore this message.`,
        };
  },
  otp(to: string, locale: Locale, code: string): MailMessage {
    return locale === 'ja'
      ? {
          to,
          subject: '【Tsudoi】サインイン用の確認コード',
          text: `サインイン用の確認コード: ${code}\n\nこのコードは 10 分間、1 回だけ有効です。誰にも教えないでください。\nお心当たりがない場合はパスワードを変更してください。`,
        }
      : {
          to,
          subject: 'Tsudoi: your sign-in code',
          text: `Your sign-in code: ${code}\n\nIt works once, for 10 minutes. Never share it.\nIf you did not try to sign in, change your password.`,
        };
  },
  passwordReset(to: string, locale: Locale, link: string): MailMessage {
    return locale === 'ja'
      ? {
          to,
          subject: '【Tsudoi】パスワードの再設定',
          text: `パスワードの再設定を受け付けました。次のリンクを開いて新しいパスワードを設定してください（1 時間有効、1 回だけ使えます）。\n\n${link}\n\n再設定すると、すべての端末からサインアウトします。お心当たりがない場合はこのメールを破棄してください。パスワードは変わりません。`,
        }
      : {
          to,
          subject: 'Tsudoi: reset your password',
          text: `Someone asked to reset the password of your Tsudoi account. Open this link to choose a new one (it works once, for 1 hour):\n\n${link}\n\nResetting signs you out everywhere. If this wasn't you, ignore this message: your password stays the same.`,
        };
  },
  passwordChanged(to: string, locale: Locale): MailMessage {
    return locale === 'ja'
      ? {
          to,
          subject: '【Tsudoi】パスワードが変更されました',
          text: 'Tsudoi アカウントのパスワードが変更され、すべての端末からサインアウトしました。\nお心当たりがない場合は、すぐにパスワードを再設定し、ワークスペースの管理者に連絡してください。',
        }
      : {
          to,
          subject: 'Tsudoi: your password was changed',
          text: "The password of your Tsudoi account was changed and every session was signed out.\nIf this wasn't you, reset your password now and tell your workspace admin.",
        };
  },
  locked(to: string, locale: Locale, minutes: number): MailMessage {
    return locale === 'ja'
      ? {
          to,
          subject: '【Tsudoi】アカウントがロックされました',
          text: `サインインの失敗が続いたため、アカウントをロックしました。${minutes} 分後に解除されます。ワークスペースの管理者も解除できます。`,
        }
      : {
          to,
          subject: 'Tsudoi: your account was locked',
          text: `After repeated failed sign-ins your account is locked for ${minutes} minutes. A workspace admin can unlock it sooner.`,
        };
  },
  invitation(to: string, locale: Locale, workspace: string, inviter: string, link: string): MailMessage {
    return locale === 'ja'
      ? {
          to,
          subject: `【Tsudoi】${inviter} さんが「${workspace}」に招待しています`,
          text: `${inviter} さんからワークスペース「${workspace}」への招待が届きました。\n次のリンクから参加できます（7 日間有効）:\n\n${link}`,
        }
      : {
          to,
          subject: `Tsudoi: ${inviter} invited you to ${workspace}`,
          text: `${inviter} invited you to the workspace "${workspace}".\nJoin with this link (valid for 7 days):\n\n${link}`,
        };
  },
};
