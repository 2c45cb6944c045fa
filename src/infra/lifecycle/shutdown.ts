import { type BeforeApplicationShutdown, Injectable } from '@nestjs/common';

/**
 * The process is stopping. Whatever waits on its own (a retry's back-off before the next call to
 * JIRA or Confluence) watches this signal and stops waiting, so a graceful stop is not held up for
 * seconds by a job that would only fail or be retried anyway. The job queue begins it before it
 * closes its workers, which wait for the jobs they run.
 */
@Injectable()
export class Shutdown implements BeforeApplicationShutdown {
  private readonly controller = new AbortController();

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  begin(): void {
    this.controller.abort();
  }

  beforeApplicationShutdown(): void {
    this.begin();
  }
}
