// Rendering a piece of the renderer in a test: Mantine, TanStack Query, translations, a router
// on an address of the test's choice, and a bridge whose answers the test gives. The bridge checks
// every input against the contract as the main process does, so validation errors are the real ones.
import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClientProvider } from '@tanstack/react-query';
import { render, type RenderResult } from '@testing-library/react';
import i18next from 'i18next';
import type { ReactNode } from 'react';
import { Router } from 'wouter';
import { memoryLocation } from 'wouter/memory-location';
import type { AuthStatus, Grant } from '../../../shared/contract';
import { contract, isProcedureName } from '../../../shared/contract';
import type { KontorBridge } from '../../../shared/contract/bridge';
import { AppError, validationError, type Result } from '../../../shared/errors';
import { AuthProvider, useAuth } from '../lib/auth';
import { initI18n, type Language } from '../lib/i18n';
import { createQueryClient } from '../lib/query';

export type Answer = (input: unknown) => unknown;

// happy-dom has no font loading API; Mantine's autosizing textarea listens to it.
if (!('fonts' in document)) {
  Object.defineProperty(document, 'fonts', {
    value: { addEventListener: () => undefined, removeEventListener: () => undefined },
  });
}

export interface FakeBridge extends KontorBridge {
  /** Every call that passed the contract's input check, in order. */
  readonly calls: { name: string; input: unknown }[];
  /** Sends an event to the page's listeners, as the main process would. */
  emit(event: string, payload: unknown): void;
}

/** Answers per procedure; an answer that throws an AppError is returned as that refusal. */
export function fakeBridge(answers: Record<string, Answer>): FakeBridge {
  const calls: { name: string; input: unknown }[] = [];
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  return {
    calls,
    emit: (event, payload) => listeners.get(event)?.forEach((listener) => listener(payload)),
    async invoke(name, input): Promise<Result<unknown>> {
      if (!isProcedureName(name)) return { ok: false, error: new AppError('not_found', name).toShape() };
      const parsed = contract[name].input.safeParse(input);
      if (!parsed.success) return { ok: false, error: validationError(parsed.error, name).toShape() };
      calls.push({ name, input: parsed.data });
      const answer = answers[name];
      if (!answer) return { ok: false, error: new AppError('internal', `no answer for ${name}`).toShape() };
      try {
        return { ok: true, value: await answer(parsed.data) };
      } catch (error) {
        if (error instanceof AppError) return { ok: false, error: error.toShape() };
        throw error;
      }
    },
    cancel: async () => undefined,
    // The user picks `<mode>.<first extension>` (a screen test asks for no real file).
    chooseFile: async (request) => ({
      fileId: `file-${request.mode}`,
      name: `${request.mode}.${request.extensions[0] ?? 'csv'}`,
    }),
    deliverFile: async () => undefined,
    on: (event, listener) => {
      const set = listeners.get(event) ?? new Set();
      set.add(listener);
      listeners.set(event, set);
      return () => set.delete(listener);
    },
  };
}

export function signedIn(
  permissions: readonly Grant[],
  overrides: Partial<Extract<AuthStatus, { state: 'signed_in' }>> = {},
): AuthStatus {
  return {
    state: 'signed_in',
    user: { id: 'u1', email: 'ada@example.com', name: 'Ada', emailVerified: true, twoFactor: false },
    tenant: { id: 't1', name: 'Muster GmbH' },
    memberships: [{ tenantId: 't1', tenantName: 'Muster GmbH', roleName: 'Administrator' }],
    invitations: [],
    permissions: [...permissions],
    locked: false,
    mustChangePassword: false,
    mustEnrollTwoFactor: false,
    idleMinutes: 15,
    ...overrides,
  };
}

/** Screens after sign-in expect the status: render them once it has arrived, as the app does. */
function OnceLoaded({ children }: { children: ReactNode }) {
  return useAuth().status === null ? null : children;
}

export interface RenderOptions {
  readonly answers?: Record<string, Answer>;
  readonly status?: AuthStatus;
  readonly path?: string;
  readonly language?: Language;
}

export async function renderWithApp(
  ui: ReactNode,
  { answers = {}, status = signedIn([]), path = '/', language = 'en' }: RenderOptions = {},
): Promise<RenderResult & { bridge: FakeBridge; location: ReturnType<typeof memoryLocation> }> {
  if (!i18next.isInitialized) await initI18n(language);
  else await i18next.changeLanguage(language);
  const bridge = fakeBridge({ 'auth.status': () => status, ...answers });
  Object.defineProperty(window, 'kontor', { value: bridge, configurable: true });
  const location = memoryLocation({ path, record: true });
  const result = render(
    <MantineProvider>
      <Notifications />
      <QueryClientProvider client={createQueryClient()}>
        <Router hook={location.hook}>
          <AuthProvider>
            <OnceLoaded>{ui}</OnceLoaded>
          </AuthProvider>
        </Router>
      </QueryClientProvider>
    </MantineProvider>,
  );
  return { ...result, bridge, location };
}
