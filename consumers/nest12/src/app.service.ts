import { Injectable } from '@nestjs/common';
import { ApiaxAuth } from '@apiax-auth/nest';

@Injectable()
export class AppService {
  constructor(private readonly apiax: ApiaxAuth) {}

  getHello(): string {
    return 'Hello World!';
  }

  async evaluate(query: unknown): Promise<unknown> {
    const response = await this.apiax.fetch('/api/v3/rules/eval', { method: 'POST', body: JSON.stringify(query) });
    return response.json();
  }
}
