import type { FastifyInstance } from 'fastify';
import type { DevInbox } from '../mail/devInbox.js';

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** GET /dev/inbox (HTML) and /dev/inbox.json: the development mail sink's messages, newest first. */
export function devInboxRoutes(app: FastifyInstance, inbox: DevInbox): void {
  app.get('/dev/inbox.json', async () => ({ messages: inbox.messages }));
  app.get('/dev/inbox', async (_req, reply) => {
    const items = inbox.messages
      .map(
        (m) =>
          `<article><h2>${esc(m.subject)}</h2><p class="meta">To: ${esc(m.to)} · ${esc(m.receivedAt)}</p><pre>${esc(m.text)}</pre></article>`,
      )
      .join('\n');
    reply.type('text/html; charset=utf-8');
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Tsudoi dev inbox</title>
<meta http-equiv="refresh" content="5">
<style>body{font-family:system-ui,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem}
article{border:1px solid #ccc;border-radius:8px;padding:0 1rem;margin:1rem 0}.meta{color:#555}pre{white-space:pre-wrap}</style>
</head><body><h1>Development inbox / 開発用受信箱</h1>
<p>Mail that Tsudoi sent while running with DEV_MAIL_INBOX=1 (refreshes every 5 s).</p>
${items || '<p>No mail yet. / まだメールはありません。</p>'}</body></html>`;
  });
}
