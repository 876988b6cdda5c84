// `npm run pop3`: runs the compiled diagnostic command, compiling it first when
// server/ or shared/ changed since the last build (a fresh clone, or an edit).
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { SERVER_OUT, buildServer, isServerBuildFresh } from './build-server.mjs';

if (!isServerBuildFresh('pop3')) await buildServer();
await import(pathToFileURL(join(SERVER_OUT, 'pop3.js')).href);
