import { useEffect } from 'react';
import { AttentionWatcher } from './attentionWatcher';

/**
 * Notifications, sounds and the unread count in the tab title for the open workspace page. Mounted once
 * by the shell: `useAttention(ws.id)`.
 */
export function useAttention(workspaceId: string): void {
  useEffect(() => {
    const watcher = new AttentionWatcher(workspaceId);
    return () => watcher.close();
  }, [workspaceId]);
}
