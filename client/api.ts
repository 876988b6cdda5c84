// `GET BASE/api/config`: the servers the gateway offers (by id, never a host)
// and the demo credentials when it runs its embedded demo. Validated here.

import { SERVER_ID } from '../shared/bridge/codec.ts';

export interface ServerChoice {
  id: string;
  label: string;
}

export interface GatewayConfig {
  servers: ServerChoice[];
  demo?: { username: string; password: string };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Check the JSON shape; anything odd is dropped rather than shown. */
export function parseConfig(value: unknown): GatewayConfig {
  if (!isRecord(value) || !Array.isArray(value.servers)) throw new TypeError('bad api/config');
  const servers = value.servers.flatMap((entry: unknown): ServerChoice[] => {
    if (!isRecord(entry) || typeof entry.id !== 'string' || !SERVER_ID.test(entry.id)) return [];
    const label = typeof entry.label === 'string' ? entry.label.slice(0, 100) : entry.id;
    return [{ id: entry.id, label }];
  });
  const demo = value.demo;
  if (isRecord(demo) && typeof demo.username === 'string' && typeof demo.password === 'string') {
    return { servers, demo: { username: demo.username, password: demo.password } };
  }
  return { servers };
}

/** The page's directory: the app works at / and under any base path. */
export function baseUrl(pageUrl: string): string {
  return new URL('.', pageUrl).href;
}

/** Fetch and validate the gateway's configuration. */
export async function fetchConfig(
  base: string,
  fetchImpl: typeof fetch = fetch,
): Promise<GatewayConfig> {
  const response = await fetchImpl(new URL('api/config', base), {
    credentials: 'same-origin',
    cache: 'no-store',
  });
  if (!response.ok) throw new TypeError(`api/config answered ${response.status}`);
  return parseConfig(await response.json());
}

/** Whether the gateway would take a session from this browser's address now. */
export type Admission = { ok: true } | { ok: false; status: number; retryAfterS: number };

/**
 * `GET BASE/api/admission`. A refused WebSocket upgrade (a ban after failed
 * logins, a rate limit) looks to the page just like a dead gateway; this
 * tells the two apart. Undefined when the gateway cannot be asked either.
 */
export async function fetchAdmission(
  base: string,
  fetchImpl: typeof fetch | undefined = globalThis.fetch,
): Promise<Admission | undefined> {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- globalThis.fetch is missing in older browsers and embedded webviews
  if (!fetchImpl) return undefined;
  try {
    const response = await fetchImpl(new URL('api/admission', base), {
      credentials: 'same-origin',
      cache: 'no-store',
    });
    if (response.ok) return { ok: true };
    if (response.status !== 429 && response.status !== 503) return undefined;
    const retryAfterS = Number(response.headers.get('Retry-After'));
    return {
      ok: false,
      status: response.status,
      retryAfterS: Number.isFinite(retryAfterS) && retryAfterS > 0 ? retryAfterS : 60,
    };
  } catch {
    return undefined;
  }
}
