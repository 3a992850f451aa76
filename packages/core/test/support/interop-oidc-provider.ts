import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import { Provider, errors, type TokenEndpointGrantContext } from 'oidc-provider';

/**
 * panva's oidc-provider (a certified OpenID provider nobody here wrote) on loopback, made to look like the
 * Apiax realm where it matters: a public client `integration-api` with a password grant (registered through
 * `registerGrantType`, since the provider dropped ROPC) and refresh tokens, rotated when `rotateRefreshTokens`.
 * With rotation, reusing a refresh token revokes the whole grant, as Keycloak's "Revoke Refresh Token" ends
 * the session.
 */
export interface OidcProviderOptions {
  users?: { username: string; password: string }[];
  rotateRefreshTokens?: boolean;
  accessTokenLifetimeSeconds?: number;
}

export interface OidcProviderStats {
  password: number;
  refresh: number;
  /** Token requests the provider refused (any grant). */
  failedGrants: number;
  /** Why the provider refused each request (its `error_detail`), in order. */
  failures: string[];
  /** Grants the provider revoked (a rotated refresh token was reused). */
  revokedGrants: number;
}

export interface RunningOidcProvider {
  readonly provider: Provider;
  /** `http://127.0.0.1:<port>` */
  readonly issuer: string;
  readonly tokenEndpoint: string;
  readonly clientId: string;
  readonly stats: OidcProviderStats;
  /** Whether an access token is one the provider issued and still honours, grant included (what a resource server checks). */
  isActive(accessToken: string): Promise<boolean>;
  /** Ends every grant (Keycloak's "sessions ended"): their access and refresh tokens stop working. */
  endAllGrants(): Promise<void>;
  close(): Promise<void>;
}

export const OIDC_CLIENT_ID = 'integration-api';

export async function startOidcProvider(options: OidcProviderOptions = {}): Promise<RunningOidcProvider> {
  const users = options.users ?? [{ username: 'demo', password: 'demo' }];
  const grantIds = new Set<string>();
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const provider = new Provider(issuer, {
    jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: 'interop', use: 'sig', alg: 'RS256' }] },
    clients: [
      {
        client_id: OIDC_CLIENT_ID,
        token_endpoint_auth_method: 'none',
        grant_types: ['password', 'refresh_token'],
        response_types: [],
        redirect_uris: [],
      },
    ],
    findAccount: (_ctx, sub) => (users.some((user) => user.username === sub) ? { accountId: sub, claims: () => ({ sub }) } : undefined),
    rotateRefreshToken: options.rotateRefreshTokens ?? false,
    ttl: {
      AccessToken: options.accessTokenLifetimeSeconds ?? 1800,
      IdToken: 3600,
      RefreshToken: 14 * 24 * 3600,
      Grant: 14 * 24 * 3600,
    },
    features: { devInteractions: { enabled: false } },
    cookies: { keys: ['interop-test-cookie-key'] },
  });

  provider.registerGrantType(
    'password',
    async (ctx: TokenEndpointGrantContext<{ username?: string; password?: string }>) => {
      const { username, password } = ctx.oidc.params;
      const user = users.find((candidate) => candidate.username === username && candidate.password === password);
      if (user === undefined) throw new errors.InvalidGrant('invalid user credentials');
      const { client } = ctx.oidc;

      const grant = new provider.Grant({ clientId: client.clientId, accountId: user.username });
      grant.addOIDCScope('openid offline_access');
      const grantId = await grant.save();
      grantIds.add(grantId);

      const accessToken = new provider.AccessToken({ client, accountId: user.username, grantId, gty: 'password', scope: 'openid' });
      const refreshToken = new provider.RefreshToken({
        client,
        accountId: user.username,
        grantId,
        gty: 'password',
        scope: 'openid offline_access',
        rotations: 0,
      });
      ctx.body = {
        access_token: await accessToken.save(),
        expires_in: accessToken.expiration,
        refresh_token: await refreshToken.save(),
        token_type: 'Bearer',
        scope: 'openid offline_access',
      };
    },
    ['username', 'password', 'scope'],
  );

  const stats: OidcProviderStats = { password: 0, refresh: 0, failedGrants: 0, failures: [], revokedGrants: 0 };
  provider.on('grant.success', (ctx) => {
    if (ctx.oidc.params?.grant_type === 'password') stats.password += 1;
    if (ctx.oidc.params?.grant_type === 'refresh_token') stats.refresh += 1;
  });
  provider.on('grant.error', (_ctx, error) => {
    stats.failedGrants += 1;
    stats.failures.push(String(error.error_detail ?? error.error_description));
  });
  provider.on('grant.revoked', () => {
    stats.revokedGrants += 1;
  });
  // The provider reports every refused request on the console otherwise; the stats above keep them.
  provider.on('server_error', () => undefined);

  server.on('request', provider.callback());

  return {
    provider,
    issuer,
    tokenEndpoint: `${issuer}/token`,
    clientId: OIDC_CLIENT_ID,
    stats,
    async isActive(token) {
      const found = await provider.AccessToken.find(token);
      return found !== undefined && !found.isExpired && (await provider.Grant.find(found.grantId)) !== undefined;
    },
    async endAllGrants() {
      for (const grantId of grantIds) await (await provider.Grant.find(grantId))?.destroy();
      grantIds.clear();
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
