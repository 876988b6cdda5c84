// Entry point of the browser app: mounts the root view. Knows nothing of POP3.
import { render } from 'preact';
import { App } from './app.tsx';

const root = document.getElementById('app');
if (root) render(<App />, root);
