import type { ErrorCode, SsoDiscoverView } from '@tsudoi/protocol';
import { useId, useState } from 'react';
import { ApiError, api } from '../api/http';
import { errorText } from '../i18n/errorText';
import { useT } from '../i18n/useT';
import { useRoute } from '../routing/router';
import { FormError } from './useAction';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** Pure: the workspace id in a pasted workspace URL (`…/w/<id>…`) or a bare id. */
export function workspaceIdOf(text: string): string | undefined {
  return text.trim().match(UUID)?.[0]?.toLowerCase();
}

/** Pure: a company email address (something@domain) rather than a workspace URL or id. */
export function looksLikeEmail(text: string): boolean {
  return /^[^\s@/]+@[^\s@/]+\.[^\s@/]+$/.test(text.trim());
}

/**
 * "Sign in with your company" (R11): from a company email address (its domain names the workspace, see
 * `GET /api/sso/discover`) or a workspace URL, the browser goes to the workspace's SP-initiated login,
 * which sends it to the IdP and back to the workspace. A refused response comes back as `?sso_error=<code>`.
 */
export function SsoSignIn() {
  const t = useT();
  const id = useId();
  const { search } = useRoute();
  const [workspace, setWorkspace] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const returned = new URLSearchParams(search).get('sso_error');
  const returnedText = returned
    ? errorText(t, new ApiError({ code: returned as ErrorCode, message: '' }))
    : undefined;
  return (
    <div data-testid="sso-signin">
      <h3 id={`${id}-title`}>{t('sso.company.title')}</h3>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void (async () => {
            setProblem(undefined);
            let wsId = workspaceIdOf(workspace);
            if (!wsId && looksLikeEmail(workspace)) {
              setBusy(true);
              try {
                const found = await api<SsoDiscoverView>(
                  'GET',
                  `/api/sso/discover?email=${encodeURIComponent(workspace.trim())}`,
                );
                if (!found.workspaceId) return setProblem(t('sso.company.unknown'));
                wsId = found.workspaceId;
              } catch (err) {
                return setProblem(errorText(t, err));
              } finally {
                setBusy(false);
              }
            }
            if (!wsId) return setProblem(t('sso.company.invalid'));
            window.location.assign(`/api/sso/${wsId}/login`);
          })();
        }}
      >
        <label htmlFor={id}>{t('sso.company.workspace')}</label>
        <input
          id={id}
          name="workspace"
          autoComplete="off"
          inputMode="email"
          value={workspace}
          onChange={(e) => setWorkspace(e.target.value)}
        />
        <FormError message={problem ?? returnedText} />
        <button type="submit" className="secondary" disabled={busy}>
          {t('sso.company.submit')}
        </button>
      </form>
    </div>
  );
}
