import { App, Button, Card, Col, Descriptions, Form, Input, Row, Tabs, Typography } from 'antd';
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { isApiError } from '../../api/errors';
import { formatDateTime } from '../../i18n/locale';
import { useLocale } from '../../i18n/react';
import { FormAlert, PageHeader, showFormErrors } from '../../shared/antd/components';
import { useCommonT } from '../../shared/antd/i18n';
import { useT } from '../i18n';
import { useCategories, useUpdateShop } from '../queries';
import { hasPermission, ShopAvatar, StatusTag, useCurrentShop } from '../SellerLayout';
import { NotActive, ShopError } from '../ShopError';
import { DecorationForm } from './settings/DecorationForm';
import { OrderSettingsForm } from './settings/OrderSettingsForm';

interface Values {
  name: string;
  contactName: string;
  contactPhone: string;
}

type SettingsTab = 'basic' | 'orders' | 'decoration';

/** Shop settings: basic details, order settings (shipping and timeouts) and storefront decoration. */
export function SettingsPage() {
  const t = useT();
  const membership = useCurrentShop();
  const { shop } = membership;
  const [params, setParams] = useSearchParams();
  const canDecorate = hasPermission(membership, 'marketing.manage');
  const tabs: SettingsTab[] = ['basic', 'orders', ...(canDecorate ? (['decoration'] as const) : [])];
  const asked = params.get('tab') as SettingsTab | null;
  const tab: SettingsTab = asked && tabs.includes(asked) ? asked : 'basic';
  if (shop.status !== 'active') return <NotActive shopId={shop.id} />;
  return (
    <div data-testid="settings-page">
      <PageHeader title={t('settings.title')} subtitle={t('settings.subAll')} />
      <Card styles={{ body: { paddingTop: 0 } }}>
        <Tabs
          activeKey={tab}
          onChange={(key) => setParams(key === 'basic' ? {} : { tab: key }, { replace: true })}
          items={tabs.map((key) => ({ key, label: t(`settings.tab.${key}`) }))}
        />
        {tab === 'basic' ? <BasicSettings /> : null}
        {tab === 'orders' ? <OrderSettingsForm shopId={shop.id} /> : null}
        {tab === 'decoration' ? <DecorationForm shopId={shop.id} shopName={shop.name} /> : null}
      </Card>
    </div>
  );
}

function BasicSettings() {
  const t = useT();
  const c = useCommonT();
  const locale = useLocale();
  const { shop } = useCurrentShop();
  const categories = useCategories();
  const update = useUpdateShop(shop.id);
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<string | null>(null);
  const [refused, setRefused] = useState<unknown>(null);
  const { message } = App.useApp();
  const required = (field: string) => [{ required: true, whitespace: true, message: c('required', { field }) }];
  if (shop.status !== 'active') return <NotActive shopId={shop.id} />;
  if (refused) return <ShopError error={refused} shopId={shop.id} />;
  const categoryName = categories.data?.find((cat) => cat.code === shop.mainCategory)?.name ?? shop.mainCategory;

  return (
    <div data-testid="settings-basic">
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={14}>
          <Card title={t('settings.basic')} type="inner">
            <FormAlert message={error} />
            <Form
              form={form}
              layout="vertical"
              initialValues={{ name: shop.name, contactName: shop.contactName, contactPhone: shop.contactPhone }}
              onFinish={(values) => {
                setError(null);
                update.mutate(
                  {
                    name: values.name.trim(),
                    contactName: values.contactName.trim(),
                    contactPhone: values.contactPhone.trim(),
                  },
                  {
                    onSuccess: () => void message.success(t('settings.saved')),
                    onError: (e) => {
                      if (isApiError(e, 403) || isApiError(e, 409, 'shops.not_active')) setRefused(e);
                      else setError(showFormErrors(form, e));
                    },
                  },
                );
              }}
            >
              <Form.Item name="name" label={t('onboarding.name')} rules={required(t('onboarding.name'))}>
                <Input maxLength={60} />
              </Form.Item>
              <Form.Item
                name="contactName"
                label={t('onboarding.contactName')}
                rules={required(t('onboarding.contactName'))}
              >
                <Input />
              </Form.Item>
              <Form.Item
                name="contactPhone"
                label={t('onboarding.contactPhone')}
                rules={required(t('onboarding.contactPhone'))}
              >
                <Input inputMode="tel" />
              </Form.Item>
              <Button type="primary" htmlType="submit" loading={update.isPending}>
                {c('save')}
              </Button>
            </Form>
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Card title={t('settings.registered')} type="inner">
            <div style={{ display: 'flex', alignItems: 'center', gap: 12, marginBottom: 16 }}>
              <ShopAvatar name={shop.name} logoUrl={shop.logoUrl} size={56} />
              <div>
                <Typography.Text strong>{shop.name}</Typography.Text>
                <div>
                  <StatusTag status={shop.status} />
                </div>
              </div>
            </div>
            <Descriptions column={1} size="small">
              <Descriptions.Item label={t('home.category')}>{categoryName}</Descriptions.Item>
              <Descriptions.Item label={t('home.licence')}>{shop.licenceNo}</Descriptions.Item>
              <Descriptions.Item label={t('home.createdAt')}>
                {formatDateTime(shop.createdAt, locale)}
              </Descriptions.Item>
              <Descriptions.Item label={t('home.reviewedAt')}>
                {formatDateTime(shop.reviewedAt, locale)}
              </Descriptions.Item>
            </Descriptions>
            <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0, fontSize: 12 }}>
              {t('settings.registeredHint')}
            </Typography.Paragraph>
          </Card>
        </Col>
      </Row>
    </div>
  );
}
