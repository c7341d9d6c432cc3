import { lazy, type ReactNode, Suspense } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { LoadError, PageLoading } from '../shared/antd/components';
import { useMe } from '../shared/auth';
import { AftersalesPage } from './pages/AftersalesPage';
import { DecorationPage } from './pages/DecorationPage';
import { HomePage } from './pages/HomePage';
import { LoginPage } from './pages/LoginPage';
import { OnboardingPage } from './pages/OnboardingPage';
import { OrderDetailPage } from './pages/orders/OrderDetailPage';
import { OrdersPage } from './pages/orders/OrdersPage';
import { ProductEditorPage } from './pages/products/ProductEditorPage';
import { ProductsPage } from './pages/products/ProductsPage';
import { ShopCategoriesPage } from './pages/products/ShopCategoriesPage';
import { RegisterPage } from './pages/RegisterPage';
import { SettingsPage } from './pages/SettingsPage';
import { StaffPage } from './pages/StaffPage';
import { lastShop, useMyShops } from './queries';
import { RequirePermission, SellerLayout, SellerNotFound } from './SellerLayout';

// The dashboard carries ECharts; it loads when first opened.
const DashboardPage = lazy(() => import('./pages/DashboardPage').then((m) => ({ default: m.DashboardPage })));

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
            path="dashboard"
            element={
              <RequirePermission permission="data.read">
                <Suspense fallback={<PageLoading />}>
                  <DashboardPage />
                </Suspense>
              </RequirePermission>
            }
          />
          <Route path="products">
            <Route
              index
              element={
                <RequirePermission permission="products.read">
                  <ProductsPage />
                </RequirePermission>
              }
            />
            <Route
              path="new"
              element={
                <RequirePermission permission="products.write">
                  <ProductEditorPage />
                </RequirePermission>
              }
            />
            <Route
              path=":productId/edit"
              element={
                <RequirePermission permission="products.read">
                  <ProductEditorPage />
                </RequirePermission>
              }
            />
            <Route
              path="categories"
              element={
                <RequirePermission permission="products.read">
                  <ShopCategoriesPage />
                </RequirePermission>
              }
            />
          </Route>
          <Route path="orders">
            <Route
              index
              element={
                <RequirePermission permission="orders.read">
                  <OrdersPage />
                </RequirePermission>
              }
            />
            <Route
              path=":orderId"
              element={
                <RequirePermission permission="orders.read">
                  <OrderDetailPage />
                </RequirePermission>
              }
            />
          </Route>
          <Route
            path="aftersales"
            element={
              <RequirePermission permission="aftersales.manage">
                <AftersalesPage />
              </RequirePermission>
            }
          />
          <Route
            path="decoration"
            element={
              <RequirePermission permission="marketing.manage">
                <DecorationPage />
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
