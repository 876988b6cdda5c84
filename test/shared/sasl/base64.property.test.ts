// Property tests for base64 (Node only, as vitest.config.ts runs *.property.test.ts).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Pop3Error } from '../../../shared/pop3/errors.ts';
import { decodeBase64, encodeBase64 } from '../../../shared/pop3/sasl/index.ts';

describe('base64 properties', () => {
  it('decodeBase64(encodeBase64(bytes)) equals bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (data) => {
        expect(decodeBase64(encodeBase64(data))).toEqual(data);
      }),
    );
  });

  it('encodes as the platform btoa does', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (data) => {
        expect(encodeBase64(data)).toBe(btoa(String.fromCharCode(...data)));
      }),
    );
  });

  it('decodes any string to bytes that re-encode to it, or throws POP3_SASL_FAILED', () => {
    const alphabet = fc.constantFrom(...'ABZabz09+/=-_ \n\u00e9'.split(''));
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: alphabet })), (input) => {
        let decoded: Uint8Array;
        try {
          decoded = decodeBase64(input);
        } catch (error) {
          expect(error).toBeInstanceOf(Pop3Error);
          expect((error as Pop3Error).code).toBe('POP3_SASL_FAILED');
          return;
        }
        expect(encodeBase64(decoded)).toBe(input);
      }),
    );
  });
});
