// `npm start`: build the browser app, then run the gateway.
import { spawnSync } from 'node:child_process';

const build = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const server = spawnSync('npx', ['tsx', 'server/main.ts', ...process.argv.slice(2)], {
  stdio: 'inherit',
});
process.exit(server.status ?? 1);
