// Types of build-server.mjs, for the tests that compile the gateway themselves.
export declare const SERVER_OUT: string;
export declare function buildServer(outdir?: string): Promise<void>;
export declare function isServerBuildFresh(entry: 'main' | 'pop3'): boolean;
