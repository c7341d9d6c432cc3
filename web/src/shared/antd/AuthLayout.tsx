import type { ReactNode } from 'react';
import { LogoMark } from '../Logo';
import { LanguageSwitch } from './components';
import { useCommonT } from './i18n';

/** Sign-in and sign-up pages: a brand panel beside the form. */
export function AuthLayout({
  variant = 'seller',
  product,
  headline,
  pitch,
  points,
  children,
}: {
  variant?: 'seller' | 'admin';
  product: string;
  headline: string;
  pitch: string;
  points: string[];
  children: ReactNode;
}) {
  const t = useCommonT();
  return (
    <div className="qd-auth">
      <div className={`qd-auth-hero${variant === 'admin' ? ' is-admin' : ''}`}>
        <div style={{ display: 'flex', alignItems: 'center', gap: 12, fontSize: 20, fontWeight: 600 }}>
          <LogoMark size={40} />
          <span>
            {t('brand')} <span style={{ opacity: 0.75, fontWeight: 400 }}>· {product}</span>
          </span>
        </div>
        <div>
          <h2>{headline}</h2>
          <p>{pitch}</p>
          <ul>
            {points.map((point) => (
              <li key={point}>{point}</li>
            ))}
          </ul>
        </div>
        <div style={{ fontSize: 12, opacity: 0.6 }}>{t('footer')}</div>
      </div>
      <div className="qd-auth-panel">
        <div className="qd-auth-panel-top">
          <LanguageSwitch />
        </div>
        <div className="qd-auth-form">{children}</div>
      </div>
    </div>
  );
}
