import { AddMaintenanceWindow } from '@tsudoi/protocol';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError } from '../errors.js';
import type { MaintenanceService } from './maintenanceService.js';
import { OPERATOR_ROUTE, type OperatorCheck } from './opsAuth.js';

const DAY_MS = 86_400_000;
const Id = z.object({ id: z.string().regex(/^(schedule-\d{4}-\d{2}|op-[0-9a-f-]{36})$/) });
const Range = z.object({ days: z.coerce.number().int().min(1).max(400).default(90) });

/**
 * R21 maintenance windows:
 * - `GET /api/maintenance` (anyone, also before sign-in): the windows users should be told about now;
 * - operator (bearer token + reason, audited; 404 without a token): `GET /api/ops/maintenance?days=90` (cancelled ones too),
 *   `POST /api/ops/maintenance` (add), `DELETE /api/ops/maintenance/:id` (cancel; scheduled ids too).
 */
export function maintenanceRoutes(
  app: FastifyInstance,
  d: { gate: OperatorCheck; service: MaintenanceService; now: () => Date },
) {
  app.get('/api/maintenance', async (_req, reply) => {
    reply.header('cache-control', 'no-store');
    return { windows: await d.service.banner() };
  });

  app.get('/api/ops/maintenance', OPERATOR_ROUTE, async (req) => {
    await d.gate.require(req, 'maintenance.list', null);
    const q = Range.safeParse(req.query);
    if (!q.success) throw AppError.badRequest('days must be 1–400.', { days: 'invalid' });
    const now = d.now();
    const windows = await d.service.windows(now, new Date(now.getTime() + q.data.days * DAY_MS), true);
    return { windows };
  });

  app.post('/api/ops/maintenance', OPERATOR_ROUTE, async (req, reply) => {
    const { operator } = await d.gate.require(req, 'maintenance.add', null);
    const body = AddMaintenanceWindow.safeParse(req.body);
    if (!body.success)
      throw AppError.badRequest('startsAt and endsAt must be ISO 8601 date-times with an offset.', {
        window: 'invalid',
      });
    reply.code(201);
    return d.service.add(body.data, operator);
  });

  app.delete('/api/ops/maintenance/:id', OPERATOR_ROUTE, async (req) => {
    const { operator } = await d.gate.require(req, 'maintenance.cancel', null);
    const p = Id.safeParse(req.params);
    if (!p.success) throw AppError.notFound('No such maintenance window.');
    return d.service.cancel(p.data.id, operator);
  });
}
