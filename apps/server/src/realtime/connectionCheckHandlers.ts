import { ClientPayloads, type IceSettings } from '@tsudoi/protocol';
import { AppError } from '../errors.js';
import type { CheckAdmission, CheckRefusal } from '../media/checkAdmission.js';
import { ConnectionCheck } from '../media/connectionCheck.js';
import type { RtcListenOptions } from '../media/transports.js';
import type { MediaWorkerPool } from '../media/workerPool.js';
import { systemTimers, type Timers } from '../timers.js';
import { handle } from './handle.js';
import type { TsudoiSocket } from './types.js';

export interface ConnectionCheckDeps {
  pool: MediaWorkerPool;
  rtc: RtcListenOptions;
  /** Shared by every socket of this server: per-address and global bounds. */
  admission: CheckAdmission;
  /** The socket's client address (TRUST_PROXY applied), which the per-address limits count by. */
  clientIp: string;
  timers?: Timers;
  /**
   * TURN for the check's transport, minted per started check with the check's lifetime (a visitor need
   * not be signed in); default: none.
   */
  ice?: (lifetimeMs: number) => IceSettings;
  /** Told of each refused check (security events); default: a warning in the socket's log. */
  onRefused?: (r: { code: 'CHECK_LIMIT' | 'CHECK_BUSY'; reason: CheckRefusal['reason'] }) => void;
}

/** The stable error a refused check answers with; the client shows it with the wait. */
export function checkRefused(refusal: CheckRefusal): AppError {
  const retryAfter = Math.max(1, Math.ceil(refusal.retryAfterMs / 1000));
  return refusal.reason === 'total'
    ? new AppError('CHECK_BUSY', 'The server is running many connection checks. Try again shortly.', {
        retryAfter,
      })
    : new AppError('CHECK_LIMIT', 'Too many connection checks from your network. Try again later.', {
        retryAfter,
      });
}

/**
 * The pre-join connection check on any socket, signed in or not. Each `check:start` is admitted by the
 * server-wide {@link CheckAdmission} and replaces this socket's previous check; a check closes when the
 * client is done (`check:stop`), after its lifetime (the client is told with `check:closed`) or with the socket.
 */
export function registerConnectionCheck(socket: TsudoiSocket, d: ConnectionCheckDeps): void {
  const timers = d.timers ?? systemTimers;
  let current: { check: ConnectionCheck; end: () => void } | undefined;

  const started = (): ConnectionCheck => {
    if (!current) throw AppError.conflict('Start the connection check first.');
    return current.check;
  };

  handle(socket, 'check:start', ClientPayloads['check:start'], async () => {
    current?.end();
    const admitted = await d.admission.request(d.clientIp);
    current?.end(); // a check started while this one was admitted (several nodes: counts in Redis)
    if (admitted.ok && socket.disconnected) {
      admitted.release(); // gone while admitted: nobody would end it
      throw AppError.conflict('The connection closed.');
    }
    if (!admitted.ok) {
      const refused = checkRefused(admitted);
      const r = { code: refused.code as 'CHECK_LIMIT' | 'CHECK_BUSY', reason: admitted.reason };
      if (d.onRefused) d.onRefused(r);
      else socket.data.log?.warn({ ...r, addressKey: admitted.key }, 'connection check refused');
      throw refused;
    }
    const check = new ConnectionCheck(d.pool, d.rtc);
    const timer = timers.setTimeout(() => {
      if (current?.check !== check) return;
      current.end();
      socket.emit('check:closed', { reason: 'expired' });
    }, d.admission.limits.lifetimeMs);
    const end = () => {
      timers.clearTimeout(timer);
      check.close();
      admitted.release();
      if (current?.check === check) current = undefined;
    };
    current = { check, end };
    // A check that failed to start holds no slot.
    return check.start().then(
      (started) => ({ ...started, ...d.ice?.(d.admission.limits.lifetimeMs) }),
      (err: unknown) => {
        end();
        throw err;
      },
    );
  });
  handle(socket, 'check:connect', ClientPayloads['check:connect'], async (p) => {
    await started().connect(p.dtlsParameters);
    return {};
  });
  handle(socket, 'check:produce', ClientPayloads['check:produce'], async (p) => ({
    producerId: await started().produce(p.kind, p.rtpParameters as never),
  }));
  handle(socket, 'check:stats', ClientPayloads['check:stats'], () => started().stats());
  handle(socket, 'check:stop', ClientPayloads['check:stop'], () => {
    current?.end();
    return {};
  });
  socket.on('disconnect', () => current?.end());
}
