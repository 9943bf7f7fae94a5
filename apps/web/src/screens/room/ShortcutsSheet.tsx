import { useId } from 'react';
import { useT } from '../../i18n/useT';
import { useModalDialog } from '../common/useModalDialog';
import { SHORTCUTS } from './shortcuts';

/** The help sheet (`?`): every room shortcut, and the switch for single-key shortcuts (WCAG 2.1.4). */
export function ShortcutsSheet({
  open,
  onClose,
  singleKeys,
  onSingleKeys,
}: {
  open: boolean;
  onClose: () => void;
  singleKeys: boolean;
  onSingleKeys: (on: boolean) => void;
}) {
  const t = useT();
  const ref = useModalDialog(open);
  const titleId = useId();
  const toggleId = useId();
  return (
    <dialog
      ref={ref}
      className="sheet"
      aria-labelledby={titleId}
      data-testid="shortcuts-sheet"
      onClose={onClose}
    >
      <h2 id={titleId}>{t('keys.title')}</h2>
      <table className="keys">
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr
              key={s.action}
              data-action={s.action}
              className={!singleKeys && s.singleKey ? 'off' : undefined}
            >
              <th scope="row">
                {s.caps.map((c, i) => (
                  <span key={c}>
                    {i > 0 && ' + '}
                    <kbd>{c}</kbd>
                  </span>
                ))}
              </th>
              <td>{t(s.label)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="check">
        <input
          id={toggleId}
          type="checkbox"
          checked={singleKeys}
          onChange={(e) => onSingleKeys(e.target.checked)}
        />
        <label htmlFor={toggleId}>{t('keys.singleKey')}</label>
      </p>
      <p className="hint">{t('keys.typingNote')}</p>
      <form method="dialog" className="sheet-actions">
        <button type="submit">{t('keys.close')}</button>
      </form>
    </dialog>
  );
}
