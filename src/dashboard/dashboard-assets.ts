import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { dashboardDir } from './dashboard-files.js';

const TYPES: Record<string, string> = { '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8' };

/** The dashboard's stylesheet and its one small script, read once: no build step, no CDN. */
@ApiExcludeController()
@Controller('dashboard/assets')
export class DashboardAssets {
  private readonly files = new Map<string, { type: string; body: Buffer }>();

  constructor() {
    const dir = dashboardDir('assets');
    for (const name of ['dashboard.css', 'live.js']) {
      this.files.set(name, { type: TYPES[path.extname(name)], body: readFileSync(path.join(dir, name)) });
    }
  }

  @Get(':file')
  asset(@Param('file') file: string, @Res() response: Response): void {
    const found = this.files.get(file);
    if (!found) throw new NotFoundException(`no dashboard asset ${file}`);
    response.setHeader('Cache-Control', 'public, max-age=300');
    response.type(found.type).send(found.body);
  }
}
