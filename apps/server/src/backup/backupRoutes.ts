import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.js';
import { OPERATOR_ROUTE, type OperatorCheck } from '../ops/opsAuth.js';
import { BackupNotSupported, type BackupRunner, FIRESTORE_EXPORT_NOTE } from './backupRunner.js';
import { BackupBusy } from './backupService.js';

/**
 * Operator endpoints for R20 (an operator's bearer token and a reason, audited; 404 without a token):
 * - `GET /api/ops/backups` lists the generations kept;
 * - `POST /api/ops/backups` takes a backup now and answers when it is written.
 */
export function backupRoutes(app: FastifyInstance, d: { gate: OperatorCheck; runner: BackupRunner }) {
  app.get('/api/ops/backups', OPERATOR_ROUTE, async (req) => {
    await d.gate.require(req, 'backup.list', null);
    if (!d.runner.supported) return { supported: false, note: FIRESTORE_EXPORT_NOTE, generations: [] };
    return {
      supported: true,
      generations: (await d.runner.list()).map(({ id, createdAt }) => ({ id, createdAt })),
    };
  });

  app.post('/api/ops/backups', OPERATOR_ROUTE, async (req) => {
    await d.gate.require(req, 'backup.run', null);
    try {
      const r = await d.runner.run();
      req.log.info(
        { generation: r.id, files: r.files, bytes: r.bytes, pruned: r.pruned },
        'backup: finished (operator)',
      );
      return { id: r.id, files: r.files, bytes: r.bytes, pruned: r.pruned, durationMs: r.durationMs };
    } catch (err) {
      if (err instanceof BackupBusy) throw new AppError('BACKUP_IN_PROGRESS', err.message);
      if (err instanceof BackupNotSupported) throw new AppError('BACKUP_NOT_SUPPORTED', err.message);
      throw err;
    }
  });
}
