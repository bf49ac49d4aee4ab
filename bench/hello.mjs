// The baseline server of P1: the same Fastify as the app, one route, no plugins.
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/', async () => 'hello');
const address = await app.listen({ host: '127.0.0.1', port: 0 });
process.on('message', (message) => {
  if (message?.type === 'rss') process.send({ type: 'rss', rss: process.memoryUsage().rss, peak: 0 });
});
process.on('SIGTERM', () => {
  app.close().finally(() => process.exit(0));
});
process.on('disconnect', () => process.exit(0));
process.send({ type: 'ready', url: address, cookie: '', csrf: '', rss: process.memoryUsage().rss, peak: 0 });
