import { LogoMark } from '../shared/Logo';
import { useT } from './i18n';
import { LanguageToggle } from './LanguageToggle';

export function TopBar({ dark = false }: { dark?: boolean }) {
  const t = useT();
  return (
    <div className="qd-m-topbar" style={dark ? { color: '#222' } : undefined}>
      <LogoMark
        size={28}
        style={dark ? undefined : { boxShadow: '0 0 0 2px rgba(255,255,255,.35)', borderRadius: 8 }}
      />
      <span>{t('brand')}</span>
      <span className="qd-m-spacer" />
      <LanguageToggle dark={dark} />
    </div>
  );
}
