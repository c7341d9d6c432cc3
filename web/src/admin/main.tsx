import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router-dom';
import { AntdApp } from '../shared/antd/AntdApp';
import { createQueryClient } from '../shared/query';
import { AdminApp } from './App';

const queryClient = createQueryClient();
const title = { 'zh-CN': '千店 · 运营后台', 'en-US': 'Qiandian · Operations Console' };

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <AntdApp queryClient={queryClient} title={title}>
      <BrowserRouter basename="/admin">
        <AdminApp />
      </BrowserRouter>
    </AntdApp>
  </StrictMode>,
);
