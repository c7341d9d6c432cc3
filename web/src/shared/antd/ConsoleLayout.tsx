import { MenuFoldOutlined, MenuUnfoldOutlined } from '@ant-design/icons';
import { Layout, Menu, type MenuProps } from 'antd';
import { type ReactNode, useState } from 'react';
import { LogoMark } from '../Logo';
import { useCommonT } from './i18n';

/** The console frame (Ant Design Pro style): dark side navigation, white header, content, footer. */
export function ConsoleLayout({
  product,
  menuItems,
  selectedKey,
  onMenuClick,
  siderTop,
  headerLeft,
  headerRight,
  children,
}: {
  product: string;
  menuItems: MenuProps['items'];
  selectedKey?: string;
  onMenuClick?: (key: string) => void;
  siderTop?: ReactNode;
  headerLeft?: ReactNode;
  headerRight?: ReactNode;
  children: ReactNode;
}) {
  const t = useCommonT();
  const [collapsed, setCollapsed] = useState(false);
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider
        width={220}
        collapsible
        collapsed={collapsed}
        trigger={null}
        breakpoint="lg"
        onBreakpoint={(broken) => setCollapsed(broken)}
      >
        <div style={{ position: 'sticky', top: 0, maxHeight: '100vh', overflowY: 'auto' }}>
          <div className="qd-brand">
            <LogoMark size={30} style={{ flex: 'none' }} />
            {collapsed ? null : (
              <span>
                {t('brand')}
                <small>{product}</small>
              </span>
            )}
          </div>
          {collapsed ? null : siderTop}
          <Menu
            theme="dark"
            mode="inline"
            items={menuItems}
            selectedKeys={selectedKey ? [selectedKey] : []}
            onClick={({ key }) => onMenuClick?.(key)}
            data-testid="side-nav"
          />
        </div>
      </Layout.Sider>
      <Layout>
        <Layout.Header className="qd-header">
          <span
            className="qd-header-action"
            role="button"
            aria-label={t('toggleNav')}
            onClick={() => setCollapsed(!collapsed)}
          >
            {collapsed ? <MenuUnfoldOutlined /> : <MenuFoldOutlined />}
          </span>
          {headerLeft}
          <span className="qd-header-spacer" />
          {headerRight}
        </Layout.Header>
        <Layout.Content className="qd-content">{children}</Layout.Content>
        <Layout.Footer className="qd-footer" style={{ background: 'transparent' }}>
          {t('footer')}
        </Layout.Footer>
      </Layout>
    </Layout>
  );
}
