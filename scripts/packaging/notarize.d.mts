// Types of notarize.mjs for the tests (electron-builder loads the hook as plain JavaScript).
export declare function notaryCredentials(env: Record<string, string | undefined>): Record<string, string> | null;
