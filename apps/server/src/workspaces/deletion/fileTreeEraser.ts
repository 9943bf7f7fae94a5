import fs from 'node:fs/promises';
import path from 'node:path';
import type { WorkspaceEraser } from './eraser.js';

const SAFE_ID = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * Erases a workspace's directory of files under `root` (e.g. `<DATA_DIR>/blobs/<workspaceId>`, where
 * message attachments live), counting the files removed.
 */
export function fileTreeEraser(domain: string, root: string): WorkspaceEraser {
  return {
    domain,
    async eraseWorkspace(workspaceId) {
      if (!SAFE_ID.test(workspaceId))
        throw new TypeError(`invalid workspace id ${JSON.stringify(workspaceId)}`);
      const dir = path.join(root, workspaceId);
      let files = 0;
      try {
        const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
        files = entries.filter((e) => e.isFile()).length;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { files: 0 };
        throw err;
      }
      await fs.rm(dir, { recursive: true, force: true });
      return { files };
    },
  };
}
