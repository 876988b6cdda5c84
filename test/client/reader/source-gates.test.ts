// @vitest-environment node
// Code gates for the reader (docs/security.md #44, #52): no string surgery on sanitized
// HTML, no innerHTML or dangerouslySetInnerHTML, one serialization point.
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const DIR = fileURLToPath(new URL('../../../client/reader/', import.meta.url));
const sources = readdirSync(DIR)
  .filter((name) => /\.tsx?$/.test(name))
  .map((name) => ({ name, code: readFileSync(DIR + name, 'utf8') }));

describe('reader source gates', () => {
  it('never edits HTML strings after sanitizing (CVE-2024-42009)', () => {
    for (const file of [
      'sanitize-html.ts',
      'frame-document.ts',
      'message-frame.tsx',
      'message-content.tsx',
    ]) {
      const code = sources.find((s) => s.name === file)?.code ?? '';
      expect(code, file).not.toMatch(/\.replace(All)?\(/);
    }
  });

  it('never uses innerHTML, outerHTML assignment or dangerouslySetInnerHTML', () => {
    for (const { name, code } of sources) {
      expect(code, name).not.toMatch(
        /dangerouslySetInnerHTML|\.innerHTML\b|insertAdjacentHTML|document\.write/,
      );
      expect(code, name).not.toMatch(/\.outerHTML\s*=/);
    }
  });

  it('serializes HTML in exactly one place', () => {
    const serializers = sources.filter(({ code }) => /\.outerHTML\b/.test(code)).map((s) => s.name);
    expect(serializers).toEqual(['frame-document.ts']);
  });
});
