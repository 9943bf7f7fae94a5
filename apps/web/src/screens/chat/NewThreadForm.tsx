import { type FormEvent, useId, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { errorText } from '../../i18n/errorText';
import { useT } from '../../i18n/useT';
import { request } from '../../realtime/socket';
import { chatActions } from '../../state/chatStore';
import { selectMembers, useFloorStore } from '../../state/floorSlice';
import { FormError } from '../useAction';

/** Starts a conversation: a direct one with one member (reused if it exists) or a group with a title. */
export function NewThreadForm({ onOpened }: { onOpened: (threadId: string) => void }) {
  const t = useT();
  const id = useId();
  const me = useFloorStore((s) => s.me);
  const members = useFloorStore(useShallow((s) => selectMembers(s).filter((m) => m.userId !== s.me)));
  const [direct, setDirect] = useState('');
  const [group, setGroup] = useState<string[]>([]);
  const [title, setTitle] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  if (!me) return null;
  if (members.length === 0) return <p className="muted">{t('threads.noMembers')}</p>;

  const open = async (memberIds: string[], groupTitle?: string) => {
    if (memberIds.length === 0) {
      setError(t('threads.pickMember'));
      return false;
    }
    setBusy(true);
    setError(undefined);
    try {
      const thread = await request('thread:open', {
        memberIds,
        ...(groupTitle?.trim() ? { title: groupTitle.trim() } : {}),
      });
      chatActions.opened(thread);
      onOpened(thread.id);
      return true;
    } catch (err) {
      setError(errorText(t, err, { NOT_FOUND: 'threads.memberGone' }));
      return false;
    } finally {
      setBusy(false);
    }
  };
  const submitDirect = (e: FormEvent) => {
    e.preventDefault();
    void open(direct ? [direct] : []);
  };
  const submitGroup = async (e: FormEvent) => {
    e.preventDefault();
    if (await open(group, title || undefined)) {
      setGroup([]);
      setTitle('');
    }
  };

  return (
    <div className="new-thread">
      <form onSubmit={submitDirect}>
        <fieldset>
          <legend>{t('threads.direct')}</legend>
          <label htmlFor={`${id}-member`}>{t('threads.member')}</label>
          <div className="row">
            <select id={`${id}-member`} value={direct} onChange={(e) => setDirect(e.target.value)}>
              <option value="">{t('threads.choose')}</option>
              {members.map((m) => (
                <option key={m.userId} value={m.userId}>
                  {m.displayName}
                </option>
              ))}
            </select>
            <button type="submit" className="small" disabled={busy}>
              {t('threads.openDirect')}
            </button>
          </div>
        </fieldset>
      </form>
      <form onSubmit={(e) => void submitGroup(e)}>
        <fieldset>
          <legend>{t('threads.group')}</legend>
          <div className="checks">
            {members.map((m) => (
              <label key={m.userId}>
                <input
                  type="checkbox"
                  checked={group.includes(m.userId)}
                  onChange={(e) =>
                    setGroup((g) => (e.target.checked ? [...g, m.userId] : g.filter((x) => x !== m.userId)))
                  }
                />
                {m.displayName}
              </label>
            ))}
          </div>
          <label>
            {t('threads.groupTitle')}
            <input value={title} maxLength={80} onChange={(e) => setTitle(e.target.value)} />
          </label>
          <button type="submit" className="small" disabled={busy}>
            {t('threads.createGroup')}
          </button>
        </fieldset>
      </form>
      <FormError message={error} />
    </div>
  );
}
