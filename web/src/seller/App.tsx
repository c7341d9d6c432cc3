import type { ReactNode } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { LoadError, PageLoading } from '../shared/antd/components';
import { useMe } from '../shared/auth';
import { HomePage } from './pages/HomePage';
import { LoginPage } from './pages/LoginPage';
import { OnboardingPage } from './pages/OnboardingPage';
import { RegisterPage } from './pages/RegisterPage';
import { SettingsPage } from './pages/SettingsPage';
import { StaffPage } from './pages/StaffPage';
import { lastShop, useMyShops } from './queries';
import { RequirePermission, SellerLayout, SellerNotFound } from './SellerLayout';

export function SellerApp() {
  return (
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
        element={
          <RequireAuth>
            <SellerLayout />
          </RequireAuth>
        }
      >
        <Route index element={<Entry />} />
        <Route path="onboarding" element={<OnboardingPage />} />
        <Route path="shops/:shopId">
          <Route index element={<Navigate to="home" replace />} />
          <Route
            path="home"
            element={
              <RequirePermission permission="shop.view">
                <HomePage />
              </RequirePermission>
            }
          />
          <Route
            path="staff"
            element={
              <RequirePermission permission="staff.manage">
                <StaffPage />
              </RequirePermission>
            }
          />
          <Route
            path="settings"
            element={
              <RequirePermission permission="shop.settings">
                <SettingsPage />
              </RequirePermission>
            }
          />
          <Route path="*" element={<SellerNotFound />} />
        </Route>
        <Route path="*" element={<SellerNotFound />} />
      </Route>
    </Routes>
  );
}

function RequireAuth({ children }: { children: ReactNode }) {
  const me = useMe();
  const location = useLocation();
  if (me.isPending) return <PageLoading />;
  if (me.isError) return <LoadError error={me.error} onRetry={() => void me.refetch()} />;
  if (!me.data) {
    const next = location.pathname + location.search;
    return <Navigate to={`/login${next && next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`} replace />;
  }
  return <>{children}</>;
}

function GuestOnly({ children }: { children: ReactNode }) {
  const me = useMe();
  const location = useLocation();
  if (me.isPending) return <PageLoading />;
  if (me.data) {
    const next = new URLSearchParams(location.search).get('next');
    return <Navigate to={next && next.startsWith('/') && !next.startsWith('//') ? next : '/'} replace />;
  }
  return <>{children}</>;
}

/** After sign-in: the last shop used, else the first open shop, else onboarding. */
function Entry() {
  const shops = useMyShops();
  if (shops.isPending) return <PageLoading />;
  if (shops.isError) return <LoadError error={shops.error} onRetry={() => void shops.refetch()} />;
  const items = shops.data;
  const remembered = lastShop();
  const target =
    items.find((s) => s.shop.id === remembered) ?? items.find((s) => s.shop.status === 'active') ?? items[0];
  return <Navigate to={target ? `/shops/${target.shop.id}/home` : '/onboarding'} replace />;
}
