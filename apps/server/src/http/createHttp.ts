import fastifyCookie from '@fastify/cookie';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import { AppError, toErrorBody } from '../errors.js';
import { csrfProtection } from './requestContext.js';

/** Fastify with the error mapping (stable codes, no stack traces to clients), cookies and CSRF checks. */
export async function createHttp(config: Config): Promise<FastifyInstance> {
  const http = Fastify({
    logger: { level: config.logLevel },
    trustProxy: config.nodeEnv === 'production',
    bodyLimit: 1024 * 1024,
  });
  http.setErrorHandler((err, req, reply) => {
    if (err instanceof AppError) return reply.code(err.status).send(err.toBody());
    const status = (err as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) {
      const message = err instanceof Error ? err.message : 'Bad request.';
      return reply.code(status).send({ code: status === 413 ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST', message });
    }
    req.log.error({ err }, 'request failed');
    return reply.code(500).send(toErrorBody(err));
  });
  await http.register(fastifyCookie);
  csrfProtection(http);
  return http;
}
