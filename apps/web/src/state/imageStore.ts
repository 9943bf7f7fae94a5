import type { ImageChanged } from '@tsudoi/protocol';
import { imagePaths } from '@tsudoi/protocol';
import { create } from 'zustand';
import { api } from '../api/http';

/**
 * Who has a profile image (and whether the workspace has one) in the workspace on screen (R16): user id →
 * image id, loaded once per workspace and kept current by `image:changed`. Avatar URLs carry the image id,
 * so every `<img>` of a person loads the new image as soon as it changes; without an entry, initials show.
 */
export interface ImageVersions {
  workspaceId: string | null;
  /** By user id; the workspace image under `''`. */
  versions: Record<string, string>;
}

export const useImageVersions = create<ImageVersions>()(() => ({ workspaceId: null, versions: {} }));

const WORKSPACE = '';
let loading: string | null = null;

export const imageActions = {
  changed: (c: ImageChanged) =>
    useImageVersions.setState((s) => {
      const versions = { ...s.versions };
      if (c.imageId) versions[c.userId ?? WORKSPACE] = c.imageId;
      else delete versions[c.userId ?? WORKSPACE];
      return { versions };
    }),
  /** Loads the workspace's profile images once (again after `reset`). */
  load: (workspaceId: string) => {
    if (loading === workspaceId || useImageVersions.getState().workspaceId === workspaceId) return;
    loading = workspaceId;
    useImageVersions.setState({ workspaceId, versions: {} }, true);
    api<{ images: Record<string, string>; workspaceImage: string | null }>(
      'GET',
      imagePaths.avatars(workspaceId),
    )
      .then(({ images, workspaceImage }) => {
        if (useImageVersions.getState().workspaceId !== workspaceId) return;
        // Changes pushed while loading win over the list.
        const all = workspaceImage ? { ...images, [WORKSPACE]: workspaceImage } : images;
        useImageVersions.setState((s) => ({ versions: { ...all, ...s.versions } }));
      })
      .catch(() => undefined) // no list: initials, as before
      .finally(() => {
        if (loading === workspaceId) loading = null;
      });
  },
  reset: () => {
    loading = null;
    useImageVersions.setState({ workspaceId: null, versions: {} }, true);
  },
};

/** The image id of a person's profile image (or of the workspace image without `userId`), if any. */
export const useImageVersion = (userId?: string) => useImageVersions((s) => s.versions[userId ?? WORKSPACE]);
