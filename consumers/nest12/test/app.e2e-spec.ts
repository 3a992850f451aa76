import { Test, TestingModule } from '@nestjs/testing';
import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { App } from 'supertest/types.js';
import { startFakeApiax, type FakeApiax } from '@apiax-auth/testing';
import { AppModule } from './../src/app.module.js';

describe('AppController (e2e)', () => {
  let fake: FakeApiax;
  let app: INestApplication<App>;

  beforeAll(async () => {
    fake = await startFakeApiax({ users: [{ username: 'e2e', password: 'e2e-password' }], apiKeys: ['e2e-key'] });
    // The module reads APIAX_* from the environment, as in production.
    Object.assign(process.env, fake.env);
  });

  afterAll(async () => {
    await fake.close();
  });

  beforeEach(async () => {
    const moduleFixture: TestingModule = await Test.createTestingModule({
      imports: [AppModule],
    }).compile();

    app = moduleFixture.createNestApplication();
    await app.init();
  });

  it('/ (GET)', () => {
    return request(app.getHttpServer()).get('/').expect(200).expect('Hello World!');
  });

  it('/rules/eval (POST) calls the fake through the injected client', async () => {
    const response = await request(app.getHttpServer())
      .post('/rules/eval')
      .send({ regimes: ['CAN', 'CHE'], products: [] })
      .expect(201);
    expect(response.body.results).toHaveLength(2);
  });

  it('/rules/eval-from-request (POST) calls the fake through req.apiax', async () => {
    const response = await request(app.getHttpServer())
      .post('/rules/eval-from-request')
      .send({ regimes: ['CAN'], products: [] })
      .expect(201);
    expect(response.body.results).toHaveLength(1);
    expect(fake.stats.rejectedApiCalls).toBe(0);
  });

  afterEach(async () => {
    await app.close();
  });
});
