import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseEncryptionKeys } from '../src/encryption-keys.js';
import { decodeRecord, encodeRecord } from '../src/record-codec.js';
import type { TokenRecord } from '../src/index.js';
import { ACCOUNT, CANARY, randomKey, sampleRecord } from './support/fixtures.js';

const recordArbitrary: fc.Arbitrary<TokenRecord> = fc.record(
  {
    accessToken: fc.string({ minLength: 1 }),
    accessTokenExpiresAt: fc.integer({ min: 0, max: 2 ** 45 }),
    refreshToken: fc.option(fc.string({ minLength: 1 }), { nil: null }),
    refreshTokenExpiresAt: fc.option(fc.integer({ min: 0, max: 2 ** 45 }), { nil: null }),
    obtainedAt: fc.integer({ min: 0, max: 2 ** 45 }),
    sessionStartedAt: fc.integer({ min: 0, max: 2 ** 45 }),
    scope: fc.string(),
  },
  { requiredKeys: ['accessToken', 'accessTokenExpiresAt', 'refreshToken', 'refreshTokenExpiresAt', 'obtainedAt', 'sessionStartedAt'] },
);

describe('record codec', () => {
  it('round-trips any record, plain and encrypted', () => {
    const keys = parseEncryptionKeys([randomKey(), randomKey()]);
    fc.assert(
      fc.property(recordArbitrary, fc.string(), (record, account) => {
        expect(decodeRecord(encodeRecord(record, account, []), account, [])).toEqual({ record });
        expect(decodeRecord(encodeRecord(record, account, keys), account, keys)).toEqual({ record });
      }),
    );
  });

  it('leaves no trace of the tokens in an encrypted value, and a fresh IV each time', () => {
    const keys = parseEncryptionKeys(randomKey());
    const first = encodeRecord(sampleRecord(), ACCOUNT, keys);
    const second = encodeRecord(sampleRecord(), ACCOUNT, keys);
    expect(first).not.toBe(second);
    for (const value of [first, second]) {
      expect(value).toMatch(/^v1\.gcm\.[0-9a-f]{8}\./);
      for (const secret of [CANARY.accessToken, CANARY.refreshToken, 'canary', Buffer.from(CANARY.refreshToken).toString('base64')]) {
        expect(value).not.toContain(secret);
      }
    }
  });

  it('rotates keys: writes with the first key, reads with any', () => {
    const [oldKey, newKey] = [randomKey(), randomKey()];
    const before = parseEncryptionKeys(oldKey);
    const during = parseEncryptionKeys([newKey, oldKey]);
    const after = parseEncryptionKeys(newKey);
    const oldValue = encodeRecord(sampleRecord(), ACCOUNT, before);
    const newValue = encodeRecord(sampleRecord(), ACCOUNT, during);
    expect(newValue.split('.')[2]).toBe(after[0]?.id);
    expect(decodeRecord(oldValue, ACCOUNT, during)).toEqual({ record: sampleRecord() });
    expect(decodeRecord(newValue, ACCOUNT, after)).toEqual({ record: sampleRecord() });
    expect(decodeRecord(oldValue, ACCOUNT, after)).toEqual({ problem: 'encrypted with a key that is not in encryptionKey' });
  });

  it('refuses tampered values, values moved to another account, and a mismatch of plain and encrypted', () => {
    const keys = parseEncryptionKeys(randomKey());
    const value = encodeRecord(sampleRecord(), ACCOUNT, keys);
    const parts = value.split('.');
    const ciphertext = Buffer.from(parts[5] ?? '', 'base64url');
    ciphertext[0] = (ciphertext[0] ?? 0) ^ 1;
    const tampered = [...parts.slice(0, 5), ciphertext.toString('base64url')].join('.');
    const broken = 'does not decrypt with its key (tampered or wrong key)';
    expect(decodeRecord(tampered, ACCOUNT, keys)).toEqual({ problem: broken });
    expect(decodeRecord(value, `${ACCOUNT}-other`, keys)).toEqual({ problem: broken });
    expect(decodeRecord(encodeRecord(sampleRecord(), ACCOUNT, []), ACCOUNT, keys)).toEqual({
      problem: 'not encrypted, but an encryptionKey is configured',
    });
    expect(decodeRecord(value, ACCOUNT, [])).toEqual({ problem: 'encrypted, but no encryptionKey is configured' });
    expect(decodeRecord('{"accessToken":"x"}', ACCOUNT, [])).toEqual({ problem: 'unknown format' });
    expect(decodeRecord('v1.plain.{"accessToken":"x"}', ACCOUNT, [])).toEqual({ problem: 'not a token record' });
    expect(decodeRecord('v1.gcm.abc', ACCOUNT, keys)).toEqual({ problem: 'unknown format' });
  });

  it('refuses a value whose auth tag was cut short, though what is left of it matches', () => {
    // Node checks a 4-byte tag as gladly as a 16-byte one unless told the length: 2^32 tries would forge it.
    const keys = parseEncryptionKeys(randomKey());
    const parts = encodeRecord(sampleRecord(), ACCOUNT, keys).split('.');
    const tag = Buffer.from(parts[4] ?? '', 'base64url');
    for (const length of [4, 8, 12, 15]) {
      const truncated = [...parts.slice(0, 4), tag.subarray(0, length).toString('base64url'), parts[5]].join('.');
      expect(decodeRecord(truncated, ACCOUNT, keys)).toEqual({ problem: 'does not decrypt with its key (tampered or wrong key)' });
    }
    const shortIv = [...parts.slice(0, 3), Buffer.alloc(8).toString('base64url'), ...parts.slice(4)].join('.');
    expect(decodeRecord(shortIv, ACCOUNT, keys)).toEqual({ problem: 'does not decrypt with its key (tampered or wrong key)' });
  });

  it('tries every configured key whose id matches: ids are short and may collide', () => {
    const [first, second] = parseEncryptionKeys([randomKey(), randomKey()]);
    const colliding = [
      { ...first!, id: 'deadbeef' },
      { ...second!, id: 'deadbeef' },
    ];
    const value = encodeRecord(sampleRecord(), ACCOUNT, [colliding[1]!]);
    expect(decodeRecord(value, ACCOUNT, colliding)).toEqual({ record: sampleRecord() });
  });
});
