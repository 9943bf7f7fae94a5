import { useEffect } from 'react';
import { openWorkspaceSocket } from '../../realtime/socket';
import { bindFloorEvents, floorActions } from '../../state/floorSlice';
import { sessionActions } from '../../state/session';

/**
 * Keeps the socket of the open workspace page: opened with the page, closed when leaving it, switching
 * workspace or signing out (the page unmounts). The floor store starts empty for each workspace.
 */
export function useWorkspaceSocket(workspaceId: string, me: string): void {
  useEffect(() => {
    floorActions.reset(workspaceId, me);
    const close = openWorkspaceSocket(workspaceId, {
      bind: (socket) => bindFloorEvents(socket as unknown as Parameters<typeof bindFloorEvents>[0]),
      // Signed out elsewhere: reloading the session shows the sign-in page.
      onRefused: (code) => {
        if (code === 'UNAUTHENTICATED') void sessionActions.load().catch(() => {});
      },
    });
    return () => {
      close();
      floorActions.reset();
    };
  }, [workspaceId, me]);
}
