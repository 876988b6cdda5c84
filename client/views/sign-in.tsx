// The sign-in page: server (hidden when there is one), username and password.
// The password stays in this component's state and the session store's memory only.

import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { baseUrl, fetchAdmission, type Admission, type GatewayConfig } from '../api.ts';
import { connectionCause, errorMessageKey } from '../state/errors.ts';
import type { MessageKey } from '../state/i18n.ts';
import { useStore } from '../store-context.ts';
import { LanguageSelect } from './language-select.tsx';

export interface SignInProps {
  config: GatewayConfig | undefined;
  isConfigFailed: boolean;
}

/** The sign-in form; errors come from the session store's typed error. */
export function SignIn({ config, isConfigFailed }: SignInProps): JSX.Element {
  const store = useStore();
  const { i18n, sessions } = store;
  const t = i18n.t;
  const [server, setServer] = useState('');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [isBusy, setBusy] = useState(false);
  const [isApopPreferred, setApopPreferred] = useState(false);
  const servers = config?.servers ?? [];
  const chosen = servers.some((entry) => entry.id === server) ? server : servers[0]?.id;
  const error = sessions.error.value;
  const admission = useAdmission(error);
  const usernameRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);

  // Type at once: into the username, or the password when the username is
  // already there (a password manager or the browser filled it in).
  useEffect(() => {
    const known = usernameRef.current?.value ?? '';
    if (known) setUsername(known);
    (known ? passwordRef : usernameRef).current?.focus();
  }, []);

  // Touching the form (focus, a press, typing) says a sign-in is coming: past
  // the username (at the password or the button), for that account.
  const prepare = (event: Event): void => {
    if (!chosen) return;
    const { target } = event;
    const isPastUsername =
      target instanceof HTMLButtonElement ||
      (target instanceof HTMLInputElement && target.type === 'password');
    store.prepareSignIn(chosen, isPastUsername ? username.trim() : undefined);
  };

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (!chosen || isBusy) return;
    setBusy(true);
    try {
      await store.signIn(chosen, username.trim(), password, { preferApop: isApopPreferred });
      setPassword('');
    } catch {
      // Shown from sessions.error below. A refused password is selected, so
      // typing the right one replaces it.
      if (errorMessageKey(sessions.error.value) === 'error.wrongPassword') {
        passwordRef.current?.focus();
        passwordRef.current?.select();
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="sign-in">
      <div class="sign-in-card">
        <h1>{t('signIn.title')}</h1>
        {/* method=post: should the script fail, the password never lands in a URL. */}
        <form
          method="post"
          onSubmit={(event) => void submit(event)}
          onFocusInCapture={prepare}
          onPointerDownCapture={prepare}
          onInputCapture={prepare}
        >
          {servers.length > 1 && (
            <label>
              <span>{t('signIn.server')}</span>
              <select value={chosen} onChange={(e) => setServer(e.currentTarget.value)}>
                {servers.map((entry) => (
                  <option key={entry.id} value={entry.id}>
                    {entry.label}
                  </option>
                ))}
              </select>
            </label>
          )}
          <label>
            <span>{t('signIn.username')}</span>
            <input
              ref={usernameRef}
              id="username"
              name="username"
              autocomplete="username"
              autocapitalize="none"
              spellcheck={false}
              required
              value={username}
              onInput={(e) => setUsername(e.currentTarget.value)}
            />
          </label>
          <label>
            <span>{t('signIn.password')}</span>
            <input
              ref={passwordRef}
              id="password"
              name="password"
              type="password"
              autocomplete="current-password"
              required
              value={password}
              onInput={(e) => setPassword(e.currentTarget.value)}
            />
          </label>
          <label class="check">
            <input
              type="checkbox"
              name="keep-mail"
              checked={store.keepMail.value}
              onChange={(e) => (store.keepMail.value = e.currentTarget.checked)}
            />
            <span>{t('keepMail.label')}</span>
          </label>
          {/* docs/security.md #32: APOP (MD5) only when the user asks for it. */}
          <details class="advanced">
            <summary>{t('signIn.advanced')}</summary>
            <label class="check">
              <input
                type="checkbox"
                checked={isApopPreferred}
                onChange={(e) => setApopPreferred(e.currentTarget.checked)}
              />
              <span>{t('signIn.preferApop')}</span>
            </label>
          </details>
          {error !== undefined && (
            <p class="error" role="alert">
              {t(refusalMessageKey(admission) ?? errorMessageKey(error))}
            </p>
          )}
          {isConfigFailed && (
            <p class="error" role="alert">
              {t('signIn.configFailed')}
            </p>
          )}
          {config && servers.length === 0 && <p class="error">{t('signIn.noServers')}</p>}
          <button type="submit" class="primary" disabled={isBusy || !chosen}>
            {t('signIn.submit')}
          </button>
          {isBusy && <p aria-live="polite">{t('signIn.working')}</p>}
        </form>
        {config?.demo && (
          <p class="demo-hint">
            {t('signIn.demo', { username: config.demo.username, password: config.demo.password })}
          </p>
        )}
        <p class="note">{t('signIn.passwordNote')}</p>
        <LanguageSelect />
      </div>
    </main>
  );
}

/**
 * When the gateway seemed unreachable, ask it whether it refused this
 * address instead (a ban after failed logins, a rate limit): browsers hide
 * the status of a refused upgrade.
 */
function useAdmission(error: unknown): Admission | undefined {
  const [admission, setAdmission] = useState<Admission | undefined>(undefined);
  useEffect(() => {
    setAdmission(undefined);
    if (connectionCause(error)?.code !== 'CONNECTION_UNREACHABLE') return;
    let isCurrent = true;
    void fetchAdmission(baseUrl(window.location.href)).then((answer) => {
      if (isCurrent) setAdmission(answer);
    });
    return () => {
      isCurrent = false;
    };
  }, [error]);
  return admission;
}

function refusalMessageKey(admission: Admission | undefined): MessageKey | undefined {
  if (!admission || admission.ok) return undefined;
  return admission.status === 429 ? 'error.rateLimited' : 'error.gatewayBusy';
}
