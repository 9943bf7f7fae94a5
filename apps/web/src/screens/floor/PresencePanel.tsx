import type { MemberPresence } from '@tsudoi/protocol';
import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { MessageKey } from '../../i18n/messages';
import { useT } from '../../i18n/useT';
import { request } from '../../realtime/socket';
import { floorActions, selectMembers, useFloorStore } from '../../state/floorSlice';
import { FormError } from '../useAction';
import { StatusPicker } from './StatusPicker';
import { useFloorAction } from './useFloorAction';

/** Who is around: one entry per person (however many tabs), online dot, status, room, and 1on1. */
export function PresencePanel() {
  const t = useT();
  const me = useFloorStore((s) => s.me);
  const members = useFloorStore(useShallow(selectMembers));
  const rooms = useFloorStore((s) => s.rooms);
  const mine = useFloorStore((s) => (s.me ? s.members[s.me] : undefined));
  const roomNameOf = useMemo(() => {
    const names = new Map<string, string>();
    for (const r of Object.values(rooms)) for (const p of r.participants) names.set(p.userId, r.name);
    return names;
  }, [rooms]);
  return (
    <section className="card presence" aria-labelledby="presence-title">
      <h2 id="presence-title">{t('floor.members')}</h2>
      <StatusPicker current={mine?.status} />
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
        <span
          className={`dot ${m.online ? 'on' : 'off'}`}
          role="img"
          aria-label={m.online ? t('floor.online') : t('floor.offline')}
        />
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
