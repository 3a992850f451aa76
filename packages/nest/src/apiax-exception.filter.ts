import { ApiaxAuthError, PROBLEM_HEADERS, toProblemDetails } from '@apiax-auth/core';
import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';

/**
 * Answers an {@link ApiaxAuthError} with `application/problem+json` (RFC 9457), as core's
 * `toProblemDetails` maps it and Express's `apiaxErrorHandler()` answers: 503 for transient failures,
 * 502 when Apiax rejected the credentials, client or assertion, 500 for configuration and misuse. Works on
 * Express and Fastify (it answers through Nest's HTTP adapter). Register it globally
 * (`app.useGlobalFilters(new ApiaxExceptionFilter(app.get(HttpAdapterHost)))`, or as `APP_FILTER`).
 */
@Catch(ApiaxAuthError)
export class ApiaxExceptionFilter implements ExceptionFilter<ApiaxAuthError> {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(error: ApiaxAuthError, host: ArgumentsHost): void {
    const { httpAdapter } = this.adapterHost;
    const response: unknown = host.switchToHttp().getResponse();
    const problem = toProblemDetails(error);
    for (const [name, value] of Object.entries(PROBLEM_HEADERS)) httpAdapter.setHeader(response, name, value);
    httpAdapter.reply(response, JSON.stringify(problem), problem.status);
  }
}
