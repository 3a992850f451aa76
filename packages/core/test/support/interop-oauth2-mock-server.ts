import { randomUUID } from 'node:crypto';
import { OAuth2Server, type MutableResponse, type TokenRequestIncomingMessage } from 'oauth2-mock-server';
import { createLocalJWKSet, jwtVerify } from 'jose';

/**
 * oauth2-mock-server (a third-party OAuth 2 server nobody here wrote) on loopback. It speaks the password and
 * refresh grants out of the box but checks nothing: its `beforeResponse` hook adds what the Apiax realm does
 * (a wrong password is `invalid_grant`, only refresh tokens it issued are accepted), and `beforeTokenSigning`
 * gives each access token a `jti`, as Keycloak's have, so that two tokens are never equal strings.
 * It sends no `refresh_expires_in`: the client must cope with a server that does not say.
 */
export interface OAuth2MockServerOptions {
  users?: { username: string; password: string }[];
}

export interface OAuth2MockStats {
  password: number;
  refresh: number;
  failedGrants: number;
}

export interface RunningOAuth2MockServer {
  readonly server: OAuth2Server;
  /** `http://127.0.0.1:<port>` */
  readonly issuer: string;
  readonly tokenEndpoint: string;
  readonly stats: OAuth2MockStats;
  /** Refresh tokens it issued; `clear()` it to end every session. */
  readonly issuedRefreshTokens: Set<string>;
  /** Whether an access token has the server's signature, issuer and an unexpired `exp` (what a resource server checks). */
  verify(accessToken: string): Promise<boolean>;
  close(): Promise<void>;
}

/** The lifetime oauth2-mock-server gives every token (its `expires_in`). */
export const MOCK_TOKEN_LIFETIME_SECONDS = 3600;

export async function startOAuth2MockServer(options: OAuth2MockServerOptions = {}): Promise<RunningOAuth2MockServer> {
  const users = options.users ?? [{ username: 'demo', password: 'demo' }];
  const server = new OAuth2Server();
  await server.issuer.keys.generate('RS256');
  await server.start(0, '127.0.0.1');
  // It would name itself http://localhost:<port>, which may resolve to ::1 where it does not listen.
  const issuer = `http://127.0.0.1:${server.address().port}`;
  server.issuer.url = issuer;

  const stats: OAuth2MockStats = { password: 0, refresh: 0, failedGrants: 0 };
  const issuedRefreshTokens = new Set<string>();

  server.service.on('beforeTokenSigning', (token: { payload: Record<string, unknown> }) => {
    token.payload.jti = randomUUID();
  });
  server.service.on('beforeResponse', (response: MutableResponse, request: TokenRequestIncomingMessage) => {
    const form = request.body as unknown as Record<string, string | undefined>;
    const refuse = (statusCode: number, description: string) => {
      stats.failedGrants += 1;
      response.statusCode = statusCode;
      response.body = { error: 'invalid_grant', error_description: description };
    };
    if (form.grant_type === 'password') {
      if (!users.some((user) => user.username === form.username && user.password === form.password)) {
        return refuse(401, 'Invalid user credentials');
      }
      stats.password += 1;
    } else if (form.grant_type === 'refresh_token') {
      if (form.refresh_token === undefined || !issuedRefreshTokens.has(form.refresh_token)) return refuse(400, 'Invalid refresh token');
      stats.refresh += 1;
    }
    const issued = response.body === '' ? undefined : response.body.refresh_token;
    if (typeof issued === 'string') issuedRefreshTokens.add(issued);
  });

  const keys = createLocalJWKSet({ keys: server.issuer.keys.toJSON() });
  return {
    server,
    issuer,
    tokenEndpoint: `${issuer}/token`,
    stats,
    issuedRefreshTokens,
    async verify(accessToken) {
      try {
        await jwtVerify(accessToken, keys, { issuer });
        return true;
      } catch {
        return false;
      }
    },
    close: () => server.stop(),
  };
}
