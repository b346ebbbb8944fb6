// The app: theme, then what must come first (open the data, set up, sign in, own password,
// 2FA), then the shell. The idle lock is an overlay over the shell, so unsaved input stays.
import {
  Center,
  Loader,
  MantineProvider,
  createTheme,
  localStorageColorSchemeManager,
  type CSSVariablesResolver,
} from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { Router } from 'wouter';
import { useHashLocation } from 'wouter/use-hash-location';
import { useCallback, useEffect, useState } from 'react';
import type { AppStatus } from '../../../shared/contract';
import { call } from '../lib/api';
import { AuthProvider, useAuth } from '../lib/auth';
import { MustChangePasswordScreen, MustEnrollScreen } from '../screens/auth/AccountSetupScreens';
import { LockOverlay } from '../screens/auth/LockOverlay';
import { LoginScreen } from '../screens/auth/LoginScreen';
import { SetupScreen } from '../screens/auth/SetupScreen';
import { UnlockScreen } from '../screens/unlock/UnlockScreen';
import { createQueryClient } from '../lib/query';
import { ServerBanner } from '../components/ServerBanner';
import { UpdateBanner } from '../components/UpdateBanner';
import { Shell } from './Shell';

// WCAG AA contrast (4.5:1 for text): indigo 7 under white text in light mode (6 reaches only
// 4.3:1) and 8 in dark; dimmed text (descriptions, hints) one step darker in light and lighter in
// dark than Mantine's default, which reaches 3.3:1 and 4.3:1. Checked by test/e2e/screens-a11y.spec.ts.
const theme = createTheme({ primaryColor: 'indigo', primaryShade: { light: 7, dark: 8 }, defaultRadius: 'sm' });
/** The colours badges and alerts use besides the primary one: darker where they carry text. */
// (Orange and yellow carry no white text even at shade 9: badges do not use them.)
const STATUS_COLORS = ['teal', 'gray', 'red', 'blue', 'grape', 'green', 'cyan', 'violet'] as const;
const statusShades = Object.fromEntries(
  STATUS_COLORS.flatMap((c) => [
    // White text on a filled badge needs the 9th shade (teal 6 reaches 2.5:1, 9 reaches 5.3:1).
    [`--mantine-color-${c}-filled`, `var(--mantine-color-${c}-9)`],
    [`--mantine-color-${c}-filled-hover`, `var(--mantine-color-${c}-8)`],
  ]),
);
/**
 * Light badges and alerts in light mode: the palest tint behind the darkest text (teal 9 on teal 1
 * reaches only 4.3:1; on teal 0, 4.8:1).
 */
const tints = Object.fromEntries(
  [...STATUS_COLORS, 'orange', 'yellow'].flatMap((c) => [
    [`--mantine-color-${c}-light`, `var(--mantine-color-${c}-0)`],
    [`--mantine-color-${c}-light-hover`, `var(--mantine-color-${c}-1)`],
    [`--mantine-color-${c}-light-color`, `var(--mantine-color-${c}-9)`],
  ]),
);
const contrast: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    // Links: indigo 7 on a striped table row reaches 4.47:1; 8 clears it.
    '--mantine-color-anchor': 'var(--mantine-color-indigo-8)',
    ...statusShades,
    ...tints,
  },
  dark: {
    '--mantine-color-dimmed': 'var(--mantine-color-dark-1)',
    // Links: indigo 4 on a striped row (dark 5) reaches 3.8:1; 2 reaches 6:1.
    '--mantine-color-anchor': 'var(--mantine-color-indigo-2)',
    ...statusShades,
  },
});
const colorSchemeManager = localStorageColorSchemeManager({ key: 'kontor.color-scheme' });

function Centered({ children }: { children: React.ReactNode }) {
  return (
    <Center h="100vh" role="alert">
      {children}
    </Center>
  );
}

function Signed() {
  const { status, error } = useAuth();
  if (error !== null && status === null) return <Centered>{error}</Centered>;
  if (status === null) return <Centered>{<Loader aria-label="Loading" />}</Centered>;
  switch (status.state) {
    case 'setup_required':
      return <SetupScreen />;
    case 'signed_out':
      return <LoginScreen />;
    case 'signed_in':
      if (status.mustChangePassword) return <MustChangePasswordScreen />;
      if (status.mustEnrollTwoFactor) return <MustEnrollScreen />;
      return (
        <>
          <Shell />
          {status.locked && <LockOverlay />}
        </>
      );
  }
}

export function App({ queryClient }: { queryClient?: QueryClient }) {
  // One client for the window's life (tests pass their own).
  const [client] = useState(() => queryClient ?? createQueryClient());
  const [data, setData] = useState<AppStatus | { state: 'error'; message: string } | null>(null);

  const refresh = useCallback(() => {
    call('app.status', {}).then(setData, (e: Error) => setData({ state: 'error', message: e.message }));
  }, []);
  useEffect(refresh, [refresh]);

  return (
    <MantineProvider
      theme={theme}
      colorSchemeManager={colorSchemeManager}
      defaultColorScheme="auto"
      cssVariablesResolver={contrast}
    >
      <Notifications position="top-right" />
      <QueryClientProvider client={client}>
        <ServerBanner onBack={refresh} />
        <UpdateBanner />
        <Router hook={useHashLocation}>
          {data === null && <Centered>{<Loader aria-label="Loading" />}</Centered>}
          {data?.state === 'error' && <Centered>{data.message}</Centered>}
          {data?.state === 'locked' && <UnlockScreen status={data} onUnlocked={refresh} />}
          {data?.state === 'ready' && (
            <AuthProvider>
              <Signed />
            </AuthProvider>
          )}
        </Router>
      </QueryClientProvider>
    </MantineProvider>
  );
}
