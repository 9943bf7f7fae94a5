import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.js';

describe('backup configuration (R20)', () => {
  it('keeps five generations in <DATA_DIR>-backups by default; fewer than five is refused by name', () => {
    const c = loadConfig({ DATA_DIR: '/srv/tsudoi/data' });
    expect(c.backup).toEqual({ dir: path.resolve('/srv/tsudoi/data-backups'), generations: 5 });
    expect(loadConfig({ BACKUP_DIR: '/backups', BACKUP_GENERATIONS: '14' }).backup).toEqual({
      dir: path.resolve('/backups'),
      generations: 14,
    });
    expect(() => loadConfig({ BACKUP_GENERATIONS: '4' })).toThrow(ConfigError);
    expect(() => loadConfig({ BACKUP_GENERATIONS: '4' })).toThrow(/BACKUP_GENERATIONS: must be at least 5/);
  });
});
