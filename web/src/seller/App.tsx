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
import { RoutingRulesPage } from './pages/fulfillment/RoutingRulesPage';
import { OrdersPage } from './pages/orders/OrdersPage';
import { ProductEditorPage } from './pages/products/ProductEditorPage';
import { ProductsPage } from './pages/products/ProductsPage';
import { ShopCategoriesPage } from './pages/products/ShopCategoriesPage';
import { RegisterPage } from './pages/RegisterPage';
import { SettingsPage } from './pages/SettingsPage';
import { StaffPage } from './pages/StaffPage';
import { StorePage } from './pages/store/StorePage';
import { FlashSalesPage } from './pages/flashsale/FlashSalesPage';
import { StrategiesPage } from './pages/strategy/StrategiesPage';
import { CustomersPage } from './pages/customers/CustomersPage';
import { SegmentBuilderPage } from './pages/customers/SegmentBuilderPage';
import { SegmentsPage } from './pages/customers/SegmentsPage';
import { TagsPage } from './pages/customers/TagsPage';
import { QimenMessagesPage } from './pages/qimen/QimenMessagesPage';
import { QimenPartnersPage } from './pages/qimen/QimenPartnersPage';
import { StrategyEditorPage } from './pages/strategy/StrategyEditorPage';
import { LocationsPage } from './pages/inventory/LocationsPage';
import { LowStockPage } from './pages/inventory/LowStockPage';
import { StockPage } from './pages/inventory/StockPage';
import { StocktakesPage } from './pages/inventory/StocktakesPage';
import { TransfersPage } from './pages/inventory/TransfersPage';
import { lastShop, useMyShops } from './queries';
import { RequirePermission, SellerLayout, SellerNotFound } from './SellerLayout';

// The dashboard carries ECharts; it loads when first opened.
const DashboardPage = lazy(() => import('./pages/DashboardPage').then((m) => ({ default: m.DashboardPage })));
// The customer center's insight page carries ECharts too.
const InsightPage = lazy(() => import('./pages/customers/InsightPage').then((m) => ({ default: m.InsightPage })));
const StrategyReportPage = lazy(() =>
  import('./pages/strategy/StrategyReportPage').then((m) => ({ default: m.StrategyReportPage })),
);

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
            path="routing"
            element={
              <RequirePermission permission="fulfilment.manage">
                <RoutingRulesPage />
              </RequirePermission>
            }
          />
          <Route
            path="aftersales"
            element={
              <RequirePermission permission="aftersales.manage">
                <AftersalesPage />
              </RequirePermission>
            }
          />
          <Route
            path="flash-sales"
            element={
              <RequirePermission permission="marketing.manage">
                <FlashSalesPage />
              </RequirePermission>
            }
          />
          <Route
            path="customers"
            element={
              <RequirePermission permission="customers.read">
                <CustomersPage />
              </RequirePermission>
            }
          />
          <Route
            path="customer-tags"
            element={
              <RequirePermission permission="customers.read">
                <TagsPage />
              </RequirePermission>
            }
          />
          <Route path="customer-segments">
            <Route
              index
              element={
                <RequirePermission permission="customers.read">
                  <SegmentsPage />
                </RequirePermission>
              }
            />
            <Route
              path="new"
              element={
                <RequirePermission permission="customers.write">
                  <SegmentBuilderPage />
                </RequirePermission>
              }
            />
            <Route
              path=":segmentId/edit"
              element={
                <RequirePermission permission="customers.write">
                  <SegmentBuilderPage />
                </RequirePermission>
              }
            />
          </Route>
          <Route
            path="customer-insight"
            element={
              <RequirePermission permission="customers.read">
                <Suspense fallback={<PageLoading />}>
                  <InsightPage />
                </Suspense>
              </RequirePermission>
            }
          />
          <Route path="strategies">
            <Route
              index
              element={
                <RequirePermission permission="marketing.manage">
                  <StrategiesPage />
                </RequirePermission>
              }
            />
            <Route
              path="new"
              element={
                <RequirePermission permission="marketing.manage">
                  <StrategyEditorPage />
                </RequirePermission>
              }
            />
            <Route
              path=":strategyId"
              element={
                <RequirePermission permission="marketing.manage">
                  <StrategyEditorPage />
                </RequirePermission>
              }
            />
            <Route
              path=":strategyId/report"
              element={
                <RequirePermission permission="marketing.manage">
                  <Suspense fallback={<PageLoading />}>
                    <StrategyReportPage />
                  </Suspense>
                </RequirePermission>
              }
            />
          </Route>
          <Route
            path="qimen-partners"
            element={
              <RequirePermission permission="integrations.manage">
                <QimenPartnersPage />
              </RequirePermission>
            }
          />
          <Route
            path="qimen-messages"
            element={
              <RequirePermission permission="integrations.manage">
                <QimenMessagesPage />
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
            path="store"
            element={
              <RequirePermission permission="store.operate">
                <StorePage />
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
            path="locations"
            element={
              <RequirePermission permission="stock.read">
                <LocationsPage />
              </RequirePermission>
            }
          />
          <Route
            path="stock"
            element={
              <RequirePermission permission="stock.read">
                <StockPage />
              </RequirePermission>
            }
          />
          <Route
            path="transfers"
            element={
              <RequirePermission permission="stock.read">
                <TransfersPage />
              </RequirePermission>
            }
          />
          <Route
            path="stocktakes"
            element={
              <RequirePermission permission="stock.read">
                <StocktakesPage />
              </RequirePermission>
            }
          />
          <Route
            path="low-stock"
            element={
              <RequirePermission permission="stock.read">
                <LowStockPage />
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
