// `npm start`: build the browser app and compile the gateway, then run the compiled
// gateway in this very process, so SIGTERM and Ctrl-C reach its graceful shutdown.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SERVER_OUT, buildServer } from './build-server.mjs';

const client = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
if (client.status !== 0) process.exit(client.status ?? 1);
await buildServer();
await import(pathToFileURL(join(SERVER_OUT, 'main.js')).href);
