import { TabBar } from 'antd-mobile';
import { AppOutline, AppstoreOutline, ShopbagOutline, UserOutline } from 'antd-mobile-icons';
import type { ReactNode } from 'react';
import { Navigate, Route, Routes, useLocation, useNavigate, useSearchParams } from 'react-router-dom';
import { useMe } from '../shared/auth';
import { cartCount, useCart } from './api';
import { Loading, RequireAuth } from './components';
import { safeNext } from './format';
import { useT } from './i18n';
import { AddressEditPage, AddressesPage } from './pages/AddressesPage';
import { AftersaleDetailPage, AftersalesPage } from './pages/AftersalesPage';
import { AftersaleRequestPage } from './pages/AftersaleRequestPage';
import { CartPage } from './pages/CartPage';
import { CategoriesPage } from './pages/CategoriesPage';
import { CheckoutPage } from './pages/CheckoutPage';
import { FavouritesPage } from './pages/FavouritesPage';
import { FlashSalePage } from './pages/FlashSalePage';
import { FollowsPage } from './pages/FollowsPage';
import { HomePage } from './pages/HomePage';
import { LoginPage } from './pages/LoginPage';
import { MePage } from './pages/MePage';
import { OrderDetailPage } from './pages/OrderDetailPage';
import { OrdersPage } from './pages/OrdersPage';
import { ProductPage } from './pages/ProductPage';
import { RegisterPage } from './pages/RegisterPage';
import { SearchPage } from './pages/SearchPage';
import { ShopPage } from './pages/ShopPage';

const signedIn = (page: ReactNode) => <RequireAuth>{page}</RequireAuth>;

export function MobileApp() {
  return (
    <div className="qd-m-app">
      <Routes>
        <Route path="/login" element={<GuestOnly>{<LoginPage />}</GuestOnly>} />
        <Route path="/register" element={<GuestOnly>{<RegisterPage />}</GuestOnly>} />
        <Route path="/" element={<WithTabs>{<HomePage />}</WithTabs>} />
        <Route path="/categories" element={<WithTabs>{<CategoriesPage />}</WithTabs>} />
        <Route path="/cart" element={<WithTabs>{signedIn(<CartPage />)}</WithTabs>} />
        <Route path="/me" element={<WithTabs>{<MePage />}</WithTabs>} />
        <Route path="/search" element={<SearchPage />} />
        <Route path="/shops/:shopId" element={<ShopPage />} />
        <Route path="/shops/:shopId/products/:productId" element={<ProductPage />} />
        <Route path="/shops/:shopId/flash-sales/:saleId" element={<FlashSalePage />} />
        <Route path="/checkout" element={signedIn(<CheckoutPage />)} />
        <Route path="/addresses" element={signedIn(<AddressesPage />)} />
        <Route path="/addresses/new" element={signedIn(<AddressEditPage />)} />
        <Route path="/addresses/:addressId" element={signedIn(<AddressEditPage />)} />
        <Route path="/orders" element={signedIn(<OrdersPage />)} />
        <Route path="/orders/:shopId/:orderId" element={signedIn(<OrderDetailPage />)} />
        <Route path="/orders/:shopId/:orderId/aftersales" element={signedIn(<AftersaleRequestPage />)} />
        <Route path="/follows" element={signedIn(<FollowsPage />)} />
        <Route path="/favourites" element={signedIn(<FavouritesPage />)} />
        <Route path="/aftersales" element={signedIn(<AftersalesPage />)} />
        <Route path="/aftersales/:shopId/:caseId" element={signedIn(<AftersaleDetailPage />)} />
        <Route path="*" element={<Navigate to="/" replace />} />
      </Routes>
    </div>
  );
}

/** Sign-in and sign-up: a signed-in person goes on to where they were headed (or Me). */
function GuestOnly({ children }: { children: ReactNode }) {
  const me = useMe();
  const [params] = useSearchParams();
  if (me.isPending) return <Loading />;
  if (me.data) return <Navigate to={safeNext(params.get('next')) ?? '/me'} replace />;
  return <>{children}</>;
}

function WithTabs({ children }: { children: ReactNode }) {
  const t = useT();
  const location = useLocation();
  const navigate = useNavigate();
  const cart = useCart();
  const count = cartCount(cart.data);
  return (
    <>
      <div className="qd-m-body">{children}</div>
      <div className="qd-m-tabbar">
        <TabBar activeKey={location.pathname} onChange={(key) => navigate(key)} safeArea={false}>
          <TabBar.Item key="/" icon={<AppOutline />} title={t('tab.home')} />
          <TabBar.Item key="/categories" icon={<AppstoreOutline />} title={t('tab.categories')} />
          <TabBar.Item
            key="/cart"
            icon={<ShopbagOutline />}
            title={t('tab.cart')}
            badge={count > 0 ? (count > 99 ? '99+' : count) : undefined}
          />
          <TabBar.Item key="/me" icon={<UserOutline />} title={t('tab.me')} />
        </TabBar>
      </div>
    </>
  );
}
