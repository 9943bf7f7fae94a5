import type { Query } from 'firebase-admin/firestore';

/**
 * Which composite index a query needs, and whether `firestore.indexes.json` declares it. Production
 * Firestore refuses a query whose composite index is missing (FAILED_PRECONDITION "The query requires an
 * index"); the emulator does not, so the test harness runs every query of the Firestore suites through
 * `missingIndex` and fails the query the way production would.
 *
 * The rules applied (Firestore's, simplified to the cases this engine uses):
 * - equality filters only (any number of fields) → served by merging the automatic single-field indexes;
 * - one field in all (a filter and/or an order on the same field, `__name__` aside) → single-field index;
 * - anything else → a composite index: the equality fields (any order), then the order fields in order
 *   with their directions (inequality fields are ordered implicitly, ascending, after the explicit ones);
 *   the trailing `__name__` order is implied in the direction of the last field.
 * - collection-group queries need even their single-field indexes declared (`fieldOverrides`).
 */

/** `apps/server/firestore.indexes.json` (from `src/` and from `dist/` alike). */
export const INDEX_FILE = new URL('../../../firestore.indexes.json', import.meta.url);

export type Direction = 'ASCENDING' | 'DESCENDING';

export interface IndexField {
  fieldPath: string;
  order?: Direction;
  arrayConfig?: 'CONTAINS';
}

export interface CompositeIndex {
  collectionGroup: string;
  queryScope?: 'COLLECTION' | 'COLLECTION_GROUP';
  fields: IndexField[];
}

export interface FieldOverride {
  collectionGroup: string;
  fieldPath: string;
  indexes: Array<{
    queryScope: 'COLLECTION' | 'COLLECTION_GROUP';
    order?: Direction;
    arrayConfig?: 'CONTAINS';
  }>;
}

/** The file `firebase deploy --only firestore:indexes` reads. */
export interface IndexFile {
  indexes: CompositeIndex[];
  fieldOverrides?: FieldOverride[];
}

/** What one query needs: nothing, single-field collection-group indexes, or one composite index. */
export type IndexNeed =
  | { kind: 'none' }
  | { kind: 'fieldOverrides'; collectionGroup: string; fields: IndexField[] }
  | { kind: 'composite'; index: Required<CompositeIndex>; equalities: IndexField[]; orders: IndexField[] };

interface FilterProto {
  fieldFilter?: { field: { fieldPath: string }; op: string };
  unaryFilter?: { field: { fieldPath: string }; op: string };
  compositeFilter?: { op: string; filters: FilterProto[] };
}

interface StructuredQueryProto {
  from: Array<{ collectionId?: string; allDescendants?: boolean }>;
  where?: FilterProto;
  orderBy?: Array<{ field: { fieldPath: string }; direction?: Direction }>;
}

const EQUALITY_OPS = new Set(['EQUAL', 'IN', 'IS_NULL', 'IS_NAN']);
const ARRAY_OPS = new Set(['ARRAY_CONTAINS', 'ARRAY_CONTAINS_ANY']);
const NAME = '__name__';

/** The query as Firestore's wire format sees it (the client's own serialisation). */
export function structuredQuery(query: Query): StructuredQueryProto {
  const proto = (query as unknown as { toProto(): { structuredQuery: StructuredQueryProto } }).toProto();
  return proto.structuredQuery;
}

function flatten(filter: FilterProto | undefined, out: Array<{ field: string; op: string }> = []) {
  if (!filter) return out;
  if (filter.compositeFilter) {
    if (filter.compositeFilter.op !== 'AND') {
      throw new Error(`index check: ${filter.compositeFilter.op} filters are not supported by this engine`);
    }
    for (const f of filter.compositeFilter.filters) flatten(f, out);
  } else {
    const f = filter.fieldFilter ?? filter.unaryFilter;
    if (f) out.push({ field: f.field.fieldPath, op: f.op });
  }
  return out;
}

/** The index one query needs. */
export function indexNeed(sq: StructuredQueryProto): IndexNeed {
  const from = sq.from[0];
  const collectionGroup = from?.collectionId ?? '';
  const scope = from?.allDescendants ? 'COLLECTION_GROUP' : 'COLLECTION';
  const filters = flatten(sq.where);
  const orders: IndexField[] = (sq.orderBy ?? []).map((o) => ({
    fieldPath: o.field.fieldPath,
    order: o.direction ?? 'ASCENDING',
  }));
  // Inequality fields not ordered explicitly are ordered after the explicit orders, ascending, by name.
  const inequalities = [
    ...new Set(filters.filter((f) => !EQUALITY_OPS.has(f.op) && !ARRAY_OPS.has(f.op)).map((f) => f.field)),
  ].sort();
  for (const field of inequalities) {
    if (!orders.some((o) => o.fieldPath === field)) orders.push({ fieldPath: field, order: 'ASCENDING' });
  }
  // The trailing __name__ order is implied by every index in the last field's direction.
  const last = orders.at(-1);
  if (last?.fieldPath === NAME) {
    const before = orders.at(-2);
    if (!before ? last.order === 'ASCENDING' : before.order === last.order) orders.pop();
  }
  const ordered = new Set(orders.map((o) => o.fieldPath));
  const equalities: IndexField[] = [];
  for (const f of filters) {
    if (ordered.has(f.field) || equalities.some((e) => e.fieldPath === f.field)) continue;
    if (EQUALITY_OPS.has(f.op)) equalities.push({ fieldPath: f.field, order: 'ASCENDING' });
    else if (ARRAY_OPS.has(f.op)) equalities.push({ fieldPath: f.field, arrayConfig: 'CONTAINS' });
  }
  const fieldCount = equalities.length + orders.length;
  const needsComposite = orders.length > 0 && fieldCount >= 2;
  if (!needsComposite) {
    if (scope === 'COLLECTION' || fieldCount === 0) return { kind: 'none' };
    return { kind: 'fieldOverrides', collectionGroup, fields: [...equalities, ...orders] };
  }
  return {
    kind: 'composite',
    index: { collectionGroup, queryScope: scope, fields: [...equalities, ...orders] },
    equalities,
    orders,
  };
}

const sameField = (a: IndexField, b: IndexField, anyOrder: boolean) =>
  a.fieldPath === b.fieldPath &&
  (a.arrayConfig ?? null) === (b.arrayConfig ?? null) &&
  (anyOrder || a.arrayConfig !== undefined || (a.order ?? 'ASCENDING') === (b.order ?? 'ASCENDING'));

/** True when `index` serves the composite need: its equality fields first (any order), then the orders. */
function serves(index: CompositeIndex, need: Extract<IndexNeed, { kind: 'composite' }>): boolean {
  if (index.collectionGroup !== need.index.collectionGroup) return false;
  if ((index.queryScope ?? 'COLLECTION') !== need.index.queryScope) return false;
  let fields = index.fields;
  const lastOrder = need.orders.at(-1)?.order;
  const tail = fields.at(-1);
  if (tail?.fieldPath === NAME && tail.order === lastOrder) fields = fields.slice(0, -1);
  if (fields.length !== need.equalities.length + need.orders.length) return false;
  const head = fields.slice(0, need.equalities.length);
  const rest = fields.slice(need.equalities.length);
  return (
    need.equalities.every((e) => head.some((h) => sameField(h, e, true))) &&
    need.orders.every((o, i) => rest[i] !== undefined && sameField(rest[i], o, false))
  );
}

function overrideServes(file: IndexFile, collectionGroup: string, field: IndexField): boolean {
  return (file.fieldOverrides ?? []).some(
    (o) =>
      o.collectionGroup === collectionGroup &&
      o.fieldPath === field.fieldPath &&
      o.indexes.some(
        (i) =>
          i.queryScope === 'COLLECTION_GROUP' &&
          (field.arrayConfig ? i.arrayConfig === field.arrayConfig : i.order === field.order),
      ),
  );
}

/** The declared composite index serving a composite need, if any. */
export function servingIndex(need: IndexNeed, file: IndexFile): CompositeIndex | undefined {
  return need.kind === 'composite' ? file.indexes.find((index) => serves(index, need)) : undefined;
}

/** A description of the index the query lacks in `file`, or undefined when it has what it needs. */
export function missingIndex(query: Query, file: IndexFile): string | undefined {
  return missingFor(indexNeed(structuredQuery(query)), file);
}

/** `missingIndex` for a need already computed. */
export function missingFor(need: IndexNeed, file: IndexFile): string | undefined {
  if (need.kind === 'none') return undefined;
  if (need.kind === 'composite') {
    if (servingIndex(need, file)) return undefined;
    return `composite index ${JSON.stringify(need.index)}`;
  }
  const lacking = need.fields.filter((f) => !overrideServes(file, need.collectionGroup, f));
  if (lacking.length === 0) return undefined;
  return `collection-group field overrides on ${need.collectionGroup}: ${JSON.stringify(lacking)}`;
}
