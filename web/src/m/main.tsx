import { QueryClientProvider } from '@tanstack/react-query';
import { ConfigProvider } from 'antd-mobile';
import enUS from 'antd-mobile/es/locales/en-US';
import zhCN from 'antd-mobile/es/locales/zh-CN';
import { StrictMode, useEffect } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router-dom';
import { useLocale } from '../i18n/react';
import { createQueryClient } from '../shared/query';
import { MobileApp } from './App';
import './m.css';

const queryClient = createQueryClient();
const titles = { 'zh-CN': '千店', 'en-US': 'Qiandian' };

function Root() {
  const locale = useLocale();
  useEffect(() => {
    document.title = titles[locale];
    void queryClient.invalidateQueries();
  }, [locale]);
  return (
    <QueryClientProvider client={queryClient}>
      <ConfigProvider locale={locale === 'zh-CN' ? zhCN : enUS}>
        <BrowserRouter basename="/m">
          <MobileApp />
        </BrowserRouter>
      </ConfigProvider>
    </QueryClientProvider>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Root />
  </StrictMode>,
);
