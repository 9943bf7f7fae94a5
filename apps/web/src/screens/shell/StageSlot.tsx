import { RoomView } from '../RoomView';

/**
 * The main area while I am in a room: the room stage with its control bar always in view at the bottom.
 * Slice B swaps RoomView for RoomStage + ControlBar here.
 */
export function StageSlot() {
  return (
    <div className="stage-slot" data-testid="stage-slot">
      <RoomView />
    </div>
  );
}
