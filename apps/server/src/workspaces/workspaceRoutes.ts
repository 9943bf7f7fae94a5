import {
  CreateWorkspaceRequest,
  InviteRequest,
  UpdateIpAllowListRequest,
  UpdateMemberRequest,
  UpdateWorkspaceRequest,
} from '@tsudoi/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Role } from '../auth/accountStore.js';
import type { SessionService } from '../auth/sessionService.js';
import { AppError } from '../errors.js';
import { originOf, requireAuth } from '../http/requestContext.js';
import { parseInput } from '../validation.js';
import type { WorkspaceAccess } from './access.js';
import type { IpAllowListService } from './ipAllowListService.js';
import type { WorkspaceService } from './workspaceService.js';

const WsParams = z.object({ workspaceId: z.uuid() });
const MemberParams = WsParams.extend({ userId: z.uuid() });
const InvitationParams = WsParams.extend({ invitationId: z.uuid() });
const TokenParams = z.object({ token: z.string().min(10).max(200) });

/**
 * /api/workspaces/* and /api/invitations/*. Unknown or foreign workspace ids answer 404. Every
 * workspace route first passes the access decision with the live session and the client IP (`gate`);
 * the service checks membership and role again on its own.
 */
export function workspaceRoutes(
  app: FastifyInstance,
  d: {
    workspaces: WorkspaceService;
    sessions: SessionService;
    access: WorkspaceAccess;
    ipAllowList: IpAllowListService;
  },
) {
  const ws = d.workspaces;
  const params = <S extends z.ZodType>(schema: S, p: unknown) => {
    const r = schema.safeParse(p);
    if (!r.success) throw AppError.notFound();
    return r.data as z.infer<S>;
  };
  /** The signed-in user and the route's ids, once the access decision allowed `needed` in the workspace. */
  const gate = async <S extends typeof WsParams>(req: FastifyRequest, schema: S, needed: Role) => {
    const { user, session } = await requireAuth(req, d.sessions);
    const p = params(schema, req.params);
    await d.access.require(
      { userId: user.id, session, clientIp: originOf(req).ip, via: 'http' },
      p.workspaceId,
      needed,
    );
    return { user, p };
  };

  app.get('/api/workspaces', async (req) => {
    const { user } = await requireAuth(req, d.sessions);
    return { workspaces: await ws.listFor(user.id) };
  });
  app.post('/api/workspaces', async (req, reply) => {
    const { user } = await requireAuth(req, d.sessions);
    const input = parseInput(CreateWorkspaceRequest, req.body);
    reply.code(201);
    return ws.create(user, input.name, input.timeZone, originOf(req));
  });
  app.get('/api/workspaces/:workspaceId', async (req) => {
    const { user, p } = await gate(req, WsParams, 'member');
    return ws.get(p.workspaceId, user.id);
  });
  app.patch('/api/workspaces/:workspaceId', async (req) => {
    const { user, p } = await gate(req, WsParams, 'admin');
    return ws.update(p.workspaceId, user.id, parseInput(UpdateWorkspaceRequest, req.body), originOf(req));
  });
  app.get('/api/workspaces/:workspaceId/members', async (req) => {
    const { user, p } = await gate(req, WsParams, 'member');
    return { members: await ws.members(p.workspaceId, user.id) };
  });
  app.patch('/api/workspaces/:workspaceId/members/:userId', async (req) => {
    const { user, p } = await gate(req, MemberParams, 'admin');
    await ws.updateMember(
      p.workspaceId,
      user.id,
      p.userId,
      parseInput(UpdateMemberRequest, req.body),
      originOf(req),
    );
    return { status: 'updated' };
  });
  app.delete('/api/workspaces/:workspaceId/members/:userId', async (req) => {
    const { user, p } = await gate(req, MemberParams, 'admin');
    await ws.removeMember(p.workspaceId, user.id, p.userId, originOf(req));
    return { status: 'removed' };
  });
  app.post('/api/workspaces/:workspaceId/members/:userId/unlock', async (req) => {
    const { user, p } = await gate(req, MemberParams, 'admin');
    await ws.unlockMember(p.workspaceId, user.id, p.userId, originOf(req));
    return { status: 'unlocked' };
  });
  /** Admin sign-out: every session of the member ends and their sockets disconnect at once. */
  app.post('/api/workspaces/:workspaceId/members/:userId/signout', async (req) => {
    const { user, p } = await gate(req, MemberParams, 'admin');
    const sessions = await ws.signOutMember(p.workspaceId, user.id, p.userId, originOf(req));
    return { status: 'signed-out', sessions };
  });
  app.get('/api/workspaces/:workspaceId/invitations', async (req) => {
    const { user, p } = await gate(req, WsParams, 'admin');
    return { invitations: await ws.invitations(p.workspaceId, user.id) };
  });
  app.post('/api/workspaces/:workspaceId/invitations', async (req, reply) => {
    const { user, p } = await gate(req, WsParams, 'admin');
    const input = parseInput(InviteRequest, req.body);
    reply.code(201);
    return ws.invite(p.workspaceId, user, input.email, input.role, originOf(req));
  });
  app.delete('/api/workspaces/:workspaceId/invitations/:invitationId', async (req) => {
    const { user, p } = await gate(req, InvitationParams, 'admin');
    await ws.revokeInvitation(p.workspaceId, user.id, p.invitationId, originOf(req));
    return { status: 'revoked' };
  });
  // Enterprise: the IP allow-list (R12). The gate already applies the current list to the admin's address.
  app.get('/api/workspaces/:workspaceId/ip-allow-list', async (req) => {
    const { p } = await gate(req, WsParams, 'admin');
    return d.ipAllowList.get(p.workspaceId, originOf(req));
  });
  app.put('/api/workspaces/:workspaceId/ip-allow-list', async (req) => {
    const { user, p } = await gate(req, WsParams, 'admin');
    const input = parseInput(UpdateIpAllowListRequest, req.body);
    return d.ipAllowList.set(p.workspaceId, user.id, input, originOf(req));
  });
  app.get('/api/invitations/:token', async (req) =>
    ws.previewInvitation(params(TokenParams, req.params).token),
  );
  app.post('/api/invitations/:token/accept', async (req) => {
    const { user } = await requireAuth(req, d.sessions);
    return ws.acceptInvitation(params(TokenParams, req.params).token, user, originOf(req));
  });
}
