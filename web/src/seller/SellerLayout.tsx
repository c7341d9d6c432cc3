import {
  ApiOutlined,
  BranchesOutlined,
  ClusterOutlined,
  BellOutlined,
  BgColorsOutlined,
  CustomerServiceOutlined,
  DashboardOutlined,
  ExperimentOutlined,
  HomeOutlined,
  PieChartOutlined,
  ProfileOutlined,
  SettingOutlined,
  ShopOutlined,
  ShoppingOutlined,
  SwapOutlined,
  TagOutlined,
  TagsOutlined,
  TeamOutlined,
  ThunderboltOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { Avatar, Badge, Button, Popover, Result, Select, Space, Tag, type MenuProps } from 'antd';
import { createContext, type ReactNode, useContext, useEffect } from 'react';
import { Outlet, useLocation, useMatch, useNavigate } from 'react-router-dom';
import type { MyShop, Permission, ShopStatus } from '../api/types';
import { AccountMenu, Forbidden, LanguageSwitch, LoadError, NotFound, PageLoading } from '../shared/antd/components';
import { ConsoleLayout } from '../shared/antd/ConsoleLayout';
import { useMe } from '../shared/auth';
import { roleLabel, statusLabel, useT } from './i18n';
import { InvitationList } from './Invitations';
import { rememberShop, useMyInvitations, useMyShops } from './queries';
import { useStockNavGroup } from './pages/inventory/nav';

interface ShopContextValue {
  shopId: string | null;
  /** The membership in the shop the URL names; undefined while loading or when not a member. */
  membership: MyShop | undefined;
  loading: boolean;
  error: unknown;
}

const ShopContext = createContext<ShopContextValue>({
  shopId: null,
  membership: undefined,
  loading: false,
  error: null,
});

export function useShop(): ShopContextValue {
  return useContext(ShopContext);
}

/** The shop in the URL, once the membership is known (pages render inside RequirePermission). */
export function useCurrentShop(): MyShop {
  const { membership } = useShop();
  if (!membership) throw new Error('useCurrentShop outside a shop route');
  return membership;
}

export function hasPermission(membership: MyShop | undefined, permission: string): boolean {
  return !!membership && (membership.permissions as readonly string[]).includes(permission);
}

export const statusColor: Record<ShopStatus, string> = { pending: 'gold', active: 'green', rejected: 'red' };

export function StatusTag({ status }: { status: ShopStatus }) {
  const t = useT();
  return (
    <Tag color={statusColor[status]} data-testid="shop-status" style={{ marginInlineEnd: 0 }}>
      {statusLabel(t, status)}
    </Tag>
  );
}

export function ShopAvatar({ name, logoUrl, size = 24 }: { name: string; logoUrl?: string | null; size?: number }) {
  return logoUrl ? (
    <Avatar src={logoUrl} size={size} shape="square" alt="" />
  ) : (
    <Avatar size={size} shape="square" style={{ background: '#ffb37a', fontSize: size * 0.5 }}>
      {name.slice(0, 1)}
    </Avatar>
  );
}

export function SellerLayout() {
  const t = useT();
  const me = useMe();
  const navigate = useNavigate();
  const location = useLocation();
  const match = useMatch('/shops/:shopId/*');
  const shopId = match?.params.shopId ?? null;
  const shops = useMyShops();
  const invitations = useMyInvitations();
  const membership = shopId ? shops.data?.find((s) => s.shop.id === shopId) : undefined;

  useEffect(() => {
    if (membership) rememberShop(membership.shop.id);
  }, [membership]);

  const parts = location.pathname.split('/');
  const section =
    parts[3] === 'products' && parts[4] === 'categories'
      ? 'categories'
      : (parts[3] ?? (location.pathname.startsWith('/onboarding') ? 'onboarding' : ''));
  const selectedKey = location.pathname.startsWith('/onboarding') ? 'onboarding' : section;

  const stockGroup = useStockNavGroup(membership);
  // Each entry shows only when the role in this shop has its permission.
  type Entry = { key: string; icon: ReactNode; label: ReactNode; permission: Permission };
  const groups: { key: string; label: string; entries: Entry[] }[] = [
    {
      key: 'g-shop',
      label: t('nav.shop'),
      entries: [
        { key: 'home', icon: <HomeOutlined />, label: t('nav.home'), permission: 'shop.view' },
        { key: 'dashboard', icon: <DashboardOutlined />, label: t('nav.dashboard'), permission: 'data.read' },
      ],
    },
    {
      key: 'g-products',
      label: t('nav.groupProducts'),
      entries: [
        { key: 'products', icon: <ShoppingOutlined />, label: t('nav.products'), permission: 'products.read' },
        { key: 'categories', icon: <TagsOutlined />, label: t('nav.shopCategories'), permission: 'products.read' },
      ],
    },
    {
      key: 'g-trade',
      label: t('nav.groupTrade'),
      entries: [
        { key: 'orders', icon: <ProfileOutlined />, label: t('nav.orders'), permission: 'orders.read' },
        {
          key: 'aftersales',
          icon: <CustomerServiceOutlined />,
          label: t('nav.aftersales'),
          permission: 'aftersales.manage',
        },
        { key: 'routing', icon: <BranchesOutlined />, label: t('nav.routing'), permission: 'fulfilment.manage' },
      ],
    },
    stockGroup,
    {
      key: 'g-store',
      label: t('nav.groupStore'),
      entries: [{ key: 'store', icon: <ShopOutlined />, label: t('nav.store'), permission: 'store.operate' }],
    },
    {
      key: 'g-customers',
      label: t('nav.groupCustomers'),
      entries: [
        { key: 'customers', icon: <UserOutlined />, label: t('nav.customers'), permission: 'customers.read' },
        { key: 'customer-tags', icon: <TagOutlined />, label: t('nav.customerTags'), permission: 'customers.read' },
        {
          key: 'customer-segments',
          icon: <ClusterOutlined />,
          label: t('nav.customerSegments'),
          permission: 'customers.read',
        },
        {
          key: 'customer-insight',
          icon: <PieChartOutlined />,
          label: t('nav.customerInsight'),
          permission: 'customers.read',
        },
      ],
    },
    {
      key: 'g-marketing',
      label: t('nav.groupMarketing'),
      entries: [
        { key: 'strategies', icon: <ExperimentOutlined />, label: t('nav.strategies'), permission: 'marketing.manage' },
        {
          key: 'flash-sales',
          icon: <ThunderboltOutlined />,
          label: t('nav.flashSales'),
          permission: 'marketing.manage',
        },
      ],
    },
    {
      key: 'g-manage',
      label: t('nav.groupManage'),
      entries: [
        { key: 'decoration', icon: <BgColorsOutlined />, label: t('nav.decoration'), permission: 'marketing.manage' },
        { key: 'staff', icon: <TeamOutlined />, label: t('nav.staff'), permission: 'staff.manage' },
        {
          key: 'qimen-partners',
          icon: <ApiOutlined />,
          label: t('nav.qimenPartners'),
          permission: 'integrations.manage',
        },
        {
          key: 'qimen-messages',
          icon: <SwapOutlined />,
          label: t('nav.qimenMessages'),
          permission: 'integrations.manage',
        },
        { key: 'settings', icon: <SettingOutlined />, label: t('nav.settings'), permission: 'shop.settings' },
      ],
    },
  ];
  const shopGroups: NonNullable<MenuProps['items']> = membership
    ? groups.flatMap((g) => {
        const children = g.entries
          .filter((e) => hasPermission(membership, e.permission))
          .map(({ key, icon, label }) => ({ key, icon, label }));
        return children.length ? [{ key: g.key, type: 'group' as const, label: g.label, children }] : [];
      })
    : [];
  const menuItems: MenuProps['items'] = [
    ...shopGroups,
    {
      key: 'g-account',
      type: 'group' as const,
      label: t('nav.account'),
      children: [{ key: 'onboarding', icon: <ShopOutlined />, label: t('nav.onboarding') }],
    },
  ];
  const pathOf = (key: string) =>
    key === 'onboarding'
      ? '/onboarding'
      : key === 'categories'
        ? `/shops/${shopId}/products/categories`
        : `/shops/${shopId}/${key}`;

  const pendingInvitations = invitations.data ?? [];
  const account = me.data;

  return (
    <ShopContext.Provider value={{ shopId, membership, loading: shops.isPending, error: shops.error }}>
      <ConsoleLayout
        product={t('product')}
        menuItems={menuItems}
        selectedKey={selectedKey}
        onMenuClick={(key) => navigate(pathOf(key))}
        headerLeft={
          shops.data && shops.data.length > 0 ? (
            <Select
              aria-label={t('switcher.label')}
              data-testid="shop-switcher"
              style={{ width: 280 }}
              placeholder={t('switcher.placeholder')}
              value={membership ? membership.shop.id : undefined}
              onChange={(id: string) => navigate(`/shops/${id}/home`)}
              options={shops.data.map((s) => ({
                value: s.shop.id,
                label: (
                  <Space size={8}>
                    <ShopAvatar name={s.shop.name} logoUrl={s.shop.logoUrl} size={20} />
                    <span>{s.shop.name}</span>
                    <span style={{ color: 'rgba(0,0,0,.45)', fontSize: 12 }}>{roleLabel(t, s.role)}</span>
                    {s.shop.status !== 'active' ? <StatusTag status={s.shop.status} /> : null}
                  </Space>
                ),
              }))}
            />
          ) : null
        }
        headerRight={
          <>
            <Popover
              trigger="click"
              placement="bottomRight"
              title={t('invitations.title')}
              content={
                <div style={{ width: 380 }}>
                  <InvitationList compact />
                </div>
              }
            >
              <span
                className="qd-header-action"
                role="button"
                aria-label={t('invitations.bell')}
                data-testid="invitation-bell"
              >
                <Badge count={pendingInvitations.length} size="small">
                  <BellOutlined style={{ fontSize: 17 }} />
                </Badge>
              </span>
            </Popover>
            <LanguageSwitch />
            {account ? <AccountMenu account={account} /> : null}
          </>
        }
      >
        <Outlet />
      </ConsoleLayout>
    </ShopContext.Provider>
  );
}

/** Renders the page only when the account's role in the shop has the permission; otherwise a 403 page. */
export function RequirePermission({ permission, children }: { permission: Permission; children: ReactNode }) {
  const { membership, loading, error } = useShop();
  const t = useT();
  const navigate = useNavigate();
  if (loading) return <PageLoading />;
  if (error) return <LoadError error={error} />;
  if (!membership) return <ShopNotFound />;
  if (!hasPermission(membership, permission)) {
    return (
      <Forbidden
        action={
          hasPermission(membership, 'shop.view') ? (
            <Button type="primary" onClick={() => navigate(`/shops/${membership.shop.id}/home`)}>
              {t('shop.toHome')}
            </Button>
          ) : (
            <Button onClick={() => navigate('/')}>{t('shop.toWorkbench')}</Button>
          )
        }
      />
    );
  }
  return <>{children}</>;
}

export function ShopNotFound() {
  const t = useT();
  const navigate = useNavigate();
  return (
    <Result
      status="404"
      title={t('shop.notFoundTitle')}
      subTitle={t('shop.notFoundBody')}
      extra={<Button onClick={() => navigate('/')}>{t('shop.toWorkbench')}</Button>}
    />
  );
}

export function SellerNotFound() {
  const t = useT();
  const navigate = useNavigate();
  return <NotFound action={<Button onClick={() => navigate('/')}>{t('shop.toWorkbench')}</Button>} />;
}
