// Security floors for the dependencies that face hostile input (SECURITY.md
// items 7, 43, 55): the installed versions, as resolved by npm, must be at or
// above the release that fixed the last known problem. `npm audit` cannot
// reach an advisory service from this CI, so the floors are kept here.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const FLOORS: Record<string, { version: string; why: string }> = {
  ws: { version: '8.21.0', why: 'fragment and chunk limits (SECURITY.md 7)' },
  dompurify: { version: '3.3.2', why: 'CVE-2026-0540 (SECURITY.md 43)' },
  express: { version: '5.0.0', why: 'the supported major (SECURITY.md 55)' },
  'postal-mime': { version: '2.4.3', why: 'nesting and header-size limits (SECURITY.md 41)' },
};

function installed(name: string): string {
  // The top-level copy is the one the app imports (some packages do not
  // export their package.json).
  const manifest = new URL(`../../node_modules/${name}/package.json`, import.meta.url);
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

function compare(a: string, b: string): number {
  const [x, y] = [a, b].map((version) => version.split('-')[0]!.split('.').map(Number));
  for (let i = 0; i < 3; i++) {
    const difference = (x?.[i] ?? 0) - (y?.[i] ?? 0);
    if (difference !== 0) return Math.sign(difference);
  }
  return 0;
}

describe('dependency security floors', () => {
  for (const [name, floor] of Object.entries(FLOORS)) {
    it(`${name} ≥ ${floor.version}: ${floor.why}`, () => {
      expect(compare(installed(name), floor.version)).toBeGreaterThanOrEqual(0);
    });
  }

  it('compares versions numerically', () => {
    expect(compare('8.21.0', '8.3.0')).toBe(1);
    expect(compare('3.3.1', '3.3.2')).toBe(-1);
    expect(compare('10.0.0-beta', '10.0.0')).toBe(0);
  });
});
