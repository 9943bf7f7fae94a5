import { describe, expect, it } from 'vitest';
import { describeUnitOfWorkContract } from '../unitOfWork.contract.js';
import { SqliteStore } from './sqliteStore.js';
import { TX_AWAITED_OUTSIDE_STORE } from './unitOfWork.js';

const openStore = async () => {
  const store = new SqliteStore(':memory:');
  await store.migrate();
  return store;
};

describeUnitOfWorkContract('sqlite', openStore);

describe('SQLite unit of work: fn must await only the store', () => {
  it('rolls back and rejects an fn that awaits a timer; a request made meanwhile is not swallowed', async () => {
    const store = await openStore();
    let fnEnded!: (late: PromiseSettledResult<void>) => void;
    const lateWrite = new Promise<PromiseSettledResult<void>>((resolve) => {
      fnEnded = resolve;
    });
    let meanwhile: Promise<void> | undefined;
    // Another request, arriving in the next macrotask while the transaction is still open.
    setImmediate(() => {
      meanwhile = store.meta.set('meanwhile', 'kept');
    });
    const attempt = store.transaction(async (tx) => {
      await tx.meta.set('before-timer', 'x');
      await new Promise((resolve) => setTimeout(resolve, 1));
      const [late] = await Promise.allSettled([tx.meta.set('after-timer', 'x')]);
      fnEnded(late as PromiseSettledResult<void>);
    });
    await expect(attempt).rejects.toThrow(TX_AWAITED_OUTSIDE_STORE);
    // The write fn tried after its timer was refused, not made outside the transaction.
    const late = await lateWrite;
    expect(late.status).toBe('rejected');
    expect(late.status === 'rejected' && String(late.reason)).toContain(TX_AWAITED_OUTSIDE_STORE);
    await meanwhile;
    expect(await store.meta.get('before-timer')).toBeUndefined();
    expect(await store.meta.get('after-timer')).toBeUndefined();
    expect(await store.meta.get('meanwhile')).toBe('kept');
    expect(store.db.inTransaction).toBe(false);
    // The store goes on working, transactions included.
    await store.transaction((tx) => tx.meta.set('next', 'ok'));
    expect(await store.meta.get('next')).toBe('ok');
    await store.close();
  });

  it('an fn that awaits only the store commits, however many calls it makes', async () => {
    const store = await openStore();
    await store.transaction(async (tx) => {
      for (let i = 0; i < 50; i++) await tx.meta.set(`k${i}`, String(i));
      await Promise.all([tx.meta.get('k1'), tx.workspaces.listByIds([]), tx.accounts.users.getById('none')]);
    });
    expect(await store.meta.get('k49')).toBe('49');
    await store.close();
  });

  it('serializes transactions and lets waiting requests run once each ends', async () => {
    const store = await openStore();
    const order: string[] = [];
    const a = store.transaction(async (tx) => {
      order.push('a:start');
      // Made while a is open: waits for a to end.
      void store.meta.set('between', '1').then(() => order.push('outside'));
      await tx.meta.set('a', '1');
      order.push('a:end');
    });
    const b = store.transaction(async (tx) => {
      order.push('b:start');
      await tx.meta.set('b', String((await tx.meta.get('between')) ?? 'missing'));
      order.push('b:end');
    });
    await Promise.all([a, b]);
    expect(order.indexOf('a:end')).toBeLessThan(order.indexOf('b:start'));
    expect(order.indexOf('a:end')).toBeLessThan(order.indexOf('outside'));
    expect(await store.meta.get('between')).toBe('1');
    await store.close();
  });
});
