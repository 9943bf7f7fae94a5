import type { ContractHolder } from '@tsudoi/protocol';
import type { Contract, ContractLogEntry, ContractRepo } from '../contracts/contractRepo.js';
import type { DataKeys } from './dataKeys.js';
import { aad, isSealedText, openText, SealError, sealText } from './envelope.js';
import { over } from './sealedAccounts.js';

const FIELDS = ['companyName', 'billingContactName', 'billingContactEmail'] as const;

/** Seals (or opens) each holder field, bound to the workspace, the place (`where`) and the field. */
function mapHolder(h: ContractHolder, f: (value: string, ad: Buffer) => string, where: string[]) {
  const out = { ...h };
  for (const k of FIELDS) out[k] = f(h[k], aad('contract.holder', ...where, k));
  return out;
}

const isHolder = (v: unknown): v is ContractHolder =>
  typeof v === 'object' &&
  v !== null &&
  FIELDS.every((k) => typeof (v as Record<string, unknown>)[k] === 'string');

/** The log detail keys that carry a holder (`holder_changed`: from → to). */
const SIDES = ['from', 'to'] as const;

/**
 * Contract holders (company name, billing contact name and email: personal data) encrypted at rest (R19)
 * on every engine, under the workspace's data key: the current contract's holder, and the holders a
 * `holder_changed` log entry copies (bound to that entry). The log stays append-only; the owner reads it in
 * clear. Once the workspace's data key is destroyed (erasure), the log's entries are still listed (type,
 * time, actor, billing) but their holders show as `null` with `holderErased: true`. Values stored before
 * R19 are returned as stored.
 */
export function sealedContracts(inner: ContractRepo, keys: DataKeys): ContractRepo {
  const seal = (key: Buffer) => (v: string, ad: Buffer) => sealText(key, v, ad);
  const open = (key: Buffer) => (v: string, ad: Buffer) => (isSealedText(v) ? openText(key, v, ad) : v);
  const sealedIn = (h: ContractHolder) => FIELDS.some((k) => isSealedText(h[k]));

  async function openEntry(e: ContractLogEntry): Promise<ContractLogEntry> {
    const holders = SIDES.filter((s) => isHolder(e.detail[s]) && sealedIn(e.detail[s] as ContractHolder));
    if (holders.length === 0) return e;
    let key: Buffer;
    try {
      key = await keys.existingKey(e.workspaceId);
    } catch (err) {
      if (!(err instanceof SealError && err.reason === 'key-destroyed')) throw err;
      const detail: Record<string, unknown> = { ...e.detail, holderErased: true };
      for (const s of holders) detail[s] = null;
      return { ...e, detail };
    }
    const detail = { ...e.detail };
    for (const s of holders)
      detail[s] = mapHolder(detail[s] as ContractHolder, open(key), [e.workspaceId, e.id, s]);
    return { ...e, detail };
  }

  return over(inner, {
    get: async (workspaceId: string) => {
      const c = await inner.get(workspaceId);
      if (!c?.holder || !sealedIn(c.holder)) return c;
      const key = await keys.existingKey(workspaceId);
      return { ...c, holder: mapHolder(c.holder, open(key), [workspaceId]) };
    },
    put: async (c: Contract) => {
      if (!c.holder) return inner.put(c);
      const key = await keys.keyFor(c.workspaceId);
      return inner.put({ ...c, holder: mapHolder(c.holder, seal(key), [c.workspaceId]) });
    },
    appendLog: async (e: ContractLogEntry) => {
      const sides = SIDES.filter((s) => isHolder(e.detail[s]));
      if (sides.length === 0) return inner.appendLog(e);
      const key = await keys.keyFor(e.workspaceId);
      const detail = { ...e.detail };
      for (const s of sides)
        detail[s] = mapHolder(detail[s] as ContractHolder, seal(key), [e.workspaceId, e.id, s]);
      return inner.appendLog({ ...e, detail });
    },
    listLog: async (workspaceId: string, limit: number) =>
      Promise.all((await inner.listLog(workspaceId, limit)).map(openEntry)),
  });
}
