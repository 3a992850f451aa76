import { withClient, type ClientContext } from '../client.js';

/** `apiax token`: the access token alone, and a newline, on stdout: the one secret `apiax` ever prints. */
export async function tokenCommand(context: ClientContext): Promise<number> {
  const token = await withClient(context, (auth) => auth.getAccessToken());
  context.io.stdout.write(`${token}\n`);
  return 0;
}
