/**
 * Every shape a secret can take on its way out: a server or a proxy that echoes the request form
 * quotes it form-encoded, a JSON body quotes it JSON-escaped, an HTML page entity-escaped, a
 * `Basic` header or a log pipeline base64-encoded. Redaction must recognise all of them.
 */

/** Base64 fragments shorter than this are not worth matching: they would hit ordinary text by chance. */
const MIN_FRAGMENT_LENGTH = 4;

/**
 * The encodings of `secret` to scrub, the raw one included, deduplicated. For base64 and base64url,
 * also the three alignments of the secret inside a larger encoded string (`user:password` in a
 * `Basic` header): the characters that depend on the secret's bytes alone.
 */
export function secretEncodings(secret: string): string[] {
  const variants = new Set<string>([secret]);
  // A lone surrogate (a cut emoji) cannot be URI-encoded; the other shapes still apply.
  const uri = wellFormed(secret) ? encodeURIComponent(secret) : secret;
  variants.add(uri);
  variants.add(lowerCaseEscapes(uri));
  // application/x-www-form-urlencoded as URLSearchParams writes it (`+` for a space, `*-._` bare)...
  const form = new URLSearchParams({ s: secret }).toString().slice(2);
  variants.add(form);
  variants.add(lowerCaseEscapes(form));
  // ...and as other serializers do (encodeURIComponent, then `+` for a space).
  variants.add(uri.replace(/%20/g, '+'));
  variants.add(JSON.stringify(secret).slice(1, -1));
  variants.add(jsonEscapedAll(secret));
  variants.add(htmlEscaped(secret));
  for (const fragment of base64Fragments(Buffer.from(secret, 'utf8'))) variants.add(fragment);
  return [...variants].filter((variant) => variant.length > 0);
}

function wellFormed(text: string): boolean {
  return !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text);
}

function lowerCaseEscapes(encoded: string): string {
  return encoded.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase());
}

/** JSON as some serializers write it: every non-ASCII and `/` escaped as `\uXXXX` / `\/`. */
function jsonEscapedAll(secret: string): string {
  return JSON.stringify(secret)
    .slice(1, -1)
    .replace(/\//g, '\\/')
    .replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function htmlEscaped(secret: string): string {
  return secret.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/**
 * Standalone base64 and base64url (padded and not), then, for a secret preceded by 1 or 2 other
 * bytes, the run of characters that encodes only the secret's bytes: the first and last groups mix
 * in unknown neighbours and are dropped.
 */
function base64Fragments(bytes: Buffer): string[] {
  const padded = bytes.toString('base64');
  const fragments = [padded, padded.replace(/=+$/, '')];
  for (const offset of [1, 2]) {
    const shifted = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    const fullGroups = Math.floor((offset + bytes.length) / 3);
    fragments.push(shifted.slice(4, fullGroups * 4));
  }
  // Offset 0 with a neighbour after it: only the full groups are certain.
  fragments.push(padded.slice(0, Math.floor(bytes.length / 3) * 4));
  const long = fragments.filter((fragment, index) => index < 2 || fragment.length >= MIN_FRAGMENT_LENGTH);
  return [...long, ...long.map((fragment) => fragment.replace(/\+/g, '-').replace(/\//g, '_'))];
}
