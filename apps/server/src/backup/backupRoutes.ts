import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.js';
import { OPERATOR_ROUTE, requireOperator } from '../ops/opsAuth.js';
import { BackupNotSupported, type BackupRunner, FIRESTORE_EXPORT_NOTE } from './backupRunner.js';
import { BackupBusy } from './backupService.js';

/**
 * Operator endpoints for R20 (OPS_TOKEN bearer; 404 without it):
 * - `GET /api/ops/backups` lists the generations kept;
 * - `POST /api/ops/backups` takes a backup now and answers when it is written.
 */
export function backupRoutes(app: FastifyInstance, d: { token: string | undefined; runner: BackupRunner }) {
  app.get('/api/ops/backups', OPERATOR_ROUTE, async (req) => {
    requireOperator(req, d.token, 'backup.list');
    if (!d.runner.supported) return { supported: false, note: FIRESTORE_EXPORT_NOTE, generations: [] };
    return {
      supported: true,
      generations: (await d.runner.list()).map(({ id, createdAt }) => ({ id, createdAt })),
    };
  });

  app.post('/api/ops/backups', OPERATOR_ROUTE, async (req) => {
    requireOperator(req, d.token, 'backup.run');
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
