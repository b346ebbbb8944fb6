// Hash routes (#/customers, #/settings …): survive a reload and need no server support.
import { useEffect, useState } from 'react';

export const routes = ['customers', 'analytics', 'admin', 'settings', 'profile'] as const;
export type Route = (typeof routes)[number];

function parse(hash: string): Route {
  const name = hash.replace(/^#\/?/, '');
  return (routes as readonly string[]).includes(name) ? (name as Route) : 'customers';
}

export function useRoute(): [Route, (route: Route) => void] {
  const [route, setRoute] = useState<Route>(() => parse(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parse(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return [route, (next) => (window.location.hash = `#/${next}`)];
}
