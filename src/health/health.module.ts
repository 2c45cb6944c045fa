import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AuthModule } from '../auth/auth.module.js';
import { HealthController } from './health.controller.js';
import { HealthService } from './health.service.js';
import { MetricsAccessGuard } from './metrics-access.guard.js';
import { MetricsController } from './metrics.controller.js';

@Module({
  imports: [DiscoveryModule, AuthModule],
  controllers: [HealthController, MetricsController],
  providers: [HealthService, MetricsAccessGuard],
})
export class HealthModule {}
