import { Test, TestingModule } from '@nestjs/testing';
import { ApiaxAuthModule } from '@apiax-auth/nest';
import { startFakeApiax, type FakeApiax } from '@apiax-auth/testing';
import { AppController } from './app.controller';
import { AppService } from './app.service';

describe('AppController', () => {
  let fake: FakeApiax;
  let app: TestingModule;
  let appController: AppController;

  beforeAll(async () => {
    fake = await startFakeApiax({ users: [{ username: 'unit', password: 'unit-password' }], apiKeys: ['unit-key'] });
  });

  afterAll(async () => {
    await fake.close();
  });

  beforeEach(async () => {
    app = await Test.createTestingModule({
      imports: [ApiaxAuthModule.forRoot({ isGlobal: true, env: fake.env })],
      controllers: [AppController],
      providers: [AppService],
    }).compile();

    appController = app.get<AppController>(AppController);
  });

  afterEach(async () => {
    await app.close();
  });

  describe('root', () => {
    it('should return "Hello World!"', () => {
      expect(appController.getHello()).toBe('Hello World!');
    });
  });

  describe('rules', () => {
    it('evaluates through the fake Apiax with a token it obtained itself', async () => {
      const answer = (await appController.evaluate({ regimes: ['CAN'], products: [] })) as { results: unknown[] };
      expect(answer.results).toHaveLength(1);
      expect(fake.stats).toMatchObject({ password: 1, rejectedApiCalls: 0 });
    });
  });
});
