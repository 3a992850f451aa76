import { createPrivateKey, type KeyObject } from 'node:crypto';
import type { Environment } from '../environment.js';
import type { Checklist } from './checklist.js';

/** The 2FA key: present with its subject, readable, a private RSA key of at least 2048 bits. Never printed. */
export function checkAssertionKey(env: Environment, list: Checklist): void {
  const pem = env['APIAX_ASSERTION_KEY']?.trim() ?? '';
  const subject = env['APIAX_ASSERTION_SUBJECT']?.trim() ?? '';
  if (pem === '' && subject === '') {
    list.line('·', '2FA', 'not configured: logins use the password alone');
    return;
  }
  if (subject === '')
    list.line('✗', '2FA subject', 'APIAX_ASSERTION_KEY is set but APIAX_ASSERTION_SUBJECT is not (Apiax support gives you the subject)');
  else list.line('✓', '2FA subject', 'set');
  if (pem === '') {
    list.line('✗', '2FA key', 'APIAX_ASSERTION_SUBJECT is set but APIAX_ASSERTION_KEY is not');
    return;
  }
  if (!pem.includes('-----BEGIN')) {
    list.line('✗', '2FA key', 'APIAX_ASSERTION_KEY must hold the PEM text itself (-----BEGIN PRIVATE KEY-----…), not a path');
    return;
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem.replace(/\\n/g, '\n'), format: 'pem' });
  } catch {
    list.line('✗', '2FA key', 'APIAX_ASSERTION_KEY is not a readable private key (PKCS#8 or PKCS#1 PEM, unencrypted)');
    return;
  }
  if (key.asymmetricKeyType !== 'rsa') {
    list.line('✗', '2FA key', `is an ${key.asymmetricKeyType ?? 'unknown'} key; Apiax expects RS256, an RSA key`);
    return;
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < 2048) list.line('✗', '2FA key', `RSA ${bits} bits is too short: RS256 needs at least 2048 (generate a new key pair)`);
  else list.line('✓', '2FA key', `readable private RSA key, ${bits} bits`);
}
