import { AlertOutlined, AuditOutlined, DatabaseOutlined, EnvironmentOutlined, SwapOutlined } from '@ant-design/icons';
import { Badge, Space } from 'antd';
import type { ReactNode } from 'react';
import type { MyShop, Permission } from '../../../api/types';
import { useT } from '../../i18n';
import { useLowStockCount } from './api';

/** The workbench nav group "库存 / Stock", with the low-stock count as a badge. */
export function useStockNavGroup(membership: MyShop | undefined): {
  key: string;
  label: string;
  entries: { key: string; icon: ReactNode; label: ReactNode; permission: Permission }[];
} {
  const t = useT();
  const canRead = !!membership && (membership.permissions as readonly string[]).includes('stock.read');
  const low = useLowStockCount(membership?.shop.id ?? null, canRead);
  return {
    key: 'g-stock',
    label: t('nav.groupStock'),
    entries: [
      { key: 'locations', icon: <EnvironmentOutlined />, label: t('nav.locations'), permission: 'stock.read' },
      { key: 'stock', icon: <DatabaseOutlined />, label: t('nav.stock'), permission: 'stock.read' },
      { key: 'transfers', icon: <SwapOutlined />, label: t('nav.transfers'), permission: 'stock.read' },
      { key: 'stocktakes', icon: <AuditOutlined />, label: t('nav.stocktakes'), permission: 'stock.read' },
      {
        key: 'low-stock',
        icon: <AlertOutlined />,
        label: (
          <Space size={6}>
            {t('nav.lowStock')}
            <Badge count={low.data ?? 0} size="small" overflowCount={99} data-testid="low-stock-badge" />
          </Space>
        ),
        permission: 'stock.read',
      },
    ],
  };
}
