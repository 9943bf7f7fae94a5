import type { DataKeys } from '../../crypto/dataKeys.js';
import type { WorkspaceEraser } from './eraser.js';

/**
 * Crypto-shredding (R19) as part of a workspace's erasure: its data key is destroyed, so anything sealed
 * under it that outlives the erasure (a backup generation, a file the erasure missed) cannot be read.
 */
export function dataKeyEraser(keys: Pick<DataKeys, 'existingKey' | 'destroy'>): WorkspaceEraser {
  return {
    domain: 'keys',
    async eraseWorkspace(workspaceId) {
      const had = await keys.existingKey(workspaceId).then(
        () => true,
        () => false,
      );
      await keys.destroy(workspaceId);
      return { dataKeys: had ? 1 : 0 };
    },
  };
}
