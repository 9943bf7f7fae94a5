import { Device } from 'mediasoup-client';
import type { RtpCapabilities } from 'mediasoup-client/types';
import { problemKey } from '../i18n/problemKey';
import { getSocket, RequestError, request, requestOn } from '../realtime/socket';
import { connectionActions } from '../state/store';

/** The audio never got through (ICE or DTLS did not complete in time): the network is in the way. */
class NetworkBlocked extends Error {}

/**
 * Runs the connection check: sends the microphone through a real WebRTC transport to the SFU and waits
 * until the server has seen DTLS complete and RTP arrive. Lives outside React; reports to the store.
 * The server bounds checks (per network, server-wide, lifetime); its refusals are shown as such.
 */
export async function runConnectionCheck(timeoutMs = 15_000): Promise<void> {
  connectionActions.setCheck({ phase: 'running' });
  let stream: MediaStream | undefined;
  let transport: { close(): void } | undefined;
  const socket = getSocket();
  let expired = false;
  const onClosed = () => {
    expired = true;
  };
  socket.on('check:closed', onClosed);
  try {
    const started = await request('check:start', {});
    const device = new Device();
    await device.load({ routerRtpCapabilities: started.routerRtpCapabilities as RtpCapabilities });
    const send = device.createSendTransport({
      ...(started.transport as Parameters<Device['createSendTransport']>[0]),
      // TURN (issue 14): a short-lived credential for this check, when the server has TURN.
      iceServers: started.iceServers ?? [],
      iceTransportPolicy: started.iceTransportPolicy ?? 'all',
    });
    transport = send;
    send.on('connect', ({ dtlsParameters }, ok, fail) => {
      request('check:connect', { dtlsParameters }).then(() => ok(), fail);
    });
    send.on('produce', ({ kind, rtpParameters }, ok, fail) => {
      request('check:produce', { kind, rtpParameters }).then(
        ({ producerId }) => ok({ id: producerId }),
        fail,
      );
    });
    stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    const track = stream.getAudioTracks()[0];
    if (!track) throw new DOMException('no microphone', 'NotFoundError');
    await send.produce({ track });
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const stats = await request('check:stats', {});
      if (stats.dtlsState === 'connected' && stats.bytesReceived > 0) {
        connectionActions.setCheck({ phase: 'ok', bytesReceived: stats.bytesReceived });
        return;
      }
      if (stats.dtlsState === 'failed' || Date.now() > deadline) {
        throw new NetworkBlocked(`ICE ${stats.iceState}, DTLS ${stats.dtlsState}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  } catch (err) {
    const code = err instanceof RequestError ? err.body.code : undefined;
    if (err instanceof RequestError && (code === 'CHECK_LIMIT' || code === 'CHECK_BUSY'))
      connectionActions.setCheck({ phase: 'limited', code, retryAfter: err.body.retryAfter ?? 30 });
    else if (expired) connectionActions.setCheck({ phase: 'expired' });
    else
      connectionActions.setCheck({
        phase: 'failed',
        reason: err instanceof NetworkBlocked ? 'problem.network' : problemKey(err, 'problem.media'),
      });
  } finally {
    socket.off('check:closed', onClosed);
    // Frees this check's slot at once (others on the same network may be waiting for one).
    void requestOn(socket, 'check:stop', {}).catch(() => {});
    for (const t of stream?.getTracks() ?? []) t.stop();
    transport?.close();
  }
}
