import { ActionSheet } from 'antd-mobile';
import { GlobalOutline } from 'antd-mobile-icons';
import { type Locale, localeNames, locales, setLocale } from '../i18n/locale';
import { useLocale } from '../i18n/react';
import { useT } from './i18n';

export function chooseLanguage(title: string, cancel: string) {
  const handler = ActionSheet.show({
    extra: title,
    cancelText: cancel,
    actions: locales.map((l) => ({ key: l, text: localeNames[l] })),
    onAction: (action) => {
      setLocale(action.key as Locale);
      handler.close();
    },
  });
}

/** A small pill in the top bar that opens the language sheet. */
export function LanguageToggle({ dark = false }: { dark?: boolean }) {
  const locale = useLocale();
  const t = useT();
  return (
    <button
      type="button"
      className="qd-m-lang"
      data-testid="language-switch"
      style={dark ? { background: '#f5f5f5', color: '#333' } : undefined}
      onClick={() => chooseLanguage(t('me.chooseLanguage'), t('cancel'))}
    >
      <GlobalOutline style={{ verticalAlign: '-2px', marginRight: 4 }} />
      {localeNames[locale]}
    </button>
  );
}
