// Whether any open form holds input not saved yet: an update's restart waits for it (the forms'
// own close guard, use-guarded-close.ts, registers each one while it is open).
import { useEffect, useRef } from 'react';

const checks = new Set<() => boolean>();

/** Registers a form's dirty check for as long as the component is mounted. */
export function useUnsavedWork(isDirty: () => boolean): void {
  const latest = useRef(isDirty);
  latest.current = isDirty;
  useEffect(() => {
    const check = () => latest.current();
    checks.add(check);
    return () => {
      checks.delete(check);
    };
  }, []);
}

export function hasUnsavedWork(): boolean {
  return [...checks].some((check) => check());
}
