import { ControlBar } from './room/ControlBar';
import { RoomStage } from './room/RoomStage';

/** The room I am in: the stage and its control bar (the shell may also place the two apart). */
export function RoomView() {
  return (
    <div className="room-view-pair">
      <RoomStage />
      <ControlBar />
    </div>
  );
}
