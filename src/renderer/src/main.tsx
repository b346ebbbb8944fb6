import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import '@mantine/charts/styles.css';
import '@mantine/spotlight/styles.css';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { call } from './lib/api';
import { initI18n, initialLanguage } from './lib/i18n';

// IT's default language applies until the user chooses one (a machine without configuration answers none).
const machine = await call('app.machine', {}).catch(() => null);
await initI18n(initialLanguage(machine?.config.defaultLanguage));
const root = document.getElementById('root');
if (!root) throw new Error('no #root element');
createRoot(root).render(<App />);
