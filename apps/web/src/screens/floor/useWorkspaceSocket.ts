import { useEffect } from 'react';
import { openWorkspaceSocket } from '../../realtime/socket';
import { bindFloorEvents, floorActions } from '../../state/floorSlice';
import { endWorkspaceAccess } from './endWorkspaceAccess';

/**
 * Keeps the socket of the open workspace page: opened with the page, closed when leaving it, switching
 * workspace or signing out (the page unmounts). The floor store starts empty for each workspace. When
 * access ends (removed, disabled, session over) the page leaves at once and says why.
 */
export function useWorkspaceSocket(workspaceId: string, me: string): void {
  useEffect(() => {
    floorActions.reset(workspaceId, me);
    const close = openWorkspaceSocket(workspaceId, {
      bind: (socket) => bindFloorEvents(socket as unknown as Parameters<typeof bindFloorEvents>[0]),
      onEnded: (end) => void endWorkspaceAccess(workspaceId, end),
    });
    return () => {
      close();
      floorActions.reset();
    };
  }, [workspaceId, me]);
}
