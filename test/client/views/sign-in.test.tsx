// The sign-in page: the accessible names the e2e tests use, autocomplete
// hints, a plain-words error, and the password kept out of every storage.

import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DATABASE_NAME } from '../../../client/cache/database.ts';
import { closeError } from '../../../client/connection.ts';
import { createI18n } from '../../../client/state/i18n.ts';
import { FakeMailbox, sampleMessages } from '../../support/app-fake-pop3.ts';
import {
  advance,
  buildApp,
  freshIndexedDb,
  until,
  useAppFakeTimers,
} from '../../support/app-stores.ts';
import { mountApp, settle, type Mounted } from './render.tsx';

const PASSWORD = 'hunter2-Very-Secret-pw';

function field(root: HTMLElement, label: string): HTMLInputElement {
  const found = [...root.querySelectorAll('label')].find(
    (element) => element.querySelector('span')?.textContent === label,
  );
  return found!.querySelector('input')!;
}

async function typeInto(input: HTMLInputElement, value: string): Promise<void> {
  await act(() => {
    input.value = value;
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

async function submit(root: HTMLElement): Promise<void> {
  await act(() => {
    root
      .querySelector('form')!
      .dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
  });
}

/** Every value in every object store of the fake IndexedDB, as JSON. */
async function dumpIndexedDb(): Promise<string> {
  const databases = await indexedDB.databases();
  const out: unknown[] = [];
  for (const { name } of databases) {
    if (!name) continue;
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(name);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(new Error(String(request.error)));
    });
    for (const store of db.objectStoreNames) {
      const all = await new Promise<unknown[]>((resolve) => {
        const request = db.transaction(store).objectStore(store).getAll();
        request.onsuccess = () => resolve(request.result as unknown[]);
      });
      out.push({ name, store, all });
    }
    db.close();
  }
  return JSON.stringify(out);
}

let mounted: Mounted | undefined;
beforeEach(() => {
  freshIndexedDb();
  localStorage.clear();
  sessionStorage.clear();
});
afterEach(() => {
  mounted?.unmount();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('sign-in page', () => {
  it('has Username, Password and Sign in, with autocomplete hints and demo credentials', () => {
    const { store } = buildApp(new FakeMailbox([]));
    mounted = mountApp(store);
    const username = field(mounted.root, 'Username');
    const password = field(mounted.root, 'Password');
    expect(username.getAttribute('autocomplete')).toBe('username');
    expect(password.getAttribute('autocomplete')).toBe('current-password');
    expect(password.type).toBe('password');
    expect(mounted.root.querySelector('form')?.getAttribute('method')).toBe('post');
    expect(mounted.root.querySelector('button[type="submit"]')?.textContent).toBe('Sign in');
    expect(mounted.root.textContent).toContain('username demo, password demo');
    // One server: no server choice shown.
    const selects = [...mounted.root.querySelectorAll('select')];
    expect(selects.filter((select) => !select.closest('.language-select'))).toEqual([]);
  });

  it('asks "Keep mail on this device", unticked until ticked once, then remembered', async () => {
    const first = buildApp(new FakeMailbox([]), { storage: localStorage });
    mounted = mountApp(first.store);
    const keep = field(mounted.root, 'Keep mail on this device');
    expect(keep.type).toBe('checkbox');
    expect(keep.checked).toBe(false);
    await act(() => {
      keep.click();
    });
    expect(first.store.keepMail.value).toBe(true);
    mounted.unmount();
    // A later visit on this device: the answer stands.
    const again = buildApp(new FakeMailbox([]), { storage: localStorage });
    mounted = mountApp(again.store);
    expect(field(mounted.root, 'Keep mail on this device').checked).toBe(true);
    expect(localStorage.getItem('pop3-webmail.keep-mail')).toBe('1');
  });

  it('says "Wrong username or password." in plain words', async () => {
    const { store } = buildApp(new FakeMailbox([]));
    mounted = mountApp(store);
    await typeInto(field(mounted.root, 'Username'), 'alice');
    await typeInto(field(mounted.root, 'Password'), 'wrong');
    await submit(mounted.root);
    await until(() => mounted!.root.querySelector('[role="alert"]') !== null, 'alert');
    expect(mounted.root.querySelector('[role="alert"]')?.textContent).toBe(
      'Wrong username or password.',
    );
  });

  it('focuses the username, and selects the refused password for retyping', async () => {
    const { store } = buildApp(new FakeMailbox([]));
    mounted = mountApp(store);
    await settle();
    const username = field(mounted.root, 'Username');
    const password = field(mounted.root, 'Password');
    expect(document.activeElement).toBe(username);
    await typeInto(username, 'alice');
    await typeInto(password, 'wrong');
    await submit(mounted.root);
    await until(() => mounted!.root.querySelector('[role="alert"]') !== null, 'alert');
    await settle();
    expect(document.activeElement).toBe(password);
    expect([password.selectionStart, password.selectionEnd]).toEqual([0, 5]);
  });

  it.each([
    [429, 'Too many attempts. Wait a few minutes, then try again.'],
    [503, 'The webmail service is busy. Try again in a minute.'],
    [200, 'Cannot reach the webmail service. Check your network connection.'],
  ])(
    'a refused upgrade: asks api/admission, which answers %i, and says why',
    async (status, text) => {
      const mailbox = new FakeMailbox([]);
      mailbox.failNext.push(closeError(1006, false));
      const fetch = vi.fn((url: URL) => {
        expect(url.pathname).toBe('/api/admission');
        return Promise.resolve(new Response('{}', { status, headers: { 'Retry-After': '300' } }));
      });
      vi.stubGlobal('fetch', fetch);
      try {
        const { store } = buildApp(mailbox);
        mounted = mountApp(store);
        await typeInto(field(mounted.root, 'Username'), 'alice');
        await typeInto(field(mounted.root, 'Password'), 'secret');
        await submit(mounted.root);
        await until(() => fetch.mock.calls.length > 0, 'asked');
        await until(
          () => mounted!.root.querySelector('[role="alert"]')?.textContent === text,
          text,
        );
      } finally {
        vi.unstubAllGlobals();
      }
    },
  );

  it('asks for APOP only when "Sign in with APOP" is ticked (docs/security.md #32)', async () => {
    const { store } = buildApp(new FakeMailbox([]));
    const signIn = vi.spyOn(store, 'signIn').mockResolvedValue(undefined);
    mounted = mountApp(store);
    const apop = field(mounted.root, 'Sign in with APOP (only if your mail provider asks for it)');
    expect(apop.closest('details')?.querySelector('summary')?.textContent).toBe('Advanced');
    expect(apop.checked).toBe(false);
    await typeInto(field(mounted.root, 'Username'), 'alice');
    await typeInto(field(mounted.root, 'Password'), 'secret');
    await submit(mounted.root);
    expect(signIn).toHaveBeenLastCalledWith('main', 'alice', 'secret', { preferApop: false });
    await act(() => {
      apop.checked = true;
      apop.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await typeInto(field(mounted.root, 'Password'), 'secret');
    await submit(mounted.root);
    expect(signIn).toHaveBeenLastCalledWith('main', 'alice', 'secret', { preferApop: true });
  });

  it('touching the form prepares the sign-in; past the username, for that account', async () => {
    const { store } = buildApp(new FakeMailbox([]));
    const prepare = vi.spyOn(store, 'prepareSignIn');
    mounted = mountApp(store);
    const focus = (input: HTMLInputElement) =>
      act(() => {
        input.dispatchEvent(new FocusEvent('focusin', { bubbles: true }));
      });
    await focus(field(mounted.root, 'Username'));
    expect(prepare).toHaveBeenLastCalledWith('main', undefined);
    await typeInto(field(mounted.root, 'Username'), ' alice ');
    await focus(field(mounted.root, 'Password'));
    expect(prepare).toHaveBeenLastCalledWith('main', 'alice');
  });

  it('switches to Simplified Chinese', async () => {
    const i18n = createI18n({ languages: ['en-US'], storage: localStorage });
    const { store } = buildApp(new FakeMailbox([]), { i18n });
    mounted = mountApp(store);
    await act(() => store.i18n.setLocale('zh'));
    expect(mounted.root.querySelector('button[type="submit"]')?.textContent).toBe('登录');
    expect(localStorage.getItem('pop3-webmail.locale')).toBe('zh');
  });
});

describe('the password lives only in memory', () => {
  it('is in no storage, cookie or URL after sign-in, loading, deleting and a reconnect', async () => {
    useAppFakeTimers();
    const mailbox = new FakeMailbox(sampleMessages(8), { password: PASSWORD });
    const { store } = buildApp(mailbox);
    mounted = mountApp(store);
    await typeInto(field(mounted.root, 'Username'), 'alice');
    await typeInto(field(mounted.root, 'Password'), PASSWORD);
    await submit(mounted.root);
    await until(() => store.mailbox.progress.value.loaded === 8, 'headers');
    store.deleteMessages(['u2']);
    mailbox.last.drop();
    await advance(8000);
    await until(() => !mailbox.uidls().includes('u2'), 'deletion');
    await settle();
    // The form is gone, and with it the field's value.
    expect(mounted.root.querySelector('input[type="password"]')).toBeNull();
    expect(mounted.root.innerHTML).not.toContain(PASSWORD);

    const dump = await dumpIndexedDb();
    expect(dump).toContain(DATABASE_NAME);
    expect(dump).toContain('u1'); // the cache is really there…
    expect(dump).not.toContain(PASSWORD); // …and holds no password
    const storages = [localStorage, sessionStorage].flatMap((storage) =>
      Object.keys(storage).map((name) => `${name}=${storage.getItem(name)}`),
    );
    expect(storages.join('\n')).not.toContain(PASSWORD);
    expect(document.cookie).not.toContain(PASSWORD);
    expect(window.location.href).not.toContain(PASSWORD);
  });
});
