import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { ApiaxAuthError } from '@apiax-auth/nest';
import type { Response as ExpressResponse } from 'express';

/**
 * A failure of the client (no token could be had) becomes problem+json with its code, as the
 * Express adapter's `apiaxErrorHandler()` answers: 503 when it may pass, else 502. Never a secret.
 */
@Catch(ApiaxAuthError)
export class ApiaxErrorFilter implements ExceptionFilter<ApiaxAuthError> {
  catch(error: ApiaxAuthError, host: ArgumentsHost): void {
    const status = error.retryable ? 503 : 502;
    host
      .switchToHttp()
      .getResponse<ExpressResponse>()
      .status(status)
      .type('application/problem+json')
      .json({ title: 'Apiax client error', status, code: error.code, detail: error.message });
  }
}
