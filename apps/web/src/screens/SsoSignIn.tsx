import type { ErrorCode } from '@tsudoi/protocol';
import { useId, useState } from 'react';
import { ApiError } from '../api/http';
import { errorText } from '../i18n/errorText';
import { useT } from '../i18n/useT';
import { useRoute } from '../routing/router';
import { FormError } from './useAction';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** Pure: the workspace id in a pasted workspace URL (`…/w/<id>…`) or a bare id. */
export function workspaceIdOf(text: string): string | undefined {
  return text.trim().match(UUID)?.[0]?.toLowerCase();
}

/**
 * "Sign in with your company" (R11): the browser goes to the workspace's SP-initiated login, which sends
 * it to the IdP and back to the workspace. A refused response comes back here as `?sso_error=<code>`.
 */
export function SsoSignIn() {
  const t = useT();
  const id = useId();
  const { search } = useRoute();
  const [workspace, setWorkspace] = useState('');
  const [invalid, setInvalid] = useState(false);
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
          const wsId = workspaceIdOf(workspace);
          setInvalid(!wsId);
          if (wsId) window.location.assign(`/api/sso/${wsId}/login`);
        }}
      >
        <label htmlFor={id}>{t('sso.company.workspace')}</label>
        <input
          id={id}
          name="workspace"
          autoComplete="off"
          value={workspace}
          onChange={(e) => setWorkspace(e.target.value)}
        />
        <FormError message={invalid ? t('sso.company.invalid') : returnedText} />
        <button type="submit" className="secondary">
          {t('sso.company.submit')}
        </button>
      </form>
    </div>
  );
}
