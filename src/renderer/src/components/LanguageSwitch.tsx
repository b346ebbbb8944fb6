import { SegmentedControl } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { setLanguage, type Language } from '../lib/i18n';

const names: Record<Language, { short: string; long: string }> = {
  de: { short: 'DE', long: 'Deutsch' },
  en: { short: 'EN', long: 'English' },
};

/** Switches the UI language; remembered on this computer. */
export function LanguageSwitch({ labels, size }: { labels: 'short' | 'long'; size?: 'xs' | 'sm' }) {
  const { t, i18n } = useTranslation();
  return (
    <SegmentedControl
      size={size ?? 'sm'}
      aria-label={t('header.language')}
      value={i18n.language}
      onChange={(value) => setLanguage(value as Language)}
      data={(Object.keys(names) as Language[]).map((value) => ({ value, label: names[value][labels] }))}
    />
  );
}
