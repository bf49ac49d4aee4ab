import type { FastifyInstance } from 'fastify';

/** Routes of this feature (being written). */
export async function userRoutes(_app: FastifyInstance): Promise<void> {}
