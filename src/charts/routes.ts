import type { FastifyInstance } from 'fastify';

/** Routes of this feature (being written). */
export async function chartRoutes(_app: FastifyInstance): Promise<void> {}
