/** Durations as people read them in a review: one format with the pages, dashboard and CLI. */
export { formatDuration } from '../../common/format-duration.js';
