import type { Socket } from 'node:net';
import type { ErrorBody } from '@tsudoi/protocol';

/** Fixed wording for errors raised by fastify and its parsers; their own messages never reach clients. */
const MESSAGES: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'The request body is not valid JSON.',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'The request body is empty.',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'Unsupported content type.',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'Invalid Content-Length.',
  FST_ERR_CTP_BODY_TOO_LARGE: 'The request body is too large.',
  FST_ERR_BAD_URL: 'Malformed URL.',
  FST_ERR_ASYNC_CONSTRAINT: 'Bad request.',
};

/**
 * The catalogue status and body for a 4xx raised by a library (bad JSON, too large, unsupported type,
 * malformed URL, …): a stable code and a fixed message chosen by the library error's code.
 */
export function libraryErrorBody(
  status: number,
  code: string | undefined,
): { status: number; body: ErrorBody } {
  if (status === 413)
    return { status, body: { code: 'PAYLOAD_TOO_LARGE', message: MESSAGES.FST_ERR_CTP_BODY_TOO_LARGE! } };
  if (status === 404) return { status, body: { code: 'NOT_FOUND', message: 'Not found.' } };
  if (status === 429)
    return { status, body: { code: 'RATE_LIMITED', message: 'Too many requests. Try again later.' } };
  return { status: 400, body: { code: 'BAD_REQUEST', message: (code && MESSAGES[code]) || 'Bad request.' } };
}

/**
 * For requests node cannot parse (bad header syntax, oversized headers): a 400 with a catalogue body,
 * then the connection closes. Replaces fastify's default, whose body names the parser's error.
 */
export function rawClientError(err: Error & { code?: string }, socket: Socket): void {
  // A client that went away or never finished its request gets no answer.
  if (!socket.writable || err.code === 'ECONNRESET' || err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    socket.destroy();
    return;
  }
  const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
  const body = JSON.stringify({
    code: 'BAD_REQUEST',
    message: tooLarge ? 'Request headers are too large.' : 'Malformed request.',
  } satisfies ErrorBody);
  socket.end(
    `HTTP/1.1 ${tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request'}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
