// electron-builder's afterSign hook: notarises the signed macOS app with Apple's notary service,
// with credentials from the environment only:
//
//   APPLE_API_KEY (path to the .p8 key), APPLE_API_KEY_ID, APPLE_API_ISSUER   (an App Store Connect API key), or
//   APPLE_ID, APPLE_APP_SPECIFIC_PASSWORD, APPLE_TEAM_ID                       (an Apple ID)
//
// Without them the app is signed but not notarised (a local build), and the build says so.
import { join } from 'node:path';

/** The notarytool credentials the environment gives, or null. */
export function notaryCredentials(env) {
  if (env.APPLE_API_KEY && env.APPLE_API_KEY_ID && env.APPLE_API_ISSUER) {
    return {
      appleApiKey: env.APPLE_API_KEY,
      appleApiKeyId: env.APPLE_API_KEY_ID,
      appleApiIssuer: env.APPLE_API_ISSUER,
    };
  }
  if (env.APPLE_ID && env.APPLE_APP_SPECIFIC_PASSWORD && env.APPLE_TEAM_ID) {
    return { appleId: env.APPLE_ID, appleIdPassword: env.APPLE_APP_SPECIFIC_PASSWORD, teamId: env.APPLE_TEAM_ID };
  }
  return null;
}

export default async function notarizeApp(context) {
  if (context.electronPlatformName !== 'darwin') return;
  const credentials = notaryCredentials(process.env);
  if (!credentials) {
    console.warn('  • not notarised (no APPLE_API_KEY… or APPLE_ID… in the environment)');
    return;
  }
  const { notarize } = await import('@electron/notarize');
  const appPath = join(context.appOutDir, `${context.packager.appInfo.productFilename}.app`);
  await notarize({ tool: 'notarytool', appPath, ...credentials });
}
