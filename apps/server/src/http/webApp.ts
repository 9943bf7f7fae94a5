import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { decodedPath } from './securityHeaders.js';

/**
 * Serves the built web app, with index.html for any unknown GET that is not an API path (SPA routes).
 * Other unknown paths answer the catalogue's NOT_FOUND (never fastify's text, which echoes the URL).
 */
export async function webAppRoutes(app: FastifyInstance, distDir: string): Promise<void> {
  const built = fs.existsSync(path.join(distDir, 'index.html'));
  if (built) await app.register(fastifyStatic, { root: distDir, wildcard: false, index: ['index.html'] });
  else app.log.warn({ distDir }, 'web app not built: run `npm run build` (npm start does it)');
  app.setNotFoundHandler((req, reply) => {
    const path = decodedPath(req); // as the router read it: `/%61pi/x` is an API path
    const isPage =
      built &&
      req.method === 'GET' &&
      !path.toLowerCase().startsWith('/api/') &&
      !path.startsWith('/socket.io/') &&
      !path.endsWith('.map');
    if (isPage) return reply.type('text/html; charset=utf-8').sendFile('index.html');
    return reply.code(404).send({ code: 'NOT_FOUND', message: 'Not found.' });
  });
}
