import { apiaxAuthClient } from './apiax-auth.mjs';
import { badgatewayClient } from './badgateway.mjs';
import { openidClientLoop } from './openid-client-loop.mjs';

/** Every client measured, ours first. */
export const clients = [apiaxAuthClient, badgatewayClient, openidClientLoop];
