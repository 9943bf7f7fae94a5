import type { ImageChanged } from '@tsudoi/protocol';
import { create } from 'zustand';

/**
 * Which profile images (and the workspace image) changed while this page is open (R16): a per-person
 * version that avatar URLs carry, so every `<img>` of that person loads the new image at once. Images are
 * served `no-store`, so a version only has to change when the image does.
 */
export interface ImageVersions {
  /** By user id; the workspace image under `''`. */
  versions: Record<string, string>;
}

export const useImageVersions = create<ImageVersions>()(() => ({ versions: {} }));

const WORKSPACE = '';

export const imageActions = {
  changed: (c: ImageChanged) =>
    useImageVersions.setState((s) => ({
      versions: { ...s.versions, [c.userId ?? WORKSPACE]: c.imageId ?? `none-${Date.now()}` },
    })),
  reset: () => useImageVersions.setState({ versions: {} }, true),
};

/** The current version of a person's profile image (or the workspace image without `userId`). */
export const useImageVersion = (userId?: string) =>
  useImageVersions((s) => s.versions[userId ?? WORKSPACE] ?? '0');
