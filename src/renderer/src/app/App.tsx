// The app: theme, then what the installation needs first (unlock, company), then the shell.
import { Center, Loader, MantineProvider, createTheme, localStorageColorSchemeManager } from '@mantine/core';
import { useCallback, useEffect, useState } from 'react';
import type { AppStatus, Output } from '../../../shared/contract';
import { call } from '../lib/api';
import { CompanySetupScreen } from '../screens/setup/CompanySetupScreen';
import { UnlockScreen } from '../screens/unlock/UnlockScreen';
import { Shell } from './Shell';

const theme = createTheme({ primaryColor: 'indigo', defaultRadius: 'sm' });
const colorSchemeManager = localStorageColorSchemeManager({ key: 'kontor.color-scheme' });

type Stage =
  | { kind: 'loading' }
  | { kind: 'error'; message: string }
  | { kind: 'locked'; status: Extract<AppStatus, { state: 'locked' }> }
  | { kind: 'ready'; info: Output<'app.info'> };

export function App() {
  const [stage, setStage] = useState<Stage>({ kind: 'loading' });

  const refresh = useCallback(() => {
    void (async () => {
      try {
        const status = await call('app.status', {});
        if (status.state === 'locked') return setStage({ kind: 'locked', status });
        setStage({ kind: 'ready', info: await call('app.info', {}) });
      } catch (error) {
        setStage({ kind: 'error', message: (error as Error).message });
      }
    })();
  }, []);
  useEffect(refresh, [refresh]);

  return (
    <MantineProvider theme={theme} colorSchemeManager={colorSchemeManager} defaultColorScheme="auto">
      {stage.kind === 'loading' && (
        <Center h="100vh">
          <Loader aria-label="Loading" />
        </Center>
      )}
      {stage.kind === 'error' && (
        <Center h="100vh" role="alert">
          {stage.message}
        </Center>
      )}
      {stage.kind === 'locked' && <UnlockScreen status={stage.status} onUnlocked={refresh} />}
      {stage.kind === 'ready' &&
        (stage.info.tenant === null ? (
          <CompanySetupScreen onDone={refresh} />
        ) : (
          <Shell company={stage.info.tenant.name} />
        ))}
    </MantineProvider>
  );
}
