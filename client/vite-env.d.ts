// Vite's client types: CSS imports, `import.meta.url` workers.
/// <reference types="vite/client" />
