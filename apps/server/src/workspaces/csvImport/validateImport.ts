import type { ImportRowProblem, ImportRowResult } from '@tsudoi/protocol';
import { type ImportRow, importEmail } from './parseImportCsv.js';

/** What the workspace looks like when the rows are checked (read in the same unit of work that applies). */
export interface ImportContext {
  /** Lower-cased emails of everyone with a membership (active or disabled). */
  members: ReadonlySet<string>;
  /** Lower-cased emails with a pending invitation. */
  invited: ReadonlySet<string>;
  /** Invitations this import may still add: the plan's member limit less active members and pending invitations. */
  seats: number;
}

const DISPLAY_NAME_MAX = 60;
const DEPARTMENT_MAX = 100;

/** Role cells, compared lower-cased (NFKC): English and Japanese. An empty cell means member. */
const ROLES: Record<string, 'admin' | 'member'> = {
  '': 'member',
  member: 'member',
  メンバー: 'member',
  一般: 'member',
  admin: 'admin',
  administrator: 'admin',
  管理者: 'admin',
};

/**
 * Checks every row (R15). Pure. Problems are stable codes; a row may have several. Duplicates are the
 * later rows with an address already seen in the file; the member limit marks the valid rows past the
 * last free seat, in file order, so the admin sees exactly which rows do not fit.
 */
export function validateImport(rows: readonly ImportRow[], ctx: ImportContext): ImportRowResult[] {
  const seen = new Set<string>();
  let seats = ctx.seats;
  return rows.map((r) => {
    const problems: ImportRowProblem[] = [];
    const email = importEmail(r.email);
    if (!email) problems.push('badEmail');
    if (r.displayName === '') problems.push('missingDisplayName');
    else if ([...r.displayName].length > DISPLAY_NAME_MAX) problems.push('displayNameTooLong');
    if ([...r.department].length > DEPARTMENT_MAX) problems.push('departmentTooLong');
    const role = ROLES[r.role.normalize('NFKC').toLowerCase()];
    if (!role) problems.push('unknownRole');
    if (email) {
      if (seen.has(email)) problems.push('duplicateInFile');
      seen.add(email);
      if (ctx.members.has(email)) problems.push('alreadyMember');
      else if (ctx.invited.has(email)) problems.push('alreadyInvited');
    }
    if (problems.length === 0) {
      if (seats > 0) seats--;
      else problems.push('overMemberLimit');
    }
    return {
      row: r.row,
      email: email ?? r.email,
      displayName: r.displayName,
      role: role ?? r.role,
      department: r.department,
      problems,
      status: problems.length === 0 ? 'ok' : 'invalid',
    };
  });
}
