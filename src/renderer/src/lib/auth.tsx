// The signed-in state of the window, shared by every screen. The main process owns the session;
// this only mirrors auth.status, refreshed on demand, when a call finds the session changed, and
// every 30 seconds (a passive call that does not count as activity), so the idle lock shows.
import { useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import type { AuthStatus, Grant, SignedIn } from '../../../shared/contract';
import { call, onSessionChange } from './api';

interface AuthContextValue {
  readonly status: AuthStatus | null;
  readonly error: string | null;
  readonly refresh: () => void;
  /** Replaces the status with one a procedure returned (login, unlock, change password …). */
  readonly set: (status: AuthStatus) => void;
}

const AuthContext = createContext<AuthContextValue | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<AuthStatus | null>(null);
  const [error, setError] = useState<string | null>(null);
  const queries = useQueryClient();
  // Another company, another user, or signed out: nothing loaded before (data, errors) stays.
  const seen = useRef<string | null>(null);
  useEffect(() => {
    const who = status?.state === 'signed_in' ? `${status.user.id}:${status.tenant?.id ?? ''}` : null;
    if (seen.current !== null && seen.current !== who) queries.removeQueries();
    seen.current = who;
  }, [status, queries]);

  const refresh = useCallback(() => {
    call('auth.status', {}).then(
      (next) => {
        setStatus(next);
        setError(null);
      },
      (e: Error) => setError(e.message),
    );
  }, []);

  useEffect(() => {
    refresh();
    const stop = onSessionChange(refresh);
    const timer = window.setInterval(refresh, 30_000);
    return () => {
      stop();
      window.clearInterval(timer);
    };
  }, [refresh]);

  return <AuthContext.Provider value={{ status, error, refresh, set: setStatus }}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth outside AuthProvider');
  return value;
}

/** The signed-in status; only for screens shown after sign-in. */
export function useSignedIn(): SignedIn {
  const { status } = useAuth();
  if (status?.state !== 'signed_in') throw new Error('useSignedIn before sign-in');
  return status;
}

export function useCan(permission: Grant): boolean {
  const { status } = useAuth();
  return status?.state === 'signed_in' && status.permissions.includes(permission);
}
