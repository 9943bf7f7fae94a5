import { describe, expect, it } from 'vitest';
import { contractLogCutoff, contractLogEntryExpired } from '../../contracts/contractLogRetention.js';
import { decideAccess } from '../accessDecision.js';
import { eraseAfter, erasureDue, restorable } from './deletionPolicy.js';
import type { WorkspaceEraser } from './eraser.js';
import { WorkspaceErasure } from './workspaceErasure.js';

const T = new Date('2026-12-02T03:00:00.000Z');

describe('deletion policy (pure)', () => {
  it('restorable for 30 days, then due for erasure, never both; a restored one is neither', () => {
    const d = { state: 'closed', eraseAfter: eraseAfter(T).toISOString() };
    expect(d.eraseAfter).toBe('2027-01-01T03:00:00.000Z');
    const justBefore = new Date(Date.parse(d.eraseAfter) - 1);
    expect([restorable(d, justBefore), erasureDue(d, justBefore)]).toEqual([true, false]);
    expect([restorable(d, new Date(d.eraseAfter)), erasureDue(d, new Date(d.eraseAfter))]).toEqual([
      false,
      true,
    ]);
    const restored = { ...d, state: 'restored' };
    expect([restorable(restored, T), erasureDue(restored, new Date('2030-01-01'))]).toEqual([false, false]);
  });

  it('keeps a contract-log entry 8 calendar years, to the millisecond (leap days included)', () => {
    const at = new Date('2028-02-29T12:00:00.000Z');
    expect(contractLogEntryExpired(at, new Date('2036-02-29T11:59:59.999Z'))).toBe(false);
    expect(contractLogEntryExpired(at, new Date('2036-02-29T12:00:00.000Z'))).toBe(true);
    expect(contractLogCutoff(T).toISOString()).toBe('2018-12-02T03:00:00.000Z');
  });

  it('refuses everyone, the owner included, in a closed workspace; the same request passes once reopened', () => {
    const req = {
      userId: 'u',
      session: null,
      sessionLive: true,
      workspaceId: 'w',
      workspace: {
        id: 'w',
        name: 'W',
        plan: 'team' as const,
        timeZone: 'UTC',
        createdAt: '',
        closedAt: T.toISOString(),
      },
      membership: {
        workspaceId: 'w',
        userId: 'u',
        role: 'owner' as const,
        status: 'active' as const,
        joinedAt: '',
      },
      needed: 'member' as const,
      clientIp: null,
      via: 'http' as const,
      now: T,
    };
    expect(decideAccess(req)).toMatchObject({ allow: false, reason: 'workspaceClosed', code: 'NOT_FOUND' });
    const { closedAt: _, ...open } = req.workspace;
    expect(decideAccess({ ...req, workspace: open })).toEqual({ allow: true });
  });
});

describe('workspace erasure orchestrator', () => {
  const eraser = (domain: string, calls: string[], counts: Record<string, number>): WorkspaceEraser => ({
    domain,
    async eraseWorkspace(ws) {
      calls.push(`${domain}:${ws}`);
      return counts;
    },
  });

  it('runs every domain eraser, the workspace record last (also one added later), then flushes; counts by domain', async () => {
    const calls: string[] = [];
    const erasure = new WorkspaceErasure(
      [eraser('messages', calls, { messages: 3 }), eraser('workspace', calls, { workspaces: 1 })],
      async () => {
        calls.push('flush');
      },
    );
    erasure.add(eraser('images', calls, { files: 2 }));
    expect(await erasure.erase('w1')).toEqual({
      'messages.messages': 3,
      'images.files': 2,
      'workspace.workspaces': 1,
    });
    expect(calls).toEqual(['messages:w1', 'images:w1', 'workspace:w1', 'flush']);
    expect(() => erasure.add(eraser('images', calls, {}))).toThrow(/already registered/);
  });

  it('stops at a failing eraser without flushing or recording anything (the next run erases again)', async () => {
    const calls: string[] = [];
    const failing: WorkspaceEraser = {
      domain: 'keys',
      eraseWorkspace: async () => {
        throw new Error('disk full');
      },
    };
    const erasure = new WorkspaceErasure(
      [failing, eraser('workspace', calls, { workspaces: 1 })],
      async () => {
        calls.push('flush');
      },
    );
    await expect(erasure.erase('w1')).rejects.toThrow('disk full');
    expect(calls).toEqual([]);
  });
});
