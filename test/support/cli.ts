/**
 * Runs the command line as people run it: a separate Node process
 * (`node --import tsx src/cli.ts …`, what `npm run cli --` does) against a
 * temp-file database, with `input` on standard input; killed if it outlives the timeout.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '../..');
const CLI_TIMEOUT_MS = 120_000;

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  databasePath: string;
  input?: string;
  env?: Record<string, string>;
  /** Start the process under this umask (e.g. '022') to prove the CLI sets its own. */
  umask?: string;
}

export function runCli(args: string[], options: CliOptions): Promise<CliRun> {
  const node = [process.execPath, '--import', 'tsx', 'src/cli.ts', ...args];
  const [command, ...commandArgs] = options.umask ? ['/bin/sh', '-c', `umask ${options.umask} && exec "$0" "$@"`, ...node] : node;
  return new Promise((resolve, reject) => {
    const child = spawn(command!, commandArgs, {
      cwd: ROOT,
      env: { ...process.env, DATABASE_PATH: options.databasePath, MIMAMORI_DEMO: 'off', NODE_ENV: 'test', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`cli ${args.join(' ')} timed out; stdout: ${stdout} stderr: ${stderr}`));
    }, CLI_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}
