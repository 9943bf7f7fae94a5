/** Images (R16): profile and workspace images, images in messages, and the upload problems, ja/en. */
export const IMAGE_MESSAGES = {
  ja: {
    'image.attach': '画像を添付',
    'image.uploading': '画像をアップロードしています… {percent}%',
    'image.remove': '添付を外す',
    'image.dropHere': 'ここに画像をドロップして添付',
    'image.tooMany': '1 つのメッセージに添付できる画像は {n} 枚までです。',
    'image.open': '画像を大きく表示',
    'image.close': '閉じる',
    'image.alt': '{name} さんが送った画像',
    'image.full': '画像（原寸）',
    'image.avatarOf': '{name} さんのプロフィール画像',
    'image.profile.title': 'プロフィール画像',
    'image.profile.help':
      'JPEG・PNG・WebP・GIF、10 MB まで。位置情報などのメタデータは取り除いて保存します。このワークスペースのメンバーに表示されます。',
    'image.profile.choose': '画像を選ぶ',
    'image.profile.remove': '画像を削除',
    'image.profile.saved': 'プロフィール画像を更新しました。',
    'image.profile.removed': 'プロフィール画像を削除しました。',
    'image.workspace.title': 'ワークスペースの画像',
    'image.workspace.help': 'メンバー全員に表示されます。JPEG・PNG・WebP・GIF、10 MB まで。',
    'image.workspace.saved': 'ワークスペースの画像を更新しました。',
    'image.workspace.removed': 'ワークスペースの画像を削除しました。',
    'err.IMAGE_TYPE_NOT_ALLOWED':
      'この種類のファイルはアップロードできません。JPEG・PNG・WebP・GIF の画像を選んでください。',
    'err.IMAGE_TOO_LARGE': '画像が大きすぎます（10 MB まで）。',
    'err.IMAGE_GONE':
      '添付した画像の有効期限が切れたか、すでに送信されています。画像を添付し直してください（文章は残っています）。',
    'err.IMAGE_TOO_MANY_PIXELS': '画像の画素数が多すぎます（4,000 万画素まで）。',
    'err.IMAGE_INVALID': '画像として読み込めないか、画像以外のデータを含んでいます。',
  },
  en: {
    'image.attach': 'Attach image',
    'image.uploading': 'Uploading image… {percent}%',
    'image.remove': 'Remove attachment',
    'image.dropHere': 'Drop images here to attach them',
    'image.tooMany': 'A message can carry at most {n} images.',
    'image.open': 'Show full size',
    'image.close': 'Close',
    'image.alt': 'Image sent by {name}',
    'image.full': 'Image (full size)',
    'image.avatarOf': 'Profile image of {name}',
    'image.profile.title': 'Profile image',
    'image.profile.help':
      'JPEG, PNG, WebP or GIF, up to 10 MB. Location and other metadata are removed before it is stored. Members of this workspace see it.',
    'image.profile.choose': 'Choose image',
    'image.profile.remove': 'Remove image',
    'image.profile.saved': 'Your profile image was updated.',
    'image.profile.removed': 'Your profile image was removed.',
    'image.workspace.title': 'Workspace image',
    'image.workspace.help': 'Every member sees it. JPEG, PNG, WebP or GIF, up to 10 MB.',
    'image.workspace.saved': 'The workspace image was updated.',
    'image.workspace.removed': 'The workspace image was removed.',
    'err.IMAGE_TYPE_NOT_ALLOWED':
      'This kind of file cannot be uploaded. Choose a JPEG, PNG, WebP or GIF image.',
    'err.IMAGE_TOO_LARGE': 'The image is too large (10 MB at most).',
    'err.IMAGE_GONE':
      'The attached image expired or was sent already. Attach it again (your text is still here).',
    'err.IMAGE_TOO_MANY_PIXELS': 'The image has too many pixels (40 megapixels at most).',
    'err.IMAGE_INVALID':
      'This file cannot be read as an image, or it contains something that is not an image.',
  },
} as const;
