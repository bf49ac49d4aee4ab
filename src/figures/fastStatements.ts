/** Where the prepared-statement helpers of the write paths live (kept for the importers of this module). */
export { preparedOnce, type AnyConn } from '../db/prepared.js';
export { auditWriter } from '../audit/repository.js';
