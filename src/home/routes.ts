import type { FastifyInstance } from 'fastify';

/** ホーム: a start page per role with the tasks that role does. */
export async function homeRoutes(app: FastifyInstance): Promise<void> {
  app.get('/', async (request, reply) => {
    const user = request.user!;
    return reply.viewAsync(`home/${user.role}`, { title: 'ホーム' });
  });
}
