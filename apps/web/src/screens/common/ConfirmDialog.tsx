import { useId } from 'react';
import { useModalDialog } from './useModalDialog';

export interface ConfirmDialogProps {
  open: boolean;
  title: string;
  body: string;
  cancelLabel: string;
  /** The risky action: shown as a danger button. */
  confirmLabel: string;
  busy: boolean;
  onCancel: () => void;
  onConfirm: () => void;
  testId: string;
}

/**
 * "Are you sure?" before a setting that can lock people out (an IP allow-list without your own address,
 * SSO required without an emergency owner): a native modal dialog, Escape or Cancel closes it.
 */
export function ConfirmDialog(p: ConfirmDialogProps) {
  const dialog = useModalDialog(p.open);
  const titleId = useId();
  return (
    <dialog
      ref={dialog}
      className="dialog"
      aria-labelledby={titleId}
      data-testid={p.testId}
      onClose={p.onCancel}
    >
      <h2 id={titleId}>{p.title}</h2>
      <p>{p.body}</p>
      <div className="row dialog-actions">
        <button type="button" className="secondary" onClick={p.onCancel}>
          {p.cancelLabel}
        </button>
        <button type="button" className="danger" disabled={p.busy} onClick={p.onConfirm}>
          {p.confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
