import { useT } from '../../i18n/useT';
import { useFloorStore } from '../../state/floorSlice';
import { useModalDialog } from '../common/useModalDialog';
import { StatusPicker } from '../floor/StatusPicker';

/** My status (state + note) in a native modal dialog, opened from the user menu. */
export function StatusDialog({ onClose }: { onClose: () => void }) {
  const t = useT();
  const ref = useModalDialog(true);
  const mine = useFloorStore((s) => (s.me ? s.members[s.me] : undefined));
  return (
    <dialog
      ref={ref}
      className="dialog status-dialog"
      aria-labelledby="status-title"
      data-testid="status-dialog"
      onClose={onClose}
    >
      <StatusPicker current={mine?.status} />
      <div className="row dialog-actions">
        <button type="button" className="secondary" onClick={onClose}>
          {t('shell.status.close')}
        </button>
      </div>
    </dialog>
  );
}
