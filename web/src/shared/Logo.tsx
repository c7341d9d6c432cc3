import type { CSSProperties } from 'react';

/** The Qiandian mark: the character 千 drawn in three strokes on an orange tile. */
export function LogoMark({ size = 32, style }: { size?: number; style?: CSSProperties }) {
  return (
    <svg width={size} height={size} viewBox="0 0 64 64" style={style} aria-hidden="true">
      <defs>
        <linearGradient id="qd-logo-gradient" x1="0" y1="0" x2="1" y2="1">
          <stop offset="0" stopColor="#ff9a3c" />
          <stop offset="1" stopColor="#ff5000" />
        </linearGradient>
      </defs>
      <rect width="64" height="64" rx="16" fill="url(#qd-logo-gradient)" />
      <path d="M43 13.5 22 20M14 33h36M32 19.5V52" stroke="#fff" strokeWidth="6" strokeLinecap="round" fill="none" />
    </svg>
  );
}

export const brandColor = '#ff6a00';
