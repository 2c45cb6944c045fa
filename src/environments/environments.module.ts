import { Module } from '@nestjs/common';
import { Runtime } from '../config/runtime.js';
import { EnvironmentsService } from './environments.service.js';
import { loadSecretKey, SecretCipher } from './secret-cipher.js';

/** Environments: inventories and their secrets, encrypted at rest. */
@Module({
  providers: [
    EnvironmentsService,
    {
      provide: SecretCipher,
      useFactory: (runtime: Runtime) => new SecretCipher(loadSecretKey(runtime.config.app.OPSPRINT_SECRET_KEY, runtime.dataDir)),
      inject: [Runtime],
    },
  ],
  exports: [EnvironmentsService],
})
export class EnvironmentsModule {}
