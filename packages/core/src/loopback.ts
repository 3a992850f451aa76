/**
 * Loopback hosts, where plain http is acceptable (local fakes, sidecars): `localhost`, 127.0.0.0/8,
 * `::1`. Not `*.localhost`: nothing guarantees such a name resolves to loopback (only some resolvers
 * do it), and plain http to a host elsewhere would send the password in clear.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host === '::1') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
