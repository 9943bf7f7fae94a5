/**
 * Uploaded images (R16): profile images, the workspace image, images in room and thread messages. The
 * client POSTs the raw file as the body (`POST /api/workspaces/:ws/images?kind=…`); the server checks the
 * real type from the bytes, caps size and pixel count, re-encodes (metadata such as EXIF GPS removed) and
 * stores a full image and a chat thumbnail.
 */

export const IMAGE_LIMITS = {
  /** Bytes of one upload. */
  maxBytes: 10 * 1024 * 1024,
  /** Width × height (× frames of an animation): decompression bombs stop here, before decoding. */
  maxPixels: 40_000_000,
  /** Longest side of a chat thumbnail. */
  thumbSize: 320,
  /** Images in one message. */
  perMessage: 4,
  /** Accepted types, decided from the bytes (never from the name or the declared type). */
  types: ['image/jpeg', 'image/png', 'image/webp', 'image/gif'] as const,
} as const;

export type ImageUploadKind = 'profile' | 'workspace' | 'message';

/** The answer to an upload. */
export interface UploadedImage {
  id: string;
  kind: ImageUploadKind;
  contentType: string;
  width: number;
  height: number;
}

/** An image of a message, as chat shows it (the thumbnail and the full image are fetched by id). */
export interface MessageImage {
  id: string;
}

/** Paths of image URLs, all under the workspace (served only to its members). */
export const imagePaths = {
  upload: (ws: string, kind: ImageUploadKind) => `/api/workspaces/${ws}/images?kind=${kind}`,
  image: (ws: string, id: string) => `/api/workspaces/${ws}/images/${id}`,
  thumb: (ws: string, id: string) => `/api/workspaces/${ws}/images/${id}/thumb`,
  avatars: (ws: string) => `/api/workspaces/${ws}/avatars`,
  avatar: (ws: string, userId: string) => `/api/workspaces/${ws}/avatars/${userId}`,
  workspaceImage: (ws: string) => `/api/workspaces/${ws}/image`,
};

/** Pushed to the workspace when someone's profile image (or the workspace image: `userId` absent) changed. */
export interface ImageChanged {
  userId?: string;
  /** The new image id; absent when the image was removed. */
  imageId?: string;
}
