import { MAX_PASSWORD_LENGTH, type PasswordRules } from '../workspaces/security.js';

/** Why a new password is refused; the UI shows each in the user's language. */
export type PasswordProblem =
  | 'tooShort'
  | 'tooLong'
  | 'needsUpper'
  | 'needsLower'
  | 'needsDigit'
  | 'needsSymbol';

/** Pure check of a candidate password against the rules (history is checked separately: it needs hashes). */
export function passwordProblems(password: string, rules: PasswordRules): PasswordProblem[] {
  const problems: PasswordProblem[] = [];
  const length = [...password].length; // code points, so 日本語 passwords count as typed
  if (length < rules.minLength) problems.push('tooShort');
  if (length > MAX_PASSWORD_LENGTH) problems.push('tooLong');
  if (rules.requireUpper && !/\p{Lu}/u.test(password)) problems.push('needsUpper');
  if (rules.requireLower && !/\p{Ll}/u.test(password)) problems.push('needsLower');
  if (rules.requireDigit && !/\p{Nd}/u.test(password)) problems.push('needsDigit');
  if (rules.requireSymbol && !/[^\p{L}\p{Nd}\s]/u.test(password)) problems.push('needsSymbol');
  return problems;
}

/** True when the password is older than the rules allow. */
export function passwordExpired(changedAt: string | null, rules: PasswordRules, now: Date): boolean {
  if (rules.expiryDays === null || changedAt === null) return false;
  return now.getTime() - Date.parse(changedAt) >= rules.expiryDays * 86_400_000;
}
