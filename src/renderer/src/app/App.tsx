// The app: theme, then what must come first (open the data, set up, sign in, own password,
// 2FA), then the shell. The idle lock is an overlay over the shell, so unsaved input stays.
import { Center, Loader, MantineProvider, createTheme, localStorageColorSchemeManager } from '@mantine/core';
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

const theme = createTheme({ primaryColor: 'indigo', defaultRadius: 'sm' });
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
    <MantineProvider theme={theme} colorSchemeManager={colorSchemeManager} defaultColorScheme="auto">
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
