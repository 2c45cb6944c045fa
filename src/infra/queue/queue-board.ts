import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { JobQueue } from './job-queue.js';

/** Who may look: null lets the request through; otherwise the status and message to answer with. */
export type QueueBoardAccess = (request: Request) => Promise<{ status: number; message: string } | null>;

export const QUEUE_BOARD_PATH = '/admin/queues';

/**
 * bull-board over our queues (inspect, retry, remove jobs), as an Express handler for
 * QUEUE_BOARD_PATH. Every request — the page, its assets and its API — goes through `access` first.
 */
export function queueBoard(queue: JobQueue, access: QueueBoardAccess): RequestHandler[] {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({ queues: queue.bullQueues().map((q) => new BullMQAdapter(q)), serverAdapter });
  const guard = (request: Request, response: Response, next: NextFunction) => {
    access(request).then(
      (refusal) => (refusal ? response.status(refusal.status).json({ statusCode: refusal.status, message: refusal.message }) : next()),
      next,
    );
  };
  return [guard, serverAdapter.getRouter() as RequestHandler];
}
