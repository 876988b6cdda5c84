// Security floors for the dependencies that face hostile input (docs/security.md
// #7, #43, #55): every copy of them that package-lock.json holds, nested
// ones included, must be at or above the first release that fixed each known
// advisory in its major line. `npm audit` cannot always reach an advisory
// service from CI, so the floors are kept here, with their reasons.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

interface Floor {
  /** The first fixed version in each major line we accept; other majors fail. */
  fixed: Record<number, string>;
  why: string;
}

const FLOORS: Record<string, Floor> = {
  ws: {
    fixed: { 8: '8.17.1' },
    why: 'CVE-2024-37890: a request with many headers crashes the server',
  },
  express: {
    fixed: { 5: '5.0.1' },
    why: 'CVE-2024-43796 (XSS through res.redirect, 5.0.0) and CVE-2024-47764 (cookie, 5.0.1)',
  },
  dompurify: {
    fixed: { 3: '3.3.2' },
    why: 'CVE-2024-45801 and CVE-2024-47875 (3.1.3), CVE-2025-26791 (3.2.4), CVE-2026-0540 (3.3.2)',
  },
  // The demo submission server's (smtp-server) address parser and SMTP code.
  nodemailer: {
    fixed: { 10: '10.0.0' },
    why: 'GHSA-9h6g-pr28-7cqp (addressparser ReDoS, 6.9.9) and GHSA-mm7p-fcc7-pg87 (7.0.7)',
  },
  'postal-mime': {
    fixed: { 2: '2.4.6', 3: '3.0.0', 4: '4.0.0' },
    why: 'unbounded nesting and header size (denial of service), limits since 2.4.6',
  },
};

/** The app's own ws must also have the fragment limit the bridge sets (maxFragments). */
const OWN_WS_FLOOR = '8.21.0';

interface LockFile {
  packages: Record<string, { version?: string }>;
}

/** Every copy of `name` in the lock: its path and version. */
function copies(lock: LockFile, name: string): { path: string; version: string }[] {
  return Object.entries(lock.packages)
    .filter(([path, entry]) => path.endsWith(`node_modules/${name}`) && entry.version)
    .map(([path, entry]) => ({ path, version: entry.version ?? '' }));
}

function compare(a: string, b: string): number {
  const [x, y] = [a, b].map((version) => version.split('-')[0]!.split('.').map(Number));
  for (let i = 0; i < 3; i++) {
    const difference = (x?.[i] ?? 0) - (y?.[i] ?? 0);
    if (difference !== 0) return Math.sign(difference);
  }
  return 0;
}

/** Each copy below its floor, as "path version < floor (why)". */
function violations(lock: LockFile): string[] {
  const found: string[] = [];
  for (const [name, floor] of Object.entries(FLOORS)) {
    for (const { path, version } of copies(lock, name)) {
      const major = Number(version.split('.')[0]);
      const fixed = floor.fixed[major];
      if (fixed === undefined || compare(version, fixed) < 0) {
        found.push(`${path} ${version} < ${fixed ?? 'a supported major'} (${floor.why})`);
      }
    }
  }
  return found;
}

const LOCK = JSON.parse(
  readFileSync(new URL('../../package-lock.json', import.meta.url), 'utf8'),
) as LockFile;

describe('dependency security floors', () => {
  it('every copy in package-lock.json is at or above its advisories’ fixes', () => {
    for (const name of Object.keys(FLOORS))
      expect(copies(LOCK, name).length, name).toBeGreaterThan(0);
    expect(violations(LOCK)).toEqual([]);
  });

  it(`the app's own ws is ≥ ${OWN_WS_FLOOR}, for the fragment limit the bridge sets`, () => {
    const own = copies(LOCK, 'ws').find((copy) => copy.path === 'node_modules/ws');
    expect(compare(own?.version ?? '0', OWN_WS_FLOOR)).toBeGreaterThanOrEqual(0);
  });

  it('fails a lock that holds an older copy anywhere, or an unknown major', () => {
    const lock: LockFile = {
      packages: {
        'node_modules/ws': { version: '8.23.0' },
        'node_modules/some-tool/node_modules/ws': { version: '8.17.0' },
        'node_modules/dompurify': { version: '3.3.1' },
        'node_modules/express': { version: '4.21.2' },
        'node_modules/postal-mime': { version: '2.4.5' },
      },
    };
    expect(violations(lock).map((line) => line.split(' (')[0])).toEqual([
      'node_modules/some-tool/node_modules/ws 8.17.0 < 8.17.1',
      'node_modules/express 4.21.2 < a supported major',
      'node_modules/dompurify 3.3.1 < 3.3.2',
      'node_modules/postal-mime 2.4.5 < 2.4.6',
    ]);
  });

  it('compares versions numerically', () => {
    expect(compare('8.21.0', '8.3.0')).toBe(1);
    expect(compare('3.3.1', '3.3.2')).toBe(-1);
    expect(compare('10.0.0-beta', '10.0.0')).toBe(0);
  });
});
