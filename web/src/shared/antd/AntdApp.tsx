import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider, theme } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { type ReactNode, useEffect } from 'react';
import { useLocale } from '../../i18n/react';
import { brandColor } from '../Logo';
import './antd.css';

/** antd theme, locale and message/modal context for a console, plus the app's query client. */
export function AntdApp({
  queryClient,
  title,
  children,
}: {
  queryClient: QueryClient;
  title: Record<'zh-CN' | 'en-US', string>;
  children: ReactNode;
}) {
  const locale = useLocale();
  useEffect(() => {
    document.title = title[locale];
  }, [locale, title]);
  useEffect(() => {
    // Server texts (category names, activity, errors) are localized: fetch them again.
    void queryClient.invalidateQueries();
  }, [locale, queryClient]);
  return (
    <QueryClientProvider client={queryClient}>
      <ConfigProvider
        locale={locale === 'zh-CN' ? zhCN : enUS}
        button={{ autoInsertSpace: false }}
        theme={{
          algorithm: theme.defaultAlgorithm,
          token: { colorPrimary: brandColor, colorLink: brandColor, borderRadius: 6 },
          components: {
            Layout: { headerBg: '#ffffff', siderBg: '#001529', bodyBg: '#f5f6f8', headerPadding: '0 24px' },
          },
        }}
      >
        <AntApp>{children}</AntApp>
      </ConfigProvider>
    </QueryClientProvider>
  );
}
