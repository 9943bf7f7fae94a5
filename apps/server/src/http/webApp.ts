import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** Serves the built web app, with index.html for any unknown GET that is not an API path (SPA routes). */
export async function webAppRoutes(app: FastifyInstance, distDir: string): Promise<void> {
  if (!fs.existsSync(path.join(distDir, 'index.html'))) {
    app.log.warn({ distDir }, 'web app not built: run `npm run build` (npm start does it)');
    return;
  }
  await app.register(fastifyStatic, { root: distDir, wildcard: false, index: ['index.html'] });
  app.setNotFoundHandler((req, reply) => {
    const isPage = req.method === 'GET' && !req.url.startsWith('/api/') && !req.url.startsWith('/socket.io/');
    if (isPage) return reply.type('text/html; charset=utf-8').sendFile('index.html');
    return reply.code(404).send({ code: 'NOT_FOUND', message: 'Not found.' });
  });
}
