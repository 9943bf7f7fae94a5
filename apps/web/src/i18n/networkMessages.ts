/** The IP allow-list settings (Enterprise, R12) and its refusals, ja/en. */
export const NETWORK_MESSAGES = {
  ja: {
    'shell.settings.network': 'IP アドレス制限',
    'network.title': 'IP アドレス制限',
    'network.intro':
      'このワークスペースに接続できるネットワークを IP アドレスの範囲（CIDR、IPv4 と IPv6）で制限します。空欄ならどこからでも接続できます。範囲外からの接続は、開いている画面も含めてすぐに切断されます。',
    'network.enterpriseOnly': 'IP アドレス制限は Enterprise プランで利用できます。',
    'network.yourIp': 'あなたの現在のアドレス: {ip}',
    'network.yourIp.unknown': 'あなたの現在のアドレスはサーバーから分かりません。',
    'network.yourIp.inside': '（リストに含まれています）',
    'network.yourIp.outside': '（リストに含まれていません）',
    'network.ranges': '許可する範囲（1 行に 1 つ）',
    'network.ranges.hint': '例: 192.0.2.0/24、203.0.113.7、2001:db8::/32',
    'network.save': '保存',
    'network.saved.none': '保存しました。どのアドレスからでも接続できます。',
    'network.saved.some': '保存しました。{n} 個の範囲から接続できます。',
    'network.badLines':
      '次の行は IP アドレスまたは CIDR 範囲ではありません（接頭辞長は IPv4 で 0〜32、IPv6 で 0〜128）:',
    'network.line': '{n} 行目: {entry}',
    'network.confirm.title': '自分のアクセスも止めますか？',
    'network.confirm.body':
      'このリストにはあなたの現在のアドレス（{ip}）が含まれていません。保存すると、このワークスペースへのあなたのアクセスは、すべての端末ですぐに終わります。元に戻すには、許可された場所から別の管理者が変更する必要があります。',
    'network.confirm.save': '保存してアクセスを終える',
    'network.confirm.cancel': 'キャンセル',
    'err.IP_NOT_ALLOWED':
      'このワークスペースは、いまのネットワーク（IP アドレス）からの接続を許可していません。',
    'err.IP_SELF_EXCLUDED': 'このリストにはあなたの現在のアドレスが含まれていません。',
    'ended.workspace.ipNotAllowed':
      'このワークスペースの IP アドレス制限が変わり、いまのネットワークからは接続できなくなりました。ほかのワークスペースはこれまでどおり使えます。',
  },
  en: {
    'shell.settings.network': 'IP allow-list',
    'network.title': 'IP allow-list',
    'network.intro':
      'Limit the networks this workspace accepts connections from, as IP address ranges (CIDR, IPv4 and IPv6). Empty: any address may connect. Connections from outside the list end at once, open pages included.',
    'network.enterpriseOnly': 'The IP allow-list is part of the Enterprise plan.',
    'network.yourIp': 'Your current address: {ip}',
    'network.yourIp.unknown': 'The server cannot tell your current address.',
    'network.yourIp.inside': '(inside the list)',
    'network.yourIp.outside': '(outside the list)',
    'network.ranges': 'Allowed ranges (one per line)',
    'network.ranges.hint': 'For example 192.0.2.0/24, 203.0.113.7, 2001:db8::/32',
    'network.save': 'Save',
    'network.saved.none': 'Saved. Any address may connect.',
    'network.saved.some': 'Saved. Connections are accepted from {n} ranges.',
    'network.badLines':
      'These lines are not IP addresses or CIDR ranges (prefix length 0–32 for IPv4, 0–128 for IPv6):',
    'network.line': 'Line {n}: {entry}',
    'network.confirm.title': 'Shut yourself out too?',
    'network.confirm.body':
      'This list does not include your current address ({ip}). Saving it ends your own access to this workspace at once, on every device. Only another admin on an allowed network can change it back.',
    'network.confirm.save': 'Save and lose access',
    'network.confirm.cancel': 'Cancel',
    'err.IP_NOT_ALLOWED': 'This workspace does not accept connections from your network (IP address).',
    'err.IP_SELF_EXCLUDED': 'This list does not include your current address.',
    'ended.workspace.ipNotAllowed':
      'This workspace’s IP allow-list changed and no longer includes your network. Your other workspaces are not affected.',
  },
} as const;
