import { Injectable } from '@nestjs/common';
import { Eta } from 'eta';
import { dashboardDir } from './dashboard-files.js';
import { formatCount, formatDuration, statusClass, timeElement } from './format.js';

/**
 * Eta templates (src/dashboard/views): every `<%= %>` is HTML-escaped; `<%~ %>` (raw) is used
 * only for markup we made ourselves (server-rendered SVG charts, nested templates, `fmt.time`'s `<time>`).
 */
@Injectable()
export class DashboardViews {
  private readonly eta = new Eta({ views: dashboardDir('views'), cache: true, autoEscape: true, autoTrim: false });

  render(template: string, data: Record<string, unknown>): string {
    return this.eta.render(template, {
      ...data,
      fmt: { duration: formatDuration, time: timeElement, status: statusClass, count: formatCount },
    });
  }
}
