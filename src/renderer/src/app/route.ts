// Hash routes with deep links (#/customers/ID, #/admin/users): they survive a reload, need no
// server, and back/forward move between them. wouter's hash location keeps history in the browser
// (pushState), so every place a user opens is a step they can go back to.
import { useLocation } from 'wouter';
import type { Grant } from '../../../shared/contract';
import type { MachineFeature } from '../../../shared/machine-config';

export const routes = ['customers', 'tasks', 'sales', 'analytics', 'admin', 'settings', 'profile'] as const;
export type Route = (typeof routes)[number];

export const adminPanels = ['users', 'roles', 'security', 'mail', 'companies', 'privacy', 'backups', 'audit'] as const;
export type AdminPanel = (typeof adminPanels)[number];

/** Paths of the places a link can point to. */
export const paths = {
  area: (route: Route) => `/${route}`,
  customer: (id: string) => `/customers/${encodeURIComponent(id)}`,
  newCustomer: () => '/customers/new',
  admin: (panel: AdminPanel) => `/admin/${panel}`,
};

/** The top-level area of a path (`/customers/ID` → customers); unknown paths show customers. */
export function areaOf(path: string): Route {
  const first = path.split('/')[1] ?? '';
  return (routes as readonly string[]).includes(first) ? (first as Route) : 'customers';
}

/** The current area and a way to go somewhere (a path from `paths`). */
export function useArea(): [Route, (path: string, options?: { replace?: boolean }) => void] {
  const [location, navigate] = useLocation();
  return [areaOf(location), navigate];
}

/**
 * Which permission shows a navigation entry, and the feature IT may switch off that hides it; the
 * main process enforces both regardless.
 */
export const navigation: { route: Exclude<Route, 'profile'>; needs: readonly Grant[]; feature?: MachineFeature }[] = [
  { route: 'customers', needs: ['customers.read'] },
  { route: 'tasks', needs: ['customers.read'] },
  { route: 'sales', needs: ['customers.read'] },
  { route: 'analytics', needs: ['analytics.read'], feature: 'analytics' },
  {
    route: 'admin',
    needs: ['users.manage', 'audit.read', 'settings.manage', 'gdpr.manage', 'tenants.manage', 'installation.manage'],
  },
  { route: 'settings', needs: [] },
];
