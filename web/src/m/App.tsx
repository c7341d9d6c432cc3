import { DotLoading, ErrorBlock, TabBar, Button } from 'antd-mobile';
import { AppOutline, UserOutline } from 'antd-mobile-icons';
import type { ReactNode } from 'react';
import { Navigate, Route, Routes, useLocation, useNavigate } from 'react-router-dom';
import { errorMessage } from '../api/errors';
import { useMe } from '../shared/auth';
import { useT } from './i18n';
import { HomePage } from './pages/HomePage';
import { LoginPage } from './pages/LoginPage';
import { MePage } from './pages/MePage';
import { RegisterPage } from './pages/RegisterPage';

export function MobileApp() {
  return (
    <div className="qd-m-app">
      <Routes>
        <Route
          path="/login"
          element={
            <GuestOnly>
              <LoginPage />
            </GuestOnly>
          }
        />
        <Route
          path="/register"
          element={
            <GuestOnly>
              <RegisterPage />
            </GuestOnly>
          }
        />
        <Route
          path="/"
          element={
            <WithTabs>
              <HomePage />
            </WithTabs>
          }
        />
        <Route
          path="/me"
          element={
            <WithTabs>
              <MePage />
            </WithTabs>
          }
        />
        <Route path="*" element={<Navigate to="/" replace />} />
      </Routes>
    </div>
  );
}

export function Loading() {
  return (
    <div style={{ padding: 80, textAlign: 'center', color: '#ff5000', fontSize: 24 }}>
      <DotLoading color="primary" />
    </div>
  );
}

export function LoadFailed({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  const t = useT();
  return (
    <ErrorBlock status="default" title={errorMessage(error)} description="">
      <Button color="primary" onClick={onRetry}>
        {t('error.retry')}
      </Button>
    </ErrorBlock>
  );
}

function GuestOnly({ children }: { children: ReactNode }) {
  const me = useMe();
  if (me.isPending) return <Loading />;
  if (me.data) return <Navigate to="/me" replace />;
  return <>{children}</>;
}

function WithTabs({ children }: { children: ReactNode }) {
  const t = useT();
  const location = useLocation();
  const navigate = useNavigate();
  return (
    <>
      <div className="qd-m-body">{children}</div>
      <div className="qd-m-tabbar">
        <TabBar activeKey={location.pathname} onChange={(key) => navigate(key)} safeArea={false}>
          <TabBar.Item key="/" icon={<AppOutline />} title={t('tab.home')} />
          <TabBar.Item key="/me" icon={<UserOutline />} title={t('tab.me')} />
        </TabBar>
      </div>
    </>
  );
}
