// Types of after-pack.mjs for the tests (electron-builder loads the hook as plain JavaScript).
export declare const NATIVE_MODULES: readonly string[];
export declare function executableOf(
  platform: string,
  appOutDir: string,
  productFilename: string,
  executableName: string,
): string;
export declare function smokeFailure(output: string): string | null;
export declare function canRun(
  targetPlatform: string,
  targetArch: string,
  host?: { platform: string; arch: string },
): boolean;
