import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { OperatorAuditEntry } from './operatorAuditRepo.js';
import { OperatorGate, operatorOf, reasonOf } from './operatorAuth.js';
import { operatorCredentialsOf } from './operatorTokens.js';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

describe('operator tokens (OPS_TOKENS, OPS_TOKEN)', () => {
  it('names each operator by their token; the old OPS_TOKEN is the operator "ops"', () => {
    const problems: string[] = [];
    const ops = operatorCredentialsOf(
      `alice:${sha('a-token')}, bob:${sha('b-token')}`,
      'legacy-token-123456',
      problems,
    );
    expect(problems).toEqual([]);
    expect(operatorOf('Bearer a-token', ops)).toBe('alice');
    expect(operatorOf('Bearer b-token', ops)).toBe('bob');
    expect(operatorOf('Bearer legacy-token-123456', ops)).toBe('ops');
    expect(operatorOf('Bearer nope', ops)).toBeUndefined();
    expect(operatorOf(sha('a-token'), ops)).toBeUndefined(); // the hash is not the token
    expect(operatorOf(undefined, ops)).toBeUndefined();
  });

  it('names every bad entry', () => {
    const problems: string[] = [];
    operatorCredentialsOf(
      `al ice:${sha('x')},bob:abc,carol,dan:${sha('1')},dan:${sha('2')},ops:${sha('3')}`,
      'legacy-token-123456',
      problems,
    );
    expect(problems).toHaveLength(5);
    expect(problems.join('\n')).toMatch(
      /"al ice"[\s\S]*"bob"[\s\S]*"carol"[\s\S]*"dan" is listed twice[\s\S]*"ops"/,
    );
  });
});

describe('the operator gate', () => {
  const entries: OperatorAuditEntry[] = [];
  const gate = new OperatorGate({
    operators: operatorCredentialsOf(`alice:${sha('a-token')}`, undefined, []),
    audit: { append: async (e) => void entries.push(e) },
    clock: () => new Date('2026-12-02T00:00:00.000Z'),
  });
  const req = (headers: Record<string, string>, body?: unknown) => ({ headers, ip: '10.0.0.9', body });

  it('records who, what, which workspace, why, when and from where before letting the request through', async () => {
    const act = await gate.require(
      req({ authorization: 'Bearer a-token', 'x-ops-reason': encodeURIComponent('障害調査 #12') }),
      'contract.read',
      'w1',
    );
    expect(act).toEqual({ operator: 'alice', reason: '障害調査 #12' });
    expect(entries.at(-1)).toMatchObject({
      operator: 'alice',
      action: 'contract.read',
      workspaceId: 'w1',
      reason: '障害調査 #12',
      at: '2026-12-02T00:00:00.000Z',
      ip: '10.0.0.9',
    });
  });

  it('refuses without a reason (nothing recorded) and answers 404 to a stranger', async () => {
    const before = entries.length;
    await expect(
      gate.require(req({ authorization: 'Bearer a-token' }), 'stats.read', null),
    ).rejects.toMatchObject({
      code: 'OPS_REASON_REQUIRED',
    });
    await expect(
      gate.require(req({ authorization: 'Bearer x', 'x-ops-reason': 'why not' }), 'stats.read', null),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(entries.length).toBe(before);
    expect(reasonOf(req({}, { reason: 'in the body' }))).toBe('in the body');
    expect(reasonOf(req({ 'x-ops-reason': '%E0%A4%A' }))).toBeUndefined();
  });
});
