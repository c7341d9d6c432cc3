import {
  ClockCircleOutlined,
  DashboardOutlined,
  PlusOutlined,
  ProfileOutlined,
  SettingOutlined,
  TeamOutlined,
} from '@ant-design/icons';
import { Alert, Button, Card, Col, Descriptions, Empty, Row, Space, Statistic, Tag, Timeline, Typography } from 'antd';
import { useNavigate } from 'react-router-dom';
import { formatDateTime, formatRelative } from '../../i18n/locale';
import { useLocale } from '../../i18n/react';
import { LoadError, PageLoading } from '../../shared/antd/components';
import { accountLabel, useMe } from '../../shared/auth';
import { roleLabel, statusLabel, useT } from '../i18n';
import { useCategories, useOverview } from '../queries';
import { ShopAvatar, StatusTag, useCurrentShop } from '../SellerLayout';

export function HomePage() {
  const t = useT();
  const locale = useLocale();
  const me = useMe();
  const navigate = useNavigate();
  const { shop: listedShop } = useCurrentShop();
  const overview = useOverview(listedShop.id);
  const categories = useCategories();
  if (overview.isPending) return <PageLoading />;
  if (overview.isError) return <LoadError error={overview.error} onRetry={() => void overview.refetch()} />;
  const { shop, role, permissions, counts, activity } = overview.data;
  const can = (p: string) => (permissions as readonly string[]).includes(p);
  const categoryName = categories.data?.find((c) => c.code === shop.mainCategory)?.name ?? shop.mainCategory;

  return (
    <div data-testid="shop-home">
      <Card style={{ marginBottom: 16 }} styles={{ body: { padding: 24 } }}>
        <div style={{ display: 'flex', alignItems: 'center', gap: 20, flexWrap: 'wrap' }}>
          <ShopAvatar name={shop.name} logoUrl={shop.logoUrl} size={72} />
          <div style={{ flex: 1, minWidth: 240 }}>
            <Typography.Text type="secondary">
              {t('home.hello', { name: me.data ? accountLabel(me.data) : '' })}
            </Typography.Text>
            <Space size={10} align="center" style={{ display: 'flex', marginTop: 2 }} wrap>
              <Typography.Title level={3} style={{ margin: 0 }} data-testid="shop-name">
                {shop.name}
              </Typography.Title>
              <StatusTag status={shop.status} />
              <Tag color="orange" style={{ marginInlineEnd: 0 }}>
                {roleLabel(t, role)}
              </Tag>
            </Space>
            <div style={{ marginTop: 6, color: 'rgba(0,0,0,.5)' }}>
              {categoryName} · {t('home.createdAt')} {formatDateTime(shop.createdAt, locale)}
            </div>
          </div>
          <Space wrap>
            {shop.status === 'active' && can('products.write') ? (
              <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate(`/shops/${shop.id}/products/new`)}>
                {t('products.new')}
              </Button>
            ) : null}
            {shop.status === 'active' && can('orders.read') ? (
              <Button icon={<ProfileOutlined />} onClick={() => navigate(`/shops/${shop.id}/orders?status=paid`)}>
                {t('home.toShip')}
              </Button>
            ) : null}
            {shop.status === 'active' && can('data.read') ? (
              <Button icon={<DashboardOutlined />} onClick={() => navigate(`/shops/${shop.id}/dashboard`)}>
                {t('nav.dashboard')}
              </Button>
            ) : null}
            {can('staff.manage') ? (
              <Button icon={<TeamOutlined />} onClick={() => navigate(`/shops/${shop.id}/staff`)}>
                {t('nav.staff')}
              </Button>
            ) : null}
            {can('shop.settings') ? (
              <Button icon={<SettingOutlined />} onClick={() => navigate(`/shops/${shop.id}/settings`)}>
                {t('nav.settings')}
              </Button>
            ) : null}
          </Space>
        </div>
      </Card>

      {shop.status === 'pending' ? (
        <Alert
          type="warning"
          showIcon
          title={t('home.pendingTitle')}
          description={t('home.pendingBody')}
          style={{ marginBottom: 16 }}
        />
      ) : shop.status === 'rejected' ? (
        <Alert
          type="error"
          showIcon
          title={t('home.rejectedTitle')}
          description={t('home.rejectedBody', { reason: shop.rejectReason ?? '—' })}
          style={{ marginBottom: 16 }}
        />
      ) : (
        <Alert
          type="success"
          showIcon
          title={t('home.activeTitle')}
          style={{ marginBottom: 16 }}
          data-testid="active-banner"
        />
      )}

      <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
        <Col xs={24} sm={12} xl={6}>
          <Card className="qd-stat-card">
            <Statistic
              title={t('home.status')}
              value={statusLabel(t, shop.status)}
              styles={{
                content: { color: { pending: '#d48806', active: '#389e0d', rejected: '#cf1322' }[shop.status] },
              }}
            />
          </Card>
        </Col>
        <Col xs={24} sm={12} xl={6}>
          <Card className="qd-stat-card">
            <Statistic title={t('home.yourRole')} value={roleLabel(t, role)} />
          </Card>
        </Col>
        <Col xs={24} sm={12} xl={6}>
          <Card className="qd-stat-card">
            <Statistic
              title={t('home.members')}
              value={counts.members}
              suffix={t('home.unit.people')}
              valueRender={(node) => <span data-testid="member-count">{node}</span>}
            />
          </Card>
        </Col>
        <Col xs={24} sm={12} xl={6}>
          <Card className="qd-stat-card">
            <Statistic
              title={t('home.pendingInvitations')}
              value={counts.pendingInvitations}
              suffix={t('home.unit.invitations')}
            />
          </Card>
        </Col>
      </Row>

      <Row gutter={[16, 16]}>
        <Col xs={24} lg={14}>
          <Card title={t('home.activity')} style={{ height: '100%' }}>
            {activity.length ? (
              <Timeline
                data-testid="activity"
                items={activity.map((a) => ({
                  key: a.id,
                  icon: <ClockCircleOutlined style={{ fontSize: 14 }} />,
                  content: (
                    <div>
                      <div>
                        {a.actorName ? <Typography.Text strong>{a.actorName} </Typography.Text> : null}
                        {a.summary}
                      </div>
                      <Typography.Text type="secondary" style={{ fontSize: 12 }} title={formatDateTime(a.at, locale)}>
                        {formatRelative(a.at, locale)}
                      </Typography.Text>
                    </div>
                  ),
                }))}
              />
            ) : (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('home.noActivity')} />
            )}
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Card title={t('home.info')} style={{ height: '100%' }}>
            <Descriptions column={1} size="small" styles={{ label: { width: 160, whiteSpace: 'nowrap' } }}>
              <Descriptions.Item label={t('home.category')}>{categoryName}</Descriptions.Item>
              <Descriptions.Item label={t('home.contact')}>{shop.contactName}</Descriptions.Item>
              <Descriptions.Item label={t('home.phone')}>{shop.contactPhone}</Descriptions.Item>
              <Descriptions.Item label={t('home.licence')}>{shop.licenceNo}</Descriptions.Item>
              <Descriptions.Item label={t('home.createdAt')}>
                {formatDateTime(shop.createdAt, locale)}
              </Descriptions.Item>
              <Descriptions.Item label={t('home.reviewedAt')}>
                {formatDateTime(shop.reviewedAt, locale)}
              </Descriptions.Item>
            </Descriptions>
          </Card>
        </Col>
      </Row>
    </div>
  );
}
