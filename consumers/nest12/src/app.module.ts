import { Module } from '@nestjs/common';
import { ApiaxAuthModule } from '@apiax-auth/nest';
import { AppController } from './app.controller.js';
import { AppService } from './app.service.js';

@Module({
  imports: [ApiaxAuthModule.forRoot({ isGlobal: true })],
  controllers: [AppController],
  providers: [AppService],
})
export class AppModule {}
