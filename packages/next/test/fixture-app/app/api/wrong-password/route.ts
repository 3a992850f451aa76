import { ApiaxAuthError, createApiaxNext } from '@apiax-auth/next';

// A second account whose password is wrong: the e2e test checks it fails once, typed.
const { withApiax } = createApiaxNext({
  username: process.env.FIXTURE_OTHER_USERNAME,
  password: process.env.FIXTURE_WRONG_PASSWORD,
});

export const POST = withApiax(async (_request, { apiax }) => {
  try {
    await apiax.getAccessToken();
    return Response.json({ code: null });
  } catch (error) {
    if (error instanceof ApiaxAuthError) return Response.json({ code: error.code }, { status: 502 });
    throw error;
  }
});
