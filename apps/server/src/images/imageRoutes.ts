import { IMAGE_LIMITS, type ImageUploadKind } from '@tsudoi/protocol';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { SessionService } from '../auth/sessionService.js';
import type { Clock } from '../clock.js';
import { AppError } from '../errors.js';
import { originOf, requireAuth } from '../http/requestContext.js';
import type { BucketSpec } from '../realtime/rateLimit.js';
import { LocalLimits, type SharedLimits } from '../scaling/sharedLimits.js';
import type { WorkspaceAccess } from '../workspaces/access.js';
import type { ImageService, ServedImage } from './imageService.js';

const WsParams = z.object({ workspaceId: z.uuid() }).strict();
const ImageParams = z.object({ workspaceId: z.uuid(), imageId: z.uuid() }).strict();
const AvatarParams = z.object({ workspaceId: z.uuid(), userId: z.uuid() }).strict();
const UploadQuery = z.object({ kind: z.enum(['profile', 'workspace', 'message']) }).strict();
// `v`: the image version the page knows (a cache-buster for <img>; the server always serves the current one).
const VariantQuery = z
  .object({ size: z.enum(['thumb', 'full']).optional(), v: z.string().max(64).optional() })
  .strict();

/** Uploads per person and workspace: a burst of 20, then one every 30 s (forgotten after 10 idle minutes). */
export const UPLOAD_LIMIT: BucketSpec = { capacity: 20, perSecond: 1 / 30 };

export interface ImageRouteDeps {
  images: ImageService;
  sessions: SessionService;
  access: WorkspaceAccess;
  clock: Clock;
  uploadLimit?: BucketSpec;
  /** Several nodes: uploads per person counted in Redis, one budget across the nodes. */
  sharedLimits?: SharedLimits;
}

/**
 * /api/workspaces/:ws/images… (R16). The upload's body is the raw file (any content type: the bytes decide),
 * read up to the 10 MB limit and refused beyond it without reading further (IMAGE_TOO_LARGE). Every route
 * first passes the access decision as a member (the workspace image: as an admin); a foreign or unknown
 * workspace, image or person answers 404. Served images: `Content-Type` from the stored (re-encoded) bytes,
 * `nosniff`, `inline` with a fixed safe name, and `private, no-store`: no cache keeps them, so a deleted
 * image is not shown again from anyone's cache.
 */
export function imageRoutes(app: FastifyInstance, d: ImageRouteDeps): void {
  const buckets = d.sharedLimits ?? new LocalLimits(d.clock().getTime());
  const gate = async (req: FastifyRequest, role: 'member' | 'admin' = 'member') => {
    const { user, session } = await requireAuth(req, d.sessions);
    const p = WsParams.safeParse({ workspaceId: (req.params as { workspaceId?: unknown }).workspaceId });
    if (!p.success) throw AppError.notFound();
    await d.access.require(
      { userId: user.id, session, clientIp: originOf(req).ip, via: 'http' },
      p.data.workspaceId,
      role,
    );
    return { user, workspaceId: p.data.workspaceId };
  };
  const send = (reply: FastifyReply, img: ServedImage) =>
    reply
      // Never stored by any cache, the browser's included: a purged image is gone from every screen.
      .header('cache-control', 'private, no-store')
      .header('x-content-type-options', 'nosniff')
      .header('content-disposition', `inline; filename="image.${img.contentType.split('/')[1]}"`)
      .header('content-security-policy', "default-src 'none'; sandbox")
      .type(img.contentType)
      .send(Buffer.from(img.bytes.buffer, img.bytes.byteOffset, img.bytes.byteLength));
  const variant = (req: FastifyRequest, thumb: boolean) => {
    const q = VariantQuery.safeParse(req.query ?? {});
    if (!q.success) throw AppError.badRequest('Invalid query.');
    return thumb || q.data.size === 'thumb' ? 'thumb' : 'full';
  };

  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    // Any body is kept as bytes, counted while it arrives: past the limit the request is refused at once.
    scope.addContentTypeParser('*', { bodyLimit: IMAGE_LIMITS.maxBytes + 1 }, (req, payload, done) => {
      const declared = Number(req.headers['content-length']);
      if (declared > IMAGE_LIMITS.maxBytes) return done(tooLarge(), undefined);
      const parts: Buffer[] = [];
      let size = 0;
      payload.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > IMAGE_LIMITS.maxBytes) {
          payload.removeAllListeners('data');
          payload.resume();
          done(tooLarge(), undefined);
          return;
        }
        parts.push(chunk);
      });
      payload.on('end', () => {
        if (size <= IMAGE_LIMITS.maxBytes) done(null, Buffer.concat(parts));
      });
      payload.on('error', (err) => done(err, undefined));
    });

    scope.post('/api/workspaces/:workspaceId/images', async (req) => {
      const q = UploadQuery.safeParse(req.query ?? {});
      if (!q.success) throw AppError.badRequest('kind must be profile, workspace or message.');
      const kind: ImageUploadKind = q.data.kind;
      const { user, workspaceId } = await gate(req, kind === 'workspace' ? 'admin' : 'member');
      const wait = await buckets.take(
        `upload:${workspaceId}:${user.id}`,
        d.uploadLimit ?? UPLOAD_LIMIT,
        d.clock().getTime(),
      );
      if (wait > 0) throw AppError.rateLimited(wait / 1000);
      if (!Buffer.isBuffer(req.body) || req.body.length === 0)
        throw new AppError('IMAGE_INVALID', 'The request carries no image.');
      return d.images.upload(workspaceId, user.id, kind, req.body);
    });
  });

  app.get('/api/workspaces/:workspaceId/images/:imageId', async (req, reply) => {
    const { workspaceId } = await gate(req);
    const p = ImageParams.safeParse(req.params);
    if (!p.success) throw AppError.notFound();
    return send(reply, await d.images.read(workspaceId, p.data.imageId, variant(req, false)));
  });
  app.get('/api/workspaces/:workspaceId/images/:imageId/thumb', async (req, reply) => {
    const { workspaceId } = await gate(req);
    const p = ImageParams.safeParse(req.params);
    if (!p.success) throw AppError.notFound();
    return send(reply, await d.images.read(workspaceId, p.data.imageId, variant(req, true)));
  });
  app.get('/api/workspaces/:workspaceId/avatars', async (req) => {
    const { workspaceId } = await gate(req);
    const [images, workspaceImage] = await Promise.all([
      d.images.profileImages(workspaceId),
      d.images.currentId(workspaceId, 'workspace', workspaceId),
    ]);
    return { images, workspaceImage: workspaceImage ?? null };
  });
  app.get('/api/workspaces/:workspaceId/avatars/:userId', async (req, reply) => {
    const { workspaceId } = await gate(req);
    const p = AvatarParams.safeParse(req.params);
    if (!p.success) throw AppError.notFound();
    return send(reply, await d.images.current(workspaceId, 'profile', p.data.userId, variant(req, false)));
  });
  app.get('/api/workspaces/:workspaceId/image', async (req, reply) => {
    const { workspaceId } = await gate(req);
    return send(reply, await d.images.current(workspaceId, 'workspace', workspaceId, variant(req, false)));
  });
  app.delete('/api/workspaces/:workspaceId/avatars/me', async (req) => {
    const { user, workspaceId } = await gate(req);
    await d.images.remove(workspaceId, 'profile', user.id);
    return {};
  });
  app.delete('/api/workspaces/:workspaceId/image', async (req) => {
    const { workspaceId } = await gate(req, 'admin');
    await d.images.remove(workspaceId, 'workspace', workspaceId);
    return {};
  });
}

const tooLarge = () => new AppError('IMAGE_TOO_LARGE', 'Images can be at most 10 MB.');
