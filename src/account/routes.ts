import type { FastifyInstance } from 'fastify';

/** Routes of this feature (being written). */
export async function accountRoutes(_app: FastifyInstance): Promise<void> {}
