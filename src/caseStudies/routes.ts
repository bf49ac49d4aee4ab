import type { FastifyInstance } from 'fastify';

/** Routes of this feature (being written). */
export async function caseStudyRoutes(_app: FastifyInstance): Promise<void> {}
