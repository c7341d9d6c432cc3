import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router-dom';
import { AntdApp } from '../shared/antd/AntdApp';
import { createQueryClient } from '../shared/query';
import { SellerApp } from './App';
import './seller.css';

const queryClient = createQueryClient();
const title = { 'zh-CN': '千店 · 千牛工作台', 'en-US': 'Qiandian · Seller Workbench' };

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <AntdApp queryClient={queryClient} title={title}>
      <BrowserRouter basename="/seller">
        <SellerApp />
      </BrowserRouter>
    </AntdApp>
  </StrictMode>,
);
