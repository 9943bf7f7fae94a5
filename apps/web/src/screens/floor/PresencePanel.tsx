import type { MemberPresence } from '@tsudoi/protocol';
import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { MessageKey } from '../../i18n/messages';
import { useT } from '../../i18n/useT';
import { request } from '../../realtime/socket';
import { floorActions, selectMembers, useFloorStore } from '../../state/floorSlice';
import { Avatar } from '../common/Avatar';
import { FormError } from '../useAction';
import { useFloorAction } from './useFloorAction';

/** Who is around: one entry per person (however many tabs), face with status, room, and 1on1. My own status is set from the user menu. */
export function PresencePanel() {
  const t = useT();
  const me = useFloorStore((s) => s.me);
  const members = useFloorStore(useShallow(selectMembers));
  const rooms = useFloorStore((s) => s.rooms);
  const roomNameOf = useMemo(() => {
    const names = new Map<string, string>();
    for (const r of Object.values(rooms)) for (const p of r.participants) names.set(p.userId, r.name);
    return names;
  }, [rooms]);
  return (
    <section className="presence" aria-labelledby="presence-title">
      <h2 id="presence-title">{t('floor.members')}</h2>
      <ul className="list" data-testid="floor-members">
        {members.map((m) => (
          <MemberRow key={m.userId} member={m} isMe={m.userId === me} room={roomNameOf.get(m.userId)} />
        ))}
      </ul>
    </section>
  );
}

function MemberRow({ member: m, isMe, room }: { member: MemberPresence; isMe: boolean; room?: string }) {
  const t = useT();
  const { busy, error, run } = useFloorAction();
  const nameId = `member-${m.userId}`;
  return (
    <li data-testid="floor-member" data-user-id={m.userId} data-online={m.online}>
      <div className="row">
        <span className={m.online ? 'presence-face' : 'presence-face offline'}>
          <Avatar
            userId={m.userId}
            name={m.displayName}
            size={28}
            status={m.online ? m.status.state : undefined}
          />
        </span>
        <span className="sr-only">{m.online ? t('floor.online') : t('floor.offline')}</span>
        <strong id={nameId}>{m.displayName}</strong>
        {isMe && <span className="muted">{t('floor.you')}</span>}
        {m.online && (
          <span className={`badge status-${m.status.state}`} data-testid="member-status">
            {t(`floor.status.${m.status.state}` as MessageKey)}
          </span>
        )}
        {m.online && m.status.text && <span className="muted">“{m.status.text}”</span>}
        {room && <span className="muted">{t('floor.inRoom', { room })}</span>}
        {m.online && !isMe && (
          <button
            type="button"
            className="secondary small"
            disabled={busy}
            aria-describedby={nameId}
            onClick={() =>
              void run(
                async () => floorActions.inviteSent(await request('oneOnOne:invite', { userId: m.userId })),
                { CONFLICT: 'floor.err.memberOffline', NOT_FOUND: 'floor.err.memberOffline' },
              )
            }
          >
            {t('floor.oneOnOne')}
          </button>
        )}
      </div>
      <FormError message={error} />
    </li>
  );
}
