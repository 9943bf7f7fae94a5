/** SAML single sign-on (Enterprise, R11): the settings section and "Sign in with your company", ja/en. */
export const SSO_MESSAGES = {
  ja: {
    'shell.settings.sso': 'シングルサインオン',
    'sso.title': 'シングルサインオン（SAML）',
    'sso.intro':
      '会社の ID プロバイダー（IdP）でサインインできるようにします。IdP のメタデータ（XML）を貼り付けて保存し、下の「Tsudoi 側の情報」を IdP に登録してください。',
    'sso.enterpriseOnly': 'シングルサインオンは Enterprise プランで利用できます。',
    'sso.sp.title': 'Tsudoi 側の情報（IdP に登録します）',
    'sso.sp.entityId': 'エンティティ ID',
    'sso.sp.acsUrl': 'ACS URL',
    'sso.sp.nameIdFormat': 'NameID 形式',
    'sso.sp.metadata': 'SP メタデータ',
    'sso.sp.certificate': 'Tsudoi の署名証明書（認証要求に署名します）',
    'sso.idp.title': 'ID プロバイダー',
    'sso.idp.none': 'まだ設定されていません。',
    'sso.idp.entityId': 'IdP エンティティ ID: {id}',
    'sso.idp.ssoUrl': 'SSO URL: {url}',
    'sso.idp.certificate': '署名証明書 {fingerprint}（有効期限 {notAfter}）',
    'sso.metadata': 'IdP メタデータ（XML）',
    'sso.metadata.hint':
      'IdP が公開しているメタデータをそのまま貼り付けます。証明書の切り替え中は 2 つまで登録できます。空欄なら現在の IdP 設定のままです。',
    'sso.required': 'パスワードでのサインインを禁止し、SSO を必須にする',
    'sso.emailCode':
      'IdP でのサインインの後にもメールの確認コードを求める（オフなら IdP の認証で確認コードを省略）',
    'sso.breakGlass': '自分（オーナー）は緊急用にパスワード＋確認コードでサインインできるようにする',
    'sso.metadata.file': 'またはファイルから読み込む',
    'sso.metadata.tooLarge': 'メタデータのファイルが大きすぎます（200 KB まで）。',
    'sso.domains': 'SSO でサインインするメールドメイン（1 行に 1 つ）',
    'sso.domains.hint':
      'サインイン画面で「会社のアカウントで続ける」にこのドメインのメールアドレスを入れた人を、この IdP に案内します。オーナーか管理者が確認済みのメールアドレスを持つドメインだけ登録できます。Tsudoi を初めて使う人が IdP 経由でメンバーになれるのは、これらのドメインのアドレスの場合だけです（ほかの人は招待か CSV インポートで追加します）。',
    'sso.domains.invalid': '{domain}: ドメイン名ではありません。',
    'sso.domains.publicMail': '{domain}: 誰でも作れるメールサービスのドメインは登録できません。',
    'sso.domains.notVerified':
      '{domain}: このドメインの確認済みメールアドレスを持つオーナー・管理者がいません。',
    'sso.domains.tooMany': '{domain}: 登録できるドメインは 10 個までです。',
    'sso.domains.taken': '{domain} は別のワークスペースがすでに SSO に使っています。',
    'sso.confirm.title': '緊急用のオーナーなしで SSO を必須にしますか？',
    'sso.confirm.body':
      'パスワードでサインインできる人がいなくなります。IdP に障害が起きたり設定を誤ったりすると、誰もこのワークスペースに入れなくなります。',
    'sso.confirm.cancel': 'やめる',
    'sso.confirm.save': '緊急用なしで保存',
    'sso.save': '保存',
    'sso.saved': '保存しました。',
    'sso.company.title': '会社のアカウント（SSO）',
    'sso.company.workspace': '会社のアカウント（name@会社のドメイン）またはワークスペースの URL',
    'sso.company.submit': '会社のアカウントで続ける',
    'sso.company.invalid': '会社のメールアドレスか、ワークスペースの URL（…/w/…）を入力してください。',
    'sso.company.unknown':
      'このメールアドレスのドメインでは SSO が設定されていません。ワークスペースの URL を入力するか、管理者に確認してください。',
    'err.SSO_FAILED':
      'シングルサインオンに失敗しました。もう一度お試しください。続く場合は管理者に連絡してください。',
    'err.SSO_REQUIRED':
      'このワークスペースには会社のアカウント（シングルサインオン）でサインインする必要があります。',
    'err.SSO_METADATA_INVALID':
      'この IdP メタデータは使えません（SAML のメタデータか、証明書があるか確認してください）。',
    'err.SSO_NOT_CONFIGURED': 'このワークスペースではシングルサインオンが設定されていません。',
    'err.SSO_DOMAIN_TAKEN': 'このドメインは別のワークスペースがすでに SSO に使っています。',
    'err.SSO_NO_BREAK_GLASS': '緊急用のオーナーなしで SSO を必須にするには確認が必要です。',
    'err.SSO_SESSION_ELSEWHERE':
      '別のワークスペースのシングルサインオンでサインインしています。このワークスペースにはあらためてサインインしてください。',
    'ended.workspace.ssoRequired':
      'このワークスペースは会社のアカウント（シングルサインオン）でのサインインが必要になりました。会社のアカウントでサインインし直してください。ほかのワークスペースはこれまでどおり使えます。',
    'ended.workspace.ssoElsewhere':
      '別のワークスペースのシングルサインオンでサインインしています。このワークスペースを開くには、サインアウトしてから、ここで使うアカウントでサインインしてください。',
  },
  en: {
    'shell.settings.sso': 'Single sign-on',
    'sso.title': 'Single sign-on (SAML)',
    'sso.intro':
      'Let people sign in with your company’s identity provider (IdP). Paste the IdP’s metadata (XML), save, and register “Tsudoi’s side” below with the IdP.',
    'sso.enterpriseOnly': 'Single sign-on is available on the Enterprise plan.',
    'sso.sp.title': 'Tsudoi’s side (register this with the IdP)',
    'sso.sp.entityId': 'Entity ID',
    'sso.sp.acsUrl': 'ACS URL',
    'sso.sp.nameIdFormat': 'NameID format',
    'sso.sp.metadata': 'SP metadata',
    'sso.sp.certificate': 'Tsudoi’s signing certificate (signs authentication requests)',
    'sso.idp.title': 'Identity provider',
    'sso.idp.none': 'Not configured yet.',
    'sso.idp.entityId': 'IdP entity ID: {id}',
    'sso.idp.ssoUrl': 'SSO URL: {url}',
    'sso.idp.certificate': 'Signing certificate {fingerprint} (expires {notAfter})',
    'sso.metadata': 'IdP metadata (XML)',
    'sso.metadata.hint':
      'Paste the metadata your IdP publishes. During a certificate rollover it may hold two. Leave empty to keep the current IdP settings.',
    'sso.required': 'Require single sign-on: refuse password sign-in',
    'sso.emailCode':
      'Also ask for the email code after signing in with the IdP (off: the IdP’s authentication replaces the code)',
    'sso.breakGlass': 'Keep password + email code sign-in for me (the owner) for emergencies',
    'sso.metadata.file': 'Or read it from a file',
    'sso.metadata.tooLarge': 'The metadata file is too large (200 KB at most).',
    'sso.domains': 'Email domains that sign in with SSO (one per line)',
    'sso.domains.hint':
      'People who enter an address at one of these domains under “Continue with your company” on the sign-in page are sent to this IdP. Only domains where an owner or admin has a verified address can be added. People new to Tsudoi become members through the IdP only with an address at one of these domains; others join by invitation or CSV import.',
    'sso.domains.invalid': '{domain}: not a domain name.',
    'sso.domains.publicMail': '{domain}: a public mail service’s domain cannot be added.',
    'sso.domains.notVerified': '{domain}: no owner or admin has a verified address at this domain.',
    'sso.domains.tooMany': '{domain}: at most 10 domains can be added.',
    'sso.domains.taken': '{domain} already signs in to another workspace with SSO.',
    'sso.confirm.title': 'Require SSO without an emergency owner?',
    'sso.confirm.body':
      'Nobody will be able to sign in with a password. If the IdP fails or is misconfigured, nobody can get into this workspace.',
    'sso.confirm.cancel': 'Cancel',
    'sso.confirm.save': 'Save without one',
    'sso.save': 'Save',
    'sso.saved': 'Saved.',
    'sso.company.title': 'Your company account (SSO)',
    'sso.company.workspace': 'Company account (name@company) or workspace URL',
    'sso.company.submit': 'Continue with your company',
    'sso.company.invalid': 'Enter your company email address or the workspace URL (…/w/…).',
    'sso.company.unknown':
      'Single sign-on is not set up for this email domain. Enter the workspace URL, or ask your administrator.',
    'err.SSO_FAILED': 'Single sign-on failed. Try again; if it keeps failing, ask your administrator.',
    'err.SSO_REQUIRED': 'This workspace requires signing in with your company account (single sign-on).',
    'err.SSO_METADATA_INVALID':
      'This IdP metadata cannot be used (check that it is SAML metadata with a signing certificate).',
    'err.SSO_NOT_CONFIGURED': 'This workspace has no single sign-on.',
    'err.SSO_DOMAIN_TAKEN': 'This domain already signs in to another workspace with SSO.',
    'err.SSO_NO_BREAK_GLASS': 'Requiring SSO without an emergency owner needs a confirmation.',
    'err.SSO_SESSION_ELSEWHERE':
      'You signed in through another workspace’s single sign-on: sign in again to open this workspace.',
    'ended.workspace.ssoRequired':
      'This workspace now requires signing in with your company account (single sign-on). Sign in with it again to open the workspace. Your other workspaces are not affected.',
    'ended.workspace.ssoElsewhere':
      'You signed in through another workspace’s single sign-on. To open this workspace, sign out and sign in with the account you use here.',
  },
} as const;
